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

/** The file-level input graph of every app at one revision. Plain data: cached as JSON. */
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
  apps: { name: string; entries: number[] }[];
  warnings: Warning[];
}

/** Everything `app` reaches from its entries (file ids). */
export function computeReachable(graph: FileGraph, entries: readonly number[]): Set<number> {
  const seen = new Set<number>(entries);
  const stack = [...entries];
  while (stack.length) {
    const edges = graph.edges[stack.pop()!]!;
    for (let i = 0; i < edges.length; i += 2) {
      const to = edges[i]!;
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

/** The shortest import chain from the entries to `target`, or null when unreachable. */
export function computeChain(graph: FileGraph, entries: readonly number[], target: number): ChainStep[] | null {
  const parent = new Map<number, [from: number, kind: number]>();
  const queue: number[] = [];
  for (const e of entries) {
    if (!parent.has(e)) {
      parent.set(e, [-1, -1]);
      queue.push(e);
    }
  }
  for (let q = 0; q < queue.length; q++) {
    const at = queue[q]!;
    if (at === target) break;
    const edges = graph.edges[at]!;
    for (let i = 0; i < edges.length; i += 2) {
      const to = edges[i]!;
      if (!parent.has(to)) {
        parent.set(to, [at, edges[i + 1]!]);
        queue.push(to);
      }
    }
  }
  if (!parent.has(target)) return null;
  const chain: ChainStep[] = [];
  for (let at = target; at !== -1; ) {
    const [from, kind] = parent.get(at)!;
    chain.push(kind >= 0 ? { file: graph.files[at]!, kind: EDGE_KINDS[kind] } : { file: graph.files[at]! });
    at = from;
  }
  return chain.reverse();
}

/**
 * Every simple import chain from the entries to `target`, shortest first, at most `limit`
 * (the count of simple paths can grow exponentially; `truncated` says when some were left out).
 */
export function computeAllChains(graph: FileGraph, entries: readonly number[], target: number, limit = 20): { chains: ChainStep[][]; truncated: boolean } {
  // Only files that can still reach the target are worth walking.
  const reverse = computeReverseEdges(graph);
  const canReach = new Set<number>([target]);
  const stack = [target];
  while (stack.length) for (const from of reverse[stack.pop()!] ?? []) if (!canReach.has(from)) (canReach.add(from), stack.push(from));
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
      const edges = graph.edges[at]!;
      for (let i = 0; i < edges.length; i += 2) if (canReach.has(edges[i]!) && !onPath.has(edges[i]!)) walk(edges[i]!, edges[i + 1]!);
    }
    path.pop();
    onPath.delete(at);
  };
  for (const entry of entries) if (canReach.has(entry)) walk(entry, -1);
  chains.sort((a, b) => a.length - b.length);
  return { chains, truncated };
}

/** `reverse[i]` lists the files that import file i. */
export function computeReverseEdges(graph: FileGraph): number[][] {
  const reverse: number[][] = graph.files.map(() => []);
  graph.edges.forEach((edges, from) => {
    for (let i = 0; i < edges.length; i += 2) reverse[edges[i]!]!.push(from);
  });
  return reverse;
}

/** esbuild's default `resolveExtensions` order, which decides what an extensionless import picks. */
export const RESOLVE_EXTENSIONS = ['.tsx', '.ts', '.jsx', '.js', '.css', '.json'];

/**
 * Files whose resolution can change when `path` appears or disappears. An extensionless
 * import `./foo` picks `foo.tsx` before `foo.ts` … before `foo/index.tsx`; so adding
 * `foo.ts` can steal imports that resolved to `foo.js` or `foo/index.ts`.
 */
export function computeShadowedTargets(path: string): string[] {
  const targets: string[] = [];
  const indexMatch = /^(.*)\/index(\.[^./]+)$/.exec(path);
  if (indexMatch) {
    const [, dir, ext] = indexMatch;
    const at = RESOLVE_EXTENSIONS.indexOf(ext!);
    if (at >= 0) for (const later of RESOLVE_EXTENSIONS.slice(at + 1)) targets.push(`${dir}/index${later}`);
  }
  if (path.endsWith('/package.json')) {
    const dir = path.slice(0, -'/package.json'.length);
    for (const ext of RESOLVE_EXTENSIONS) targets.push(`${dir}/index${ext}`);
  }
  const extMatch = /^(.*?)(\.[^./]+)?$/.exec(path)!;
  const [, stem, ext] = extMatch;
  const at = ext ? RESOLVE_EXTENSIONS.indexOf(ext) : -1;
  if (!ext || at >= 0) {
    // `stem` or `stem.ext` shadows later extensions and the directory's index files.
    for (const later of RESOLVE_EXTENSIONS.slice(at + 1)) targets.push(`${stem}${later}`);
    for (const e of RESOLVE_EXTENSIONS) targets.push(`${stem}/index${e}`);
  }
  return targets.filter((t) => t !== path);
}

/** True when `path` is one of the files an unresolved import would pick if it existed. */
export function matchesUnresolved(path: string, unresolved: UnresolvedImport): boolean {
  return unresolved.bases.some((base) => path === base || (path.startsWith(base) && (/^\.[^./]+$/.test(path.slice(base.length)) || /^\/index\.[^./]+$/.test(path.slice(base.length)))));
}
