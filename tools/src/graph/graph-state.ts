import type { Warning } from '../errors/tessera-error.js';
import { EDGE_KINDS, type EdgeKind, type FileGraph, type GlobImport, type UncertainFile, type UnresolvedImport } from './file-graph.js';

/** The mutable graph being built: empty for a full analysis, a copy of the previous graph for an update. */
export function createGraphState(previous: FileGraph | undefined) {
  const files = previous ? [...previous.files] : [];
  const ids = new Map<string, number>();
  // A loop, not `new Map(files.map(...))`: no pair array per file (an update starts from 100k).
  for (let i = 0; i < files.length; i++) ids.set(files[i]!, i);
  // The previous graph's edge lists are shared until one changes (copy on write): an update
  // of a few files need not copy 100k lists, and the previous graph stays as it was.
  const edges = previous ? previous.edges.slice() : [];
  /** Edge lists below this id may be the previous graph's, unless copied already (`copied`). */
  let shared = edges.length;
  const copied = new Set<number>();
  const edgeSeen: (Set<number> | undefined)[] = [];
  const packages = new Map<number, Set<string>>(Object.entries(previous?.packages ?? {}).map(([id, names]) => [Number(id), new Set(names)]));
  let unresolved: UnresolvedImport[] = previous ? [...previous.unresolved] : [];
  let uncertain: UncertainFile[] = previous ? [...previous.uncertain] : [];
  let warnings: Warning[] = previous ? [...previous.warnings] : [];
  // A previous graph that did not record its globs (the bundler engine's) cannot start recording them.
  let globs: GlobImport[] | undefined = previous ? previous.globs && [...previous.globs] : [];
  const seenOf = (id: number) => (edgeSeen[id] ??= new Set(edges[id]!.filter((_, i) => i % 2 === 0)));
  return {
    files,
    ids,
    get warnings() {
      return warnings;
    },
    idOf(path: string): number {
      let id = ids.get(path);
      if (id === undefined) {
        id = files.length;
        ids.set(path, id);
        files.push(path);
        edges.push([]);
      }
      return id;
    },
    addEdge(from: number, to: number, kind: EdgeKind) {
      const seen = seenOf(from);
      if (from === to || seen.has(to)) return;
      seen.add(to);
      if (from < shared && !copied.has(from)) (edges[from] = [...edges[from]!]), copied.add(from);
      edges[from]!.push(to, EDGE_KINDS.indexOf(kind));
    },
    addPackage(from: number, name: string) {
      let set = packages.get(from);
      if (!set) packages.set(from, (set = new Set()));
      set.add(name);
    },
    addUnresolved(entry: UnresolvedImport) {
      unresolved.push(entry);
    },
    addUncertain(entry: UncertainFile) {
      uncertain.push(entry);
    },
    addGlob(entry: GlobImport) {
      globs?.push(entry);
    },
    /** Marks the graph's globs as not recorded: the bundler engine leaves them to esbuild. */
    forgetGlobs() {
      globs = undefined;
    },
    warn(warning: Warning) {
      warnings.push(warning);
    },
    /** Forgets what file `id` imports, before it is read again. */
    reset(id: number) {
      edges[id] = [];
      copied.add(id);
      edgeSeen[id] = new Set();
      packages.delete(id);
      unresolved = unresolved.filter((u) => u.file !== id);
      uncertain = uncertain.filter((u) => u.file !== id);
      globs = globs?.filter((g) => g.file !== id);
      warnings = warnings.filter((w) => w.location?.file !== files[id]);
    },
    /** Renumbers the files in path order, so a graph built in a varying order comes out the same. */
    sortFiles() {
      const order = files.map((_, i) => i).sort((a, b) => (files[a]! < files[b]! ? -1 : files[a]! > files[b]! ? 1 : 0));
      const newId = new Array<number>(files.length);
      order.forEach((old, at) => (newId[old] = at));
      const sortedFiles = order.map((old) => files[old]!);
      const sortedEdges = order.map((old) => {
        const list = edges[old]!;
        const out = new Array<number>(list.length);
        for (let i = 0; i < list.length; i += 2) (out[i] = newId[list[i]!]!), (out[i + 1] = list[i + 1]!);
        return out;
      });
      files.splice(0, files.length, ...sortedFiles);
      edges.splice(0, edges.length, ...sortedEdges);
      shared = 0;
      ids.clear();
      files.forEach((f, i) => ids.set(f, i));
      edgeSeen.length = 0;
      const renumbered = [...packages].map(([id, set]) => [newId[id]!, set] as const);
      packages.clear();
      for (const [id, set] of renumbered) packages.set(id, set);
      unresolved = unresolved.map((u) => ({ ...u, file: newId[u.file]! }));
      uncertain = uncertain.map((u) => ({ ...u, file: newId[u.file]! }));
      globs = globs?.map((g) => ({ ...g, file: newId[g.file]! }));
    },
    toGraph(apps: { name: string; entries: string[] }[]): FileGraph {
      const fileIds = (list: string[]) => list.map((e) => ids.get(e)).filter((id): id is number => id !== undefined);
      return {
        files, blobs: [], edges,
        packages: Object.fromEntries([...packages].filter(([, set]) => set.size).map(([id, set]) => [String(id), [...set].sort()])),
        unresolved, uncertain, warnings,
        ...(globs ? { globs } : {}),
        apps: apps.map((a) => ({ name: a.name, entries: fileIds(a.entries) })),
      };
    },
  };
}
/** What analyzeApps builds the graph into. */
export type GraphState = ReturnType<typeof createGraphState>;
