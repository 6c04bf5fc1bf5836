import type { Warning } from '../errors/tessera-error.js';
import { attachImportIndex, defineLazy, EDGE_KINDS, type EdgeKind, expandImportIndex, type FileGraph, type GlobImport, type ImportIndex, readImportIndex, type UncertainFile, type UnresolvedImport } from './file-graph.js';

/** The mutable graph being built: empty for a full analysis, a copy of the previous graph for an update. */
export function createGraphState(previous: FileGraph | undefined) {
  const files = previous ? [...previous.files] : [];
  const ids = new Map<string, number>();
  // A loop, not `new Map(files.map(...))`: no pair array per file (an update starts from 100k).
  for (let i = 0; i < files.length; i++) ids.set(files[i]!, i);
  // An update reads the previous graph's rows from its import index until one changes, and
  // gives back an index (not 100k arrays, which an update of a few files would expand from the
  // snapshot and flatten again): `rows[id]` is a row of its own, for a changed or new file.
  let base: ImportIndex | null = previous ? readImportIndex(previous) : null;
  let baseCount = previous ? previous.files.length : 0;
  let rows: (number[] | undefined)[] = [];
  const baseRow = (id: number): number[] => {
    const row: number[] = [];
    for (let k = base!.offsets[id]!; k < base!.offsets[id + 1]!; k++) row.push(base!.targets[k]!, base!.kinds[k]!);
    return row;
  };
  const rowOf = (id: number): number[] => rows[id] ?? (id < baseCount ? baseRow(id) : (rows[id] = []));
  const edgeSeen: (Set<number> | undefined)[] = [];
  const packages = new Map<number, Set<string>>(Object.entries(previous?.packages ?? {}).map(([id, names]) => [Number(id), new Set(names)]));
  let unresolved: UnresolvedImport[] = previous ? [...previous.unresolved] : [];
  let uncertain: UncertainFile[] = previous ? [...previous.uncertain] : [];
  let warnings: Warning[] = previous ? [...previous.warnings] : [];
  // A previous graph that did not record its globs (the bundler engine's) cannot start recording them.
  let globs: GlobImport[] | undefined = previous ? previous.globs && [...previous.globs] : [];
  const seenOf = (id: number) => (edgeSeen[id] ??= new Set(rowOf(id).filter((_, i) => i % 2 === 0)));
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
        rows[id] = [];
      }
      return id;
    },
    addEdge(from: number, to: number, kind: EdgeKind) {
      const seen = seenOf(from);
      if (from === to || seen.has(to)) return;
      seen.add(to);
      (rows[from] ??= rowOf(from)).push(to, EDGE_KINDS.indexOf(kind));
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
      rows[id] = [];
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
        const list = rowOf(old);
        const out = new Array<number>(list.length);
        for (let i = 0; i < list.length; i += 2) (out[i] = newId[list[i]!]!), (out[i + 1] = list[i + 1]!);
        return out;
      });
      files.splice(0, files.length, ...sortedFiles);
      rows = sortedEdges;
      base = null;
      baseCount = 0;
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
      const index = base && indexOfRows(base, rows, files.length);
      const graph: FileGraph = {
        files, blobs: [], edges: index ? [] : (rows as number[][]),
        packages: Object.fromEntries([...packages].filter(([, set]) => set.size).map(([id, set]) => [String(id), [...set].sort()])),
        unresolved, uncertain, warnings,
        ...(globs ? { globs } : {}),
        apps: apps.map((a) => ({ name: a.name, entries: fileIds(a.entries) })),
      };
      if (index) {
        attachImportIndex(graph, index);
        defineLazy(graph, 'edges', () => expandImportIndex(index));
      }
      return graph;
    },
  };
}
/** The import index of `count` files: row i is `rows[i]` where set, else row i of `base`. */
function indexOfRows(base: ImportIndex, rows: readonly (number[] | undefined)[], count: number): ImportIndex {
  const baseCount = base.offsets.length - 1;
  let m = 0;
  for (let i = 0; i < count; i++) m += rows[i] ? rows[i]!.length >> 1 : i < baseCount ? base.offsets[i + 1]! - base.offsets[i]! : 0;
  const index: ImportIndex = { offsets: new Uint32Array(count + 1), targets: new Uint32Array(m), kinds: new Uint8Array(m) };
  let k = 0;
  for (let i = 0; i < count; i++) {
    index.offsets[i] = k;
    const row = rows[i];
    if (row) {
      for (let j = 0; j < row.length; j += 2, k++) (index.targets[k] = row[j]!), (index.kinds[k] = row[j + 1]!);
    } else if (i < baseCount) {
      const from = base.offsets[i]!;
      const to = base.offsets[i + 1]!;
      index.targets.set(base.targets.subarray(from, to), k);
      index.kinds.set(base.kinds.subarray(from, to), k);
      k += to - from;
    }
  }
  index.offsets[count] = k;
  return index;
}

/** What analyzeApps builds the graph into. */
export type GraphState = ReturnType<typeof createGraphState>;
