import type { Warning } from '../errors/tessera-error.js';

/** How one file reaches another. `type` edges come from imports the bundler erases (the build still type-checks them). */
export const EDGE_KINDS = ['static', 'type', 'dynamic', 'require', 'css-import', 'url', 'glob'] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** Why a file's imports are not known exactly; its apps are treated conservatively. */
export type UncertainKind = 'computed-import' | 'unparseable' | 'too-large';

/** An import the bundler could not resolve, with the paths it would have tried. */
export interface UnresolvedImport {
  file: number;
  specifier: string;
  /** Extensionless base paths the import names (relative or through a path alias). */
  bases: string[];
}

/** A file whose imports Tessera cannot know exactly. */
export interface UncertainFile {
  file: number;
  kind: UncertainKind;
  detail: string;
}

/** A glob import the parser engine expanded (`import(\`./locale/${x}.json\`)`, `import.meta.glob`): a file added where it matches is a new import. */
export interface GlobImport {
  file: number;
  /** Workspace-relative picomatch pattern. */
  pattern: string;
}

/** The file-level input graph of every app at one revision. Plain data, cached in graph-cache.ts's binary format. */
export interface FileGraph {
  /** Workspace-relative POSIX paths; a file's index is its id. */
  files: string[];
  /** Content address of each file (git blob id; a sha1 of the bytes for files git does not track). */
  blobs: string[];
  /** `edges[i]` lists file i's imports as flat pairs: target id, index into EDGE_KINDS. */
  edges: number[][];
  /** npm packages each file imports, by file id (sparse). */
  packages: Record<string, string[]>;
  unresolved: UnresolvedImport[];
  uncertain: UncertainFile[];
  /** Every glob import, matched or not; absent where the analysis did not record them (the bundler engine, which leaves globs to esbuild). */
  globs?: GlobImport[];
  apps: { name: string; entries: number[] }[];
  warnings: Warning[];
}

/**
 * The graph's paths by id, for queries that need a few of them. A graph read from the cache
 * answers from the file's bytes (no array of 100k strings to build); any other from `files`.
 */
export interface FileTable {
  count: number;
  pathOf(id: number): string;
  idOf(path: string): number | undefined;
  /** Ids of the files at `prefix` or under `prefix/`. */
  idsUnder(prefix: string): number[];
}

const fileTables = new WeakMap<FileGraph, FileTable>();

/** Records the table a graph was read with. */
export function attachFileTable(graph: FileGraph, table: FileTable): void {
  fileTables.set(graph, table);
}

/** Lookups by path before building a map of every path is worth it (a warm run asks a few). */
const SCANS_BEFORE_MAP = 8;

/** The graph's file table: the one it was read with, else one over `files`. */
export function readFileTable(graph: FileGraph): FileTable {
  let table = fileTables.get(graph);
  if (!table) {
    const { files } = graph;
    let ids: Map<string, number> | undefined;
    let scans = 0;
    table = {
      count: files.length,
      pathOf: (id) => files[id]!,
      idOf(path) {
        if (!ids && ++scans > SCANS_BEFORE_MAP) ids = new Map(files.map((f, i) => [f, i]));
        const id = ids ? ids.get(path) : files.indexOf(path);
        return id === undefined || id < 0 ? undefined : id;
      },
      idsUnder(prefix) {
        const dir = prefix + '/';
        const out: number[] = [];
        files.forEach((f, i) => {
          if (f === prefix || f.startsWith(dir)) out.push(i);
        });
        return out;
      },
    };
    fileTables.set(graph, table);
  }
  return table;
}

/**
 * A file table over paths stored as `path\0path\0…` with `starts[i]` the byte where path i
 * begins (`starts[n]` the end). Lookups search the bytes for `path\0` at a path boundary.
 */
export function createPackedFileTable(bytes: Buffer, starts: Uint32Array): FileTable {
  const count = starts.length - 1;
  const idAt = (byte: number) => {
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= byte) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const find = (needle: Buffer, onMatch: (at: number) => void) => {
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) if (at === 0 || bytes[at - 1] === 0) onMatch(at);
  };
  return {
    count,
    pathOf: (id) => bytes.toString('utf8', starts[id]!, starts[id + 1]! - 1),
    idOf(path) {
      let id: number | undefined;
      find(Buffer.from(`${path}\0`), (at) => (id ??= idAt(at)));
      return id;
    },
    idsUnder(prefix) {
      const ids: number[] = [];
      find(Buffer.from(`${prefix}\0`), (at) => ids.push(idAt(at)));
      find(Buffer.from(`${prefix}/`), (at) => ids.push(idAt(at)));
      return ids.sort((a, b) => a - b);
    },
  };
}

