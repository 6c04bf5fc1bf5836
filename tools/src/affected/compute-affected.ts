import { type AffectedInput, createGraphView, type GraphView } from './locator-context.js';
import { locateBuildConfigChanges, locateNxConfigChanges, locateTsconfigChanges } from './locators/config-files.js';
import { locateExcludedProjectChanges } from './locators/excluded-projects.js';
import { locateImplicitDependencies } from './locators/implicit-dependencies.js';
import { locateInputs } from './locators/inputs.js';
import { locateProjectLevelChanges } from './locators/project-level.js';
import { locateLockfileChanges, locatePackageJsonChanges, locatePnpmWorkspaceChanges } from './locators/packages.js';
import { locateRemovedProjects } from './locators/removed-projects.js';
import { locateResolutionChanges } from './locators/resolution.js';
import { locateUncertainImports } from './locators/uncertain.js';
import type { Warning } from '../errors/tessera-error.js';
import { findOwningProject, type Project } from '../workspace/project.js';
import type { AffectedApp, LocatorResult, Reason, ReasonKind } from './reason.js';

/** A change locator: one rule, as a small function from the change to apps with reasons. */
export type Locator = (input: AffectedInput, head: GraphView) => LocatorResult;

/** Every rule, in the order their reasons are listed. */
export const LOCATORS: readonly Locator[] = [
  locateInputs,
  locateProjectLevelChanges,
  locateResolutionChanges,
  locateUncertainImports,
  locateLockfileChanges,
  locatePackageJsonChanges,
  locatePnpmWorkspaceChanges,
  locateTsconfigChanges,
  locateNxConfigChanges,
  locateBuildConfigChanges,
  locateImplicitDependencies,
  locateRemovedProjects,
  locateExcludedProjectChanges,
];

const ORDER: ReasonKind[] = ['input', 'app-source', 'project-level', 'resolution', 'project-removed', 'lockfile', 'package-json', 'tsconfig', 'project-config', 'nx-config', 'build-config', 'implicit-dependency', 'uncertain'];

/** An end-to-end test project to run: it tests an affected app, or its own files changed. Never built or deployed. */
export interface AffectedTestProject {
  name: string;
  /** The apps it tests (its implicit dependencies, package dependencies or name: `<app>-e2e`). */
  tests: string[];
  detail: string;
}

export interface AffectedResult {
  apps: AffectedApp[];
  /** e2e projects that follow the affected apps they test, or whose own files changed. */
  testProjects: AffectedTestProject[];
  /** Changed files no app's inputs contain and no rule accounts for. */
  unownedFiles: string[];
  /** What the rules handled conservatively, each saying so. */
  warnings: Warning[];
}

/**
 * Which apps a change affects, and why. Pure: runs every locator over the change set and
 * the graphs, merges their reasons per app, and lists the files nothing accounted for.
 */
export function computeAffected(input: AffectedInput, locators: readonly Locator[] = LOCATORS): AffectedResult {
  const head = createGraphView(input.head);
  const byApp = new Map<string, Map<string, Reason>>();
  const claimed = new Set<string>();
  const warnings: Warning[] = [];
  for (const locate of locators) {
    const { hits, claimed: files, warnings: found } = locate(input, head);
    if (found) warnings.push(...found);
    for (const file of files) claimed.add(file);
    for (const { app, reason } of hits) {
      if (!byApp.has(app)) byApp.set(app, new Map());
      const key = [reason.kind, reason.file, reason.key, reason.package].join('\0');
      if (!byApp.get(app)!.has(key)) byApp.get(app)!.set(key, reason);
    }
  }
  propagateImplicitDependencies(head.apps, byApp);
  const apps = [...byApp]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, reasons]) => ({
      name,
      reasons: [...reasons.values()].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || (a.file ?? '').localeCompare(b.file ?? '')),
    }));
  const testProjects = findAffectedTestProjects(input, new Set(apps.map((a) => a.name)), claimed);
  const unownedFiles = input.changes.filter((c) => !claimed.has(c.path) && !(c.previousPath && claimed.has(c.previousPath))).map((c) => c.path);
  return { apps, testProjects, unownedFiles, warnings };
}

/**
 * `implicitDependencies` naming an app: as in Nx, the app that declares them is affected
 * whenever the named app is, for whatever reason, and on through chains of them.
 */
function propagateImplicitDependencies(apps: readonly Project[], byApp: Map<string, Map<string, Reason>>): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const app of apps) {
      if (byApp.has(app.name)) continue;
      const named = app.implicitDependencies.find((d) => !d.startsWith('!') && d !== app.name && byApp.has(d));
      if (!named) continue;
      const reason: Reason = { kind: 'implicit-dependency', key: 'implicitDependencies', detail: `${app.name} declares implicitDependencies on ${named}, which is affected` };
      byApp.set(app.name, new Map([[['implicit-dependency', '', 'implicitDependencies', named].join('\0'), reason]]));
      changed = true;
    }
  }
}

/** The apps an e2e project tests: named in its implicitDependencies or package dependencies, else by its name (`web-e2e`, `web.e2e`, `web-e2e-playwright`) or by the app root it sits in. */
function findTestedApps(project: Project, apps: readonly Project[]): string[] {
  const names = new Set(apps.map((a) => a.name));
  const declared = [...project.implicitDependencies, ...(project.dependsOn ?? [])].filter((n) => names.has(n));
  if (declared.length) return [...new Set(declared)].sort();
  const base = project.name.replace(/[-_.]?e2e(?:[-_.][a-z]+)?$/i, '');
  if (base !== project.name && names.has(base)) return [base];
  const around = apps.filter((a) => a.root !== '' && project.root.startsWith(`${a.root}/`)).sort((a, b) => b.root.length - a.root.length)[0];
  if (around) return [around.name];
  const folder = project.root.split('/').pop()!.replace(/[-_.]?e2e(?:[-_.][a-z]+)?$/i, '');
  return apps.filter((a) => a.root.split('/').pop() === folder).map((a) => a.name);
}

/**
 * e2e projects are not built; they run against the apps they test. One is affected when an
 * app it tests is, or when a file of its own changed (that file is accounted for by it).
 */
function findAffectedTestProjects(input: AffectedInput, affected: ReadonlySet<string>, claimed: Set<string>): AffectedTestProject[] {
  const projects = input.head.projects;
  const apps = projects.filter((p) => p.type === 'application');
  const result: AffectedTestProject[] = [];
  for (const project of projects.filter((p) => p.type === 'e2e')) {
    const tests = findTestedApps(project, apps);
    const own = input.changes.filter((c) => findOwningProject(projects, c.path) === project).map((c) => c.path);
    for (const path of own) claimed.add(path);
    const hit = tests.filter((t) => affected.has(t));
    if (hit.length) result.push({ name: project.name, tests, detail: `tests ${hit.join(', ')}, which ${hit.length > 1 ? 'are' : 'is'} affected` });
    else if (own.length) result.push({ name: project.name, tests, detail: `its own file ${own[0]} changed${own.length > 1 ? ` (+${own.length - 1} more)` : ''}` });
  }
  return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
