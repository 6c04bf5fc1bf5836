import type { Project } from '../../workspace/project.js';
import type { AffectedInput, GraphView } from '../locator-context.js';
import type { LocatorResult } from '../reason.js';

/** The project and every workspace project it depends on through package.json, transitively. */
function computeDependencyRoots(app: Project, byName: ReadonlyMap<string, Project>): Project[] {
  const seen = new Map<string, Project>([[app.name, app]]);
  const queue = [app];
  while (queue.length) {
    for (const dep of queue.shift()!.dependsOn ?? []) {
      const project = byName.get(dep);
      if (project && !seen.has(dep)) {
        seen.set(dep, project);
        queue.push(project);
      }
    }
  }
  return [...seen.values()];
}

/**
 * Apps whose inputs Tessera cannot prove (unknown entries, components the bundler cannot
 * read, file-based routes it does not model) are analysed at project level: every changed
 * file in the app's root, or in the root of a workspace package it depends on (its
 * package.json, transitively), affects it, with the cause of the fall-back in the reason.
 *
 * An app analysed at file level keeps its precision for a workspace package whose source
 * its graph reaches. When its graph reaches no file of a package it depends on (imported by
 * name, and the name resolved to nothing Tessera can read: no node_modules yet, or `main`
 * pointing at build output that is not there), a change to any file of that package affects
 * the app too, saying so, even when other apps' graphs hold that file: never a silent "nothing".
 */
export function locateProjectLevelChanges(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  const byName = new Map(head.snapshot.projects.map((p) => [p.name, p]));
  const reachedBy = new Map<string, Set<string>>();
  /** The apps whose graph reaches at least one file of `project` (computed once per project). */
  const appsReachingProject = (project: Project) => {
    let apps = reachedBy.get(project.name);
    if (!apps) {
      apps = new Set();
      for (const id of head.filesUnder(project.root)) {
        if (head.ownerOf(head.pathOf(id))?.name !== project.name) continue;
        for (const app of head.appsReaching(id)) apps.add(app);
        if (apps.size === head.apps.length) break;
      }
      reachedBy.set(project.name, apps);
    }
    return apps;
  };
  for (const app of head.apps) {
    const atProjectLevel = app.precision === 'project';
    if (!atProjectLevel && !app.dependsOn?.length) continue;
    const scope = computeDependencyRoots(app, byName).filter((p) => atProjectLevel || p.name !== app.name);
    for (const change of input.changes) {
      for (const path of [change.path, change.previousPath]) {
        if (!path) continue;
        const owner = head.ownerOf(path);
        if (!owner || !scope.some((p) => p.name === owner.name)) continue;
        // Per app: another app's graph holding the file says nothing about this app's, whose import of the package resolved to nothing.
        if (!atProjectLevel && appsReachingProject(owner).has(app.name)) continue;
        result.claimed.push(path);
        const detail = atProjectLevel
          ? `${path} ${owner.name === app.name ? `is in ${app.name}'s folder` : `is in ${owner.name}, a workspace package ${app.name} depends on`}; ${app.name} is analysed at project level: ${app.entrySource ?? 'its entries are not known'}`
          : `${path} is in ${owner.name}, a workspace package ${app.name} depends on (package.json) whose source its graph does not reach, so every file of ${owner.name} counts`;
        result.hits.push({ app: app.name, reason: { kind: 'project-level', file: path, package: owner.name, detail } });
      }
    }
  }
  return result;
}