/**
 * A graph's imports in compressed sparse rows: file i imports `targets[offsets[i] ..
 * offsets[i + 1])`, each with `kinds[k]` (an index into EDGE_KINDS). What the cache stores
 * and what the queries below walk: three typed arrays instead of one array per file.
 */
export interface ImportIndex {
  offsets: Uint32Array;
  targets: Uint32Array;
  kinds: Uint8Array;
  /** The same imports reversed, once someone needed them (the cache stores them too). */
  reverse?: ReverseIndex;
}

const importIndexes = new WeakMap<FileGraph, ImportIndex>();

/** Records the index a graph was read with, so its queries never build `edges`. */
export function attachImportIndex(graph: FileGraph, index: ImportIndex): void {
  importIndexes.set(graph, index);
}

/** The graph's import index: the one it was read with, else built once from `edges`. */
export function readImportIndex(graph: FileGraph): ImportIndex {
  let index = importIndexes.get(graph);
  if (!index) {
    const n = graph.edges.length;
    let m = 0;
    for (const edges of graph.edges) m += edges.length >> 1;
    index = { offsets: new Uint32Array(n + 1), targets: new Uint32Array(m), kinds: new Uint8Array(m) };
    let k = 0;
    for (let i = 0; i < n; i++) {
      index.offsets[i] = k;
      const edges = graph.edges[i]!;
      for (let j = 0; j < edges.length; j += 2, k++) {
        index.targets[k] = edges[j]!;
        index.kinds[k] = edges[j + 1]!;
      }
    }
    index.offsets[n] = k;
    importIndexes.set(graph, index);
  }
  return index;
}

/** A lazily computed, enumerable property that a write replaces. */
export function defineLazy<T extends object, K extends keyof T>(target: T, name: K, compute: () => T[K]): void {
  const settle = (value: T[K]) => Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(target, name, {
    enumerable: true,
    configurable: true,
    get: () => {
      const value = compute();
      settle(value);
      return value;
    },
    set: settle,
  });
}

/** The index as `edges`: one flat array of (target, kind) pairs per file. */
export function expandImportIndex({ offsets, targets, kinds }: ImportIndex): number[][] {
  const edges: number[][] = new Array(offsets.length - 1);
  for (let i = 0; i < edges.length; i++) {
    const list: number[] = [];
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) list.push(targets[k]!, kinds[k]!);
    edges[i] = list;
  }
  return edges;
}

/** Who imports whom, reversed: file i is imported by `sources[offsets[i] .. offsets[i + 1])`. */
export interface ReverseIndex {
  offsets: Uint32Array;
  sources: Uint32Array;
}

/** The graph's reverse import index (built once per graph, by counting sort). */
export function computeReverseEdges(graph: FileGraph): ReverseIndex {
  const index = readImportIndex(graph);
  if (index.reverse) return index.reverse;
  const { offsets, targets } = index;
  const n = offsets.length - 1;
  const counts = new Uint32Array(n + 1);
  for (let k = 0; k < targets.length; k++) counts[targets[k]! + 1]!++;
  for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
  const sources = new Uint32Array(targets.length);
  const fill = counts.slice(0, n);
  for (let from = 0; from < n; from++) for (let k = offsets[from]!; k < offsets[from + 1]!; k++) sources[fill[targets[k]!]!++] = from;
  index.reverse = { offsets: counts, sources };
  return index.reverse;
}

/** Everything `app` reaches from its entries (file ids). */
export function computeReachable(graph: FileGraph, entries: readonly number[]): Set<number> {
  const { offsets, targets } = readImportIndex(graph);
  const seen = new Set<number>(entries);
  const stack = [...entries];
  while (stack.length) {
    const at = stack.pop()!;
    for (let k = offsets[at]!; k < offsets[at + 1]!; k++) {
      const to = targets[k]!;
      if (!seen.has(to)) {
        seen.add(to);
        stack.push(to);
      }
    }
  }
  return seen;
}

/** One hop of an import chain: the file and how its predecessor imported it. */
export interface ChainStep {
  file: string;
  kind?: EdgeKind;
}

