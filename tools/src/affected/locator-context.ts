import type { FileChange } from '../git/read-change-set.js';
import type { GraphSnapshot } from '../graph/graph-cache.js';
import { type ChainStep, computeChain, computeReverseEdges } from '../graph/file-graph.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { findOwningProject, type Project } from '../workspace/project.js';

/** A changed config-like file's text at the merge-base and at head (null where absent). */
export interface FileVersions {
  before: string | null;
  after: string | null;
}

/** Everything the locators read. Plain data; built once per comparison. */
export interface AffectedInput {
  changes: FileChange[];
  head: GraphSnapshot;
  /** The merge-base's snapshot, present only when a project was removed or moved. */
  base: GraphSnapshot | null;
  /** Text of changed configuration files (package.json, lockfiles, tsconfig, nx.json, project.json, ...). */
  versions: Map<string, FileVersions>;
  config: ResolvedConfig;
}

/** Queries over one snapshot's graph, memoised: reverse reach and import chains. */
export interface GraphView {
  snapshot: GraphSnapshot;
  apps: Project[];
  idOf(path: string): number | undefined;
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
  const ids = new Map(graph.files.map((f, i) => [f, i]));
  let reverse: number[][] | undefined;
  const entryApps = new Map<number, string[]>();
  for (const app of graph.apps) for (const e of app.entries) entryApps.set(e, [...(entryApps.get(e) ?? []), app.name]);
  const memo = new Map<number, string[]>();
  const entriesOf = new Map(graph.apps.map((a) => [a.name, a.entries]));
  const apps = snapshot.projects.filter((p) => p.type === 'application');
  return {
    snapshot,
    apps,
    idOf: (path) => ids.get(path),
    appsReaching(id) {
      const known = memo.get(id);
      if (known) return known;
      reverse ??= computeReverseEdges(graph);
      const seen = new Uint8Array(graph.files.length);
      const stack = [id];
      seen[id] = 1;
      const found = new Set<string>();
      while (stack.length) {
        const at = stack.pop()!;
        for (const name of entryApps.get(at) ?? []) found.add(name);
        for (const from of reverse[at]!) if (!seen[from]) (seen[from] = 1), stack.push(from);
      }
      const result = [...found].sort();
      memo.set(id, result);
      return result;
    },
    chainSteps: (app, id) => computeChain(graph, entriesOf.get(app) ?? [], id),
    chain(app, id) {
      return (computeChain(graph, entriesOf.get(app) ?? [], id) ?? []).map((s) => s.file);
    },
    filesUnder(prefix) {
      if (prefix === '' || prefix === '.') return graph.files.map((_, i) => i);
      const out: number[] = [];
      graph.files.forEach((f, i) => {
        if (f === prefix || f.startsWith(prefix + '/')) out.push(i);
      });
      return out;
    },
    ownerOf: (path) => findOwningProject(snapshot.projects, path),
  };
}

/** Hits for every app reaching any of `ids`, one reason each (the first file found), built by `reason`. */
export function hitsForFiles(view: GraphView, ids: number[], reason: (app: string, id: number) => import('./reason.js').Reason): { app: string; reason: import('./reason.js').Reason }[] {
  const byApp = new Map<string, number>();
  for (const id of ids) for (const app of view.appsReaching(id)) if (!byApp.has(app)) byApp.set(app, id);
  return [...byApp].map(([app, id]) => ({ app, reason: reason(app, id) }));
}
