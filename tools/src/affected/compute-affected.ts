import { type AffectedInput, createGraphView, type GraphView } from './locator-context.js';
import { locateBuildConfigChanges, locateNxConfigChanges, locateTsconfigChanges } from './locators/config-files.js';
import { locateImplicitDependencies } from './locators/implicit-dependencies.js';
import { locateInputs } from './locators/inputs.js';
import { locateProjectLevelChanges } from './locators/project-level.js';
import { locateLockfileChanges, locatePackageJsonChanges, locatePnpmWorkspaceChanges } from './locators/packages.js';
import { locateRemovedProjects } from './locators/removed-projects.js';
import { locateResolutionChanges } from './locators/resolution.js';
import { locateUncertainImports } from './locators/uncertain.js';
import type { Warning } from '../errors/tessera-error.js';
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
];

const ORDER: ReasonKind[] = ['input', 'app-source', 'project-level', 'resolution', 'project-removed', 'lockfile', 'package-json', 'tsconfig', 'project-config', 'nx-config', 'build-config', 'implicit-dependency', 'uncertain'];

export interface AffectedResult {
  apps: AffectedApp[];
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
  const apps = [...byApp]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, reasons]) => ({
      name,
      reasons: [...reasons.values()].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || (a.file ?? '').localeCompare(b.file ?? '')),
    }));
  const unownedFiles = input.changes.filter((c) => !claimed.has(c.path) && !(c.previousPath && claimed.has(c.previousPath))).map((c) => c.path);
  return { apps, unownedFiles, warnings };
}