/**
 * Shortest import chains to one file, from anywhere: a breadth-first walk back from
 * `target` over the reverse index, remembering for every file that reaches the target its
 * next hop. One walk answers the chain of every app that reaches the target.
 */
export interface ChainsTo {
  /** True when file `id` imports its way to the target (the target reaches itself). */
  reaches(id: number): boolean;
  /** The shortest chain from the nearest of `entries` to the target, or null when none reaches it. */
  from(entries: readonly number[]): ChainStep[] | null;
}

export function computeChainsTo(graph: FileGraph, target: number): ChainsTo {
  const { offsets, targets, kinds } = readImportIndex(graph);
  const reverse = computeReverseEdges(graph);
  const { pathOf } = readFileTable(graph);
  const n = offsets.length - 1;
  const distance = new Int32Array(n).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const queue = new Uint32Array(n);
  let tail = 0;
  distance[target] = 0;
  queue[tail++] = target;
  for (let head = 0; head < tail; head++) {
    const at = queue[head]!;
    for (let k = reverse.offsets[at]!; k < reverse.offsets[at + 1]!; k++) {
      const from = reverse.sources[k]!;
      if (distance[from] !== -1) continue;
      distance[from] = distance[at]! + 1;
      next[from] = at;
      queue[tail++] = from;
    }
  }
  const kindOf = (from: number, to: number) => {
    for (let k = offsets[from]!; k < offsets[from + 1]!; k++) if (targets[k] === to) return EDGE_KINDS[kinds[k]!];
    return undefined;
  };
  return {
    reaches: (id) => distance[id] !== -1,
    from(entries) {
      let start = -1;
      for (const e of entries) if (distance[e] !== -1 && (start === -1 || distance[e]! < distance[start]!)) start = e;
      if (start === -1) return null;
      const chain: ChainStep[] = [{ file: pathOf(start) }];
      for (let at = start; at !== target; at = next[at]!) chain.push({ file: pathOf(next[at]!), kind: kindOf(at, next[at]!) });
      return chain;
    },
  };
}

/** The shortest import chain from the entries to `target`, or null when unreachable. */
export function computeChain(graph: FileGraph, entries: readonly number[], target: number): ChainStep[] | null {
  return computeChainsTo(graph, target).from(entries);
}

/**
 * Every simple import chain from the entries to `target`, shortest first, at most `limit`
 * (the count of simple paths can grow exponentially; `truncated` says when some were left out).
 */
export function computeAllChains(graph: FileGraph, entries: readonly number[], target: number, limit = 20): { chains: ChainStep[][]; truncated: boolean } {
  const { offsets, targets, kinds } = readImportIndex(graph);
  // Only files that can still reach the target are worth walking.
  const canReach = computeChainsTo(graph, target);
  const chains: ChainStep[][] = [];
  let truncated = false;
  const path: ChainStep[] = [];
  const onPath = new Set<number>();
  const walk = (at: number, kind: number): void => {
    if (chains.length >= limit) return void (truncated = true);
    path.push(kind >= 0 ? { file: graph.files[at]!, kind: EDGE_KINDS[kind] } : { file: graph.files[at]! });
    onPath.add(at);
    if (at === target) chains.push([...path]);
    else {
      for (let k = offsets[at]!; k < offsets[at + 1]!; k++) if (canReach.reaches(targets[k]!) && !onPath.has(targets[k]!)) walk(targets[k]!, kinds[k]!);
    }
    path.pop();
    onPath.delete(at);
  };
  for (const entry of entries) if (canReach.reaches(entry)) walk(entry, -1);
  chains.sort((a, b) => a.length - b.length);
  return { chains, truncated };
}

/** esbuild's default `resolveExtensions` order, which decides what an extensionless import picks. */
export const RESOLVE_EXTENSIONS = ['.tsx', '.ts', '.jsx', '.js', '.css', '.json'];
/**
 * What an import with an extension resolves to when that file is missing (esbuild rewrites
 * `./foo.js` to `foo.ts`, then `foo.tsx`): a file added with the extension itself, or earlier
 * in the rewrite's order, takes the import from the later ones.
 */
