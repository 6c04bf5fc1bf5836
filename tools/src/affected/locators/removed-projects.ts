import { computeReachable } from '../../graph/file-graph.js';
import { createGraphView, type AffectedInput, type GraphView } from '../locator-context.js';
import type { LocatorResult } from '../reason.js';

/**
 * A project deleted or moved between the merge-base and head: compare both revisions'
 * graphs and affect exactly the apps (still present at head) that reached it at base.
 */
export function locateRemovedProjects(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  if (!input.base) return result;
  const base = createGraphView(input.base);
  const headRoots = new Map(head.snapshot.projects.map((p) => [p.name, p.root]));
  const present = new Set(head.apps.map((a) => a.name));
  for (const project of input.base.projects) {
    const now = headRoots.get(project.name);
    if (now === project.root) continue;
    const what = now === undefined ? 'was removed' : `moved from ${project.root} to ${now}`;
    const files = new Set(base.filesUnder(project.root));
    for (const c of input.changes) if (c.path.startsWith(project.root + '/') || c.previousPath?.startsWith(project.root + '/')) result.claimed.push(c.path);
    for (const app of input.base.graph.apps) {
      if (!present.has(app.name) || app.name === project.name) continue;
      const reach = computeReachable(input.base.graph, app.entries);
      const hit = [...files].find((id) => reach.has(id));
      if (hit === undefined) continue;
      result.hits.push({ app: app.name, reason: { kind: 'project-removed', file: base.pathOf(hit), chain: base.chain(app.name, hit), detail: `project ${project.name} ${what}; ${app.name} reached it at the merge-base` } });
    }
  }
  return result;
}
