import picomatch from 'picomatch';
import { isBare, packageNameOf } from './analysis-context.js';
import { computeReverseEdges, computeShadowedTargets, type FileGraph, matchesUnresolved, RESOLVE_EXTENSIONS } from './file-graph.js';
import type { WorkspacePackage } from './resolve-workspace-package.js';
import { findOwningProject } from '../workspace/project.js';

/** What changed between a snapshot's tree and the revision it is updated to (workspace-relative paths). */
export interface TreeChanges {
  /** Files there at both, with other content. */
  modified: string[];
  /** Files there now and not in the snapshot's tree. */
  added: string[];
  /** Files in the snapshot's tree and not there now. */
  deleted: string[];
}

/** How bare names resolve in every analysed file (one shared tsconfig, see readSharedTsconfig), as far as an added file can change it. */
export interface BareResolution {
  /** The shared tsconfig's `paths`, as readAliases gives them. */
  aliases: Record<string, string[]>;
  /** Its `baseUrl`, workspace-relative ('' for the root), or null when unset. */
  baseUrl: string | null;
  workspacePackages: readonly WorkspacePackage[];
}

/** The files an update reads again, and those it drops (see planGraphUpdate). */
export interface GraphUpdatePlan {
  /** Modified files, and unchanged files whose imports may resolve elsewhere now. */
  reread: string[];
  /** Files of the graph that are gone. */
  deleted: string[];
}

const CODE_EXTENSION = /\.(?:tsx?|mts|cts|jsx?|mjs|cjs|css|json)$/;

/** `path` less its extension, and less a trailing `/index` too: the names an import can give it by. */
const stemsOf = (path: string): string[] => {
  const stem = path.replace(CODE_EXTENSION, '');
  return stem.endsWith('/index') ? [stem, stem.slice(0, -'/index'.length)] : [stem];
};

/** What a `*` pattern captures of `path` (`libs/*` of `libs/a/b` is `a/b`), or null when it does not match. */
function captureOf(pattern: string, path: string): string | null {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === path ? '' : null;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  return path.length >= prefix.length + suffix.length && path.startsWith(prefix) && path.endsWith(suffix) ? path.slice(prefix.length, path.length - suffix.length) : null;
}

/**
 * Which files an update of `graph` must read again for `changes`, so that it gives the graph
 * a full analysis gives. Beside the modified files:
 *
 * - every importer of a deleted file (its import now resolves elsewhere, or not at all);
 * - for an added file, every importer of a file it can take imports from: `foo.ts` beside
 *   `foo.js` or `foo/index.ts` (computeShadowedTargets), an earlier target of a path alias
 *   with several (`@x/*` → `a/*`, `b/*`: a new `a/y.ts` takes `@x/y` from `b/y.ts`);
 * - the importer of an unresolved import that names an added file (relative, or through an
 *   alias), or of a bare name an added file can now answer to (the workspace package it is
 *   in, a name under `baseUrl`), and files that imported that name as a package;
 * - the file of every glob import that matches an added file.
 *
 * Pure. The caller refuses an update when something else may change resolution: a file that
 * configures it (package.json, a tsconfig), per-project tsconfigs, or a graph without globs.
 */
export function planGraphUpdate(graph: FileGraph, changes: TreeChanges, resolution: BareResolution): GraphUpdatePlan {
  const reread = new Set(changes.modified);
  if (!changes.added.length && !changes.deleted.length) return { reread: [...reread], deleted: [] };
  const ids = new Map<string, number>();
  for (let i = 0; i < graph.files.length; i++) ids.set(graph.files[i]!, i);
  const reverse = computeReverseEdges(graph);
  const rereadImportersOf = (path: string) => {
    const id = ids.get(path);
    if (id === undefined) return;
    for (let k = reverse.offsets[id]!; k < reverse.offsets[id + 1]!; k++) reread.add(graph.files[reverse.sources[k]!]!);
  };
  /** A base path as an import names it: the file itself, with an extension, or its folder's index. */
  const rereadImportersOfBase = (base: string) => {
    rereadImportersOf(base);
    for (const ext of RESOLVE_EXTENSIONS) (rereadImportersOf(base + ext), rereadImportersOf(`${base}/index${ext}`));
  };

  const deleted = changes.deleted.filter((p) => ids.has(p));
  for (const path of deleted) rereadImportersOf(path);

  const names = new Set<string>();
  const globs = (graph.globs ?? []).map((g) => ({ file: g.file, isMatch: picomatch(g.pattern, { dot: true }) }));
  const multiTarget = Object.values(resolution.aliases).filter((targets) => targets.length > 1);
  for (const path of changes.added) {
    // A file the graph named while it was missing (an entry not there yet) is read now.
    if (ids.has(path)) reread.add(path);
    for (const target of computeShadowedTargets(path)) rereadImportersOf(target);
    for (const targets of multiTarget) {
      for (let i = 0; i < targets.length; i++) {
        for (const stem of stemsOf(path)) {
          const captured = captureOf(targets[i]!, stem);
          if (captured === null) continue;
          for (const later of targets.slice(i + 1)) rereadImportersOfBase(later.replace('*', captured));
        }
      }
    }
    for (const u of graph.unresolved) if (matchesUnresolved(path, u)) reread.add(graph.files[u.file]!);
    for (const g of globs) if (!path.includes('node_modules/') && g.isMatch(path)) reread.add(graph.files[g.file]!);
    const owner = findOwningProject(resolution.workspacePackages, path);
    if (owner) names.add(owner.name);
    if (resolution.baseUrl !== null && (resolution.baseUrl === '' || path.startsWith(`${resolution.baseUrl}/`))) {
      const under = resolution.baseUrl === '' ? path : path.slice(resolution.baseUrl.length + 1);
      for (const stem of stemsOf(under)) if (stem) names.add(packageNameOf(stem));
    }
  }
  if (names.size) {
    for (const u of graph.unresolved) if (isBare(u.specifier) && names.has(packageNameOf(u.specifier))) reread.add(graph.files[u.file]!);
    for (const [id, packages] of Object.entries(graph.packages)) if (packages.some((name) => names.has(name))) reread.add(graph.files[Number(id)]!);
  }
  for (const path of deleted) reread.delete(path);
  return { reread: [...reread], deleted };
}