const REWRITTEN_BY = { '.js': ['.ts', '.tsx'], '.ts': ['.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] } as Record<string, string[] | undefined>;

/**
 * Files whose resolution can change when `path` appears or disappears. An extensionless
 * import `./foo` picks `foo.tsx` before `foo.ts` … before `foo/index.tsx`; so adding
 * `foo.ts` can steal imports that resolved to `foo.js` or `foo/index.ts`.
 */
export function computeShadowedTargets(path: string): string[] {
  const targets: string[] = [];
  const indexMatch = /^(.*)\/index(\.[^./]+)$/s.exec(path);
  if (indexMatch) {
    const [, dir, ext] = indexMatch;
    const at = RESOLVE_EXTENSIONS.indexOf(ext!);
    if (at >= 0) for (const later of RESOLVE_EXTENSIONS.slice(at + 1)) targets.push(`${dir}/index${later}`);
  }
  if (path.endsWith('/package.json')) {
    const dir = path.slice(0, -'/package.json'.length);
    for (const ext of RESOLVE_EXTENSIONS) targets.push(`${dir}/index${ext}`);
  }
  const extMatch = /^(.*?)(\.[^./]+)?$/s.exec(path)!;
  const [, stem, ext] = extMatch;
  const at = ext ? RESOLVE_EXTENSIONS.indexOf(ext) : -1;
  if (!ext || at >= 0) {
    // `stem` or `stem.ext` shadows later extensions and the directory's index files.
    for (const later of RESOLVE_EXTENSIONS.slice(at + 1)) targets.push(`${stem}${later}`);
    for (const e of RESOLVE_EXTENSIONS) targets.push(`${stem}/index${e}`);
  }
  for (const rewritten of (ext && Object.hasOwn(REWRITTEN_BY, ext) ? REWRITTEN_BY[ext] : undefined) ?? []) targets.push(`${stem}${rewritten}`);
  return [...new Set(targets)].filter((t) => t !== path);
}

/** True when `path` is one of the files an unresolved import would pick if it existed. */
export function matchesUnresolved(path: string, unresolved: UnresolvedImport): boolean {
  return unresolved.bases.some((base) => path === base || (path.startsWith(base) && (/^\.[^./]+$/.test(path.slice(base.length)) || /^\/index\.[^./]+$/.test(path.slice(base.length)))));
}

/**
 * The graph without `removed` files (deleted from the tree), renumbered: their ids, edges,
 * packages and records go, and every later id moves down. Edges into a removed file cannot
 * be left (an update re-reads every importer of a deleted file), so any that are dropped too.
 */
export function computeGraphWithout(graph: FileGraph, removed: ReadonlySet<string>): FileGraph {
  const n = graph.files.length;
  const newId = new Int32Array(n).fill(-1);
  const files: string[] = [];
  const blobs: string[] = [];
  for (let i = 0; i < n; i++) {
    if (removed.has(graph.files[i]!)) continue;
    newId[i] = files.length;
    files.push(graph.files[i]!);
    blobs.push(graph.blobs[i] ?? '');
  }
  if (files.length === n) return graph;
  // Over the import index, not `edges`: an update's graph has no arrays per file to start from.
  const before = readImportIndex(graph);
  const index: ImportIndex = { offsets: new Uint32Array(files.length + 1), targets: new Uint32Array(before.targets.length), kinds: new Uint8Array(before.kinds.length) };
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (newId[i]! < 0) continue;
    index.offsets[newId[i]!] = m;
    for (let k = before.offsets[i]!; k < before.offsets[i + 1]!; k++) {
      const to = newId[before.targets[k]!]!;
      if (to >= 0) (index.targets[m] = to), (index.kinds[m++] = before.kinds[k]!);
    }
  }
  index.offsets[files.length] = m;
  index.targets = index.targets.slice(0, m);
  index.kinds = index.kinds.slice(0, m);
  const kept = <T extends { file: number }>(list: readonly T[]) => list.filter((x) => newId[x.file]! >= 0).map((x) => ({ ...x, file: newId[x.file]! }));
  const result: FileGraph = {
    files, blobs, edges: [],
    packages: Object.fromEntries(Object.entries(graph.packages).filter(([id]) => newId[Number(id)]! >= 0).map(([id, names]) => [String(newId[Number(id)]), names])),
    unresolved: kept(graph.unresolved),
    uncertain: kept(graph.uncertain),
    ...(graph.globs ? { globs: kept(graph.globs) } : {}),
    apps: graph.apps.map((a) => ({ name: a.name, entries: a.entries.filter((e) => newId[e]! >= 0).map((e) => newId[e]!) })),
    warnings: graph.warnings.filter((w) => !w.location || !removed.has(w.location.file)),
  };
  attachImportIndex(result, index);
  defineLazy(result, 'edges', () => expandImportIndex(index));
  return result;
}
