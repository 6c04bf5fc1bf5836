import type { FileChange } from '../git/read-change-set.js';
import type { GraphSnapshot } from '../graph/graph-cache.js';
import { type ChainStep, type ChainsTo, computeChainsTo, readFileTable } from '../graph/file-graph.js';
import type { ResolvedConfig } from '../workspace/config.js';
import type { LockfileModel } from '../workspace/lockfile-model.js';
import type { UnreadableLockfile } from '../workspace/parse-lockfile.js';
import { findOwningProject, type Project } from '../workspace/project.js';

/** A changed config-like file's text at the merge-base and at head (null where absent). */
export interface FileVersions {
  before: string | null;
  after: string | null;
}

/** A changed lockfile, parsed on both sides by the caller (null where absent, the error where unreadable). */
export interface LockfileVersions {
  before: LockfileModel | UnreadableLockfile | null;
  after: LockfileModel | UnreadableLockfile | null;
}

/** Everything the locators read. Plain data; built once per comparison. */
export interface AffectedInput {
  changes: FileChange[];
  head: GraphSnapshot;
  /** The merge-base's snapshot, present only when a project was removed or moved. */
  base: GraphSnapshot | null;
  /** Text of changed configuration files (package.json, lockfiles, tsconfig, nx.json, project.json, ...). */
  versions: Map<string, FileVersions>;
  /** Changed lockfiles already parsed (through the blob cache); a lockfile missing here is parsed from `versions`. */
  lockfiles?: Map<string, LockfileVersions>;
  config: ResolvedConfig;
}

/** Queries over one snapshot's graph, memoised: reverse reach and import chains. */
export interface GraphView {
  snapshot: GraphSnapshot;
  apps: Project[];
  idOf(path: string): number | undefined;
  pathOf(id: number): string;
  /** Apps whose entries reach file `id` (by name). */
  appsReaching(id: number): string[];
  chain(app: string, id: number): string[];
  chainSteps(app: string, id: number): ChainStep[] | null;
  /** File ids whose path starts with `prefix` + '/' (or equals it). */
  filesUnder(prefix: string): number[];
  ownerOf(path: string): Project | undefined;
}

/** Builds the memoised view the locators share. */
export function createGraphView(snapshot: GraphSnapshot): GraphView {
  const { graph } = snapshot;
  const files = readFileTable(graph);
  const chainsTo = new Map<number, ChainsTo>();
  const chainsOf = (id: number) => {
    let chains = chainsTo.get(id);
    if (!chains) chainsTo.set(id, (chains = computeChainsTo(graph, id)));
    return chains;
  };
  const memo = new Map<number, string[]>();
  const entriesOf = new Map(graph.apps.map((a) => [a.name, a.entries]));
  const apps = snapshot.projects.filter((p) => p.type === 'application');
  return {
    snapshot,
    apps,
    idOf: (path) => files.idOf(path),
    pathOf: (id) => files.pathOf(id),
    appsReaching(id) {
      let result = memo.get(id);
      if (!result) {
        const chains = chainsOf(id);
        result = [...new Set(graph.apps.filter((a) => a.entries.some((e) => chains.reaches(e))).map((a) => a.name))].sort();
        memo.set(id, result);
      }
      return result;
    },
    chainSteps: (app, id) => chainsOf(id).from(entriesOf.get(app) ?? []),
    chain(app, id) {
      return (chainsOf(id).from(entriesOf.get(app) ?? []) ?? []).map((s) => s.file);
    },
    filesUnder: (prefix) => (prefix === '' || prefix === '.' ? Array.from({ length: files.count }, (_, i) => i) : files.idsUnder(prefix)),
    ownerOf: (path) => findOwningProject(snapshot.projects, path),
  };
}

/** Hits for every app reaching any of `ids`, one reason each (the first file found), built by `reason`. */
export function hitsForFiles(view: GraphView, ids: number[], reason: (app: string, id: number) => import('./reason.js').Reason): { app: string; reason: import('./reason.js').Reason }[] {
  const byApp = new Map<string, number>();
  for (const id of ids) for (const app of view.appsReaching(id)) if (!byApp.has(app)) byApp.set(app, id);
  return [...byApp].map(([app, id]) => ({ app, reason: reason(app, id) }));
}

/** Top-level keys whose values differ between two JSON objects (key order inside a value does not count), sorted. */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !isSameJson(before[k], after[k])).sort();
}

/** Deep equality of parsed JSON values; the order of an object's keys does not count. */
export function isSameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => isSameJson(v, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) if (!Object.hasOwn(y, k) || !isSameJson(x[k], y[k])) return false;
  return true;
}
