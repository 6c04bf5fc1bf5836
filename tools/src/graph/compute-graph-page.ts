import { findOwningProject, type Project, type ProjectType } from '../workspace/project.js';
import { computeChain, computeReachable, readFileTable, readImportIndex, type ChainStep, type FileGraph } from './file-graph.js';
import type { GraphPageData, GraphPageNode, GraphPageWhy } from './graph-page-data.js';

/** What {@link computeGraphPage} draws. */
export interface GraphPageOptions {
  /** The apps to show, by name. @default every app of the graph */
  apps?: readonly string[];
  /** `--why APP --file F`: the chain to highlight. */
  why?: { app: string; file: string };
}

/** Box and spacing of the drawing (CSS pixels). */
export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 28;
const COLUMN_GAP = 70;
const ROW_GAP = 12;
const MARGIN = 16;

/**
 * The data of the graph page: the apps shown and every library their inputs reach (and every
 * other library, unused), the project-level edges the file imports imply, each app's input
 * files, and a layered layout (apps in the first column, each library one column right of the
 * furthest project that imports it). Pure: a snapshot's projects and file graph in, data out.
 */
export function computeGraphPage(projects: readonly Project[], graph: FileGraph, options: GraphPageOptions = {}): GraphPageData {
  const { pathOf, idOf } = readFileTable(graph);
  const shownApps = graph.apps.filter((a) => !options.apps || options.apps.includes(a.name)).sort((a, b) => compare(a.name, b.name));
  const byName = new Map(projects.map((p) => [p.name, p]));

  // The files each app reaches, and all of them (graph ids).
  const reachedBy = shownApps.map((app) => computeReachable(graph, app.entries));
  const reached = new Set<number>();
  for (const files of reachedBy) for (const f of files) reached.add(f);
  const graphIds = [...reached].sort((a, b) => compare(pathOf(a), pathOf(b)));
  const pageId = new Map(graphIds.map((g, i) => [g, i]));
  const files = graphIds.map((g) => pathOf(g));

  // Nodes: the apps shown, then every library (and e2e project) of the workspace that owns a reached file or is a library.
  const ownerOf = (path: string) => findOwningProject(projects, path);
  const owners = files.map((f) => ownerOf(f));
  const appNames = new Set(shownApps.map((a) => a.name));
  const owning = new Set(owners);
  const others = projects.filter((p) => !appNames.has(p.name) && p.type !== 'application' && (p.type === 'library' || owning.has(p)));
  const nodeProjects: (Project | { name: string; type: ProjectType; root: string })[] = [
    ...shownApps.map((a) => byName.get(a.name) ?? { name: a.name, type: 'application' as const, root: '' }),
    ...others.sort((a, b) => compare(a.name, b.name)),
  ];
  const index = new Map(nodeProjects.map((p, i) => [p.name, i]));
  const ownerIndex = owners.map((p) => (p ? (index.get(p.name) ?? -1) : -1));

  // Project edges, from the file imports among the reached files.
  const { offsets, targets } = readImportIndex(graph);
  const edgeSet = new Set<string>();
  const edges: [number, number][] = [];
  for (const g of graphIds) {
    const from = ownerIndex[pageId.get(g)!]!;
    if (from < 0) continue;
    for (let k = offsets[g]!; k < offsets[g + 1]!; k++) {
      const to = ownerIndex[pageId.get(targets[k]!) ?? -1] ?? -1;
      if (to < 0 || to === from || edgeSet.has(`${from}>${to}`)) continue;
      edgeSet.add(`${from}>${to}`);
      edges.push([from, to]);
    }
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  // Each library's reached files, and the apps whose inputs hold one of them.
  const held = nodeProjects.map(() => [] as number[]);
  ownerIndex.forEach((o, f) => o >= 0 && held[o]!.push(f));
  const usedBy = nodeProjects.map(() => new Set<string>());
  shownApps.forEach((app, a) => {
    for (const g of reachedBy[a]!) {
      const o = ownerIndex[pageId.get(g)!]!;
      if (o >= shownApps.length) usedBy[o]!.add(app.name);
    }
  });

  const nodes: GraphPageNode[] = nodeProjects.map((p, i) => {
    const project = 'configFile' in p ? p : undefined;
    const app = i < shownApps.length ? shownApps[i]! : undefined;
    const own = app ? [...reachedBy[i]!].map((g) => pageId.get(g)!) : held[i]!;
    const packages = new Set<string>();
    if (app) for (const g of reachedBy[i]!) for (const name of graph.packages[String(g)] ?? []) packages.add(name);
    return {
      name: p.name,
      type: p.type,
      root: p.root,
      framework: project?.framework ?? null,
      precision: app ? (project?.precision ?? 'file') : null,
      entries: app ? app.entries.map((e) => pageId.get(e)!).filter((e) => e !== undefined) : [],
      files: own.sort((a, b) => a - b),
      packages: [...packages].sort(),
      usedBy: [...usedBy[i]!].sort(compare),
      x: 0,
      y: 0,
    };
  });
  const size = layoutNodes(nodes, edges, shownApps.length);

  let why: GraphPageWhy | null = null;
  if (options.why) {
    const app = graph.apps.find((a) => a.name === options.why!.app);
    const target = idOf(options.why.file);
    const chain: ChainStep[] | null = app && target !== undefined ? computeChain(graph, app.entries, target) : null;
    why = { ...options.why, chain: chain?.map((s) => ({ file: s.file, kind: s.kind ?? 'entry' })) ?? null };
  }
  return { files, owners: ownerIndex, nodes, edges, why, ...size };
}

/**
 * Places the nodes in columns: apps (the first `apps` nodes) in column 0; a library one column
 * right of the furthest project importing it (longest path, over a depth-first order that
 * drops the edges closing a cycle); a library nothing imports in column 1. Within a column,
 * nodes follow the mean row of their importers, so edges cross less. Sets x and y, returns the size.
 */
function layoutNodes(nodes: GraphPageNode[], edges: readonly [number, number][], apps: number): { width: number; height: number } {
  const out = nodes.map(() => [] as number[]);
  const into = nodes.map(() => [] as number[]);
  for (const [from, to] of edges) {
    out[from]!.push(to);
    into[to]!.push(from);
  }
  // Reverse post-order of a depth-first walk from the apps: a topological order once the
  // edges back into the walk's own path (a cycle) are left out.
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the path, 2 done
  const post: number[] = [];
  const visit = (start: number) => {
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const next = out[top[0]]![top[1]++];
      if (next === undefined) {
        state[top[0]] = 2;
        post.push(top[0]);
        stack.pop();
      } else if (state[next] === 0) {
        state[next] = 1;
        stack.push([next, 0]);
      }
    }
  };
  for (let i = 0; i < nodes.length; i++) if (state[i] === 0) visit(i);
  const order = post.reverse();
  const position = new Map(order.map((n, i) => [n, i]));
  const column = nodes.map((_, i): number => (i < apps ? 0 : 1));
  for (const n of order) for (const to of out[n]!) if (to >= apps && position.get(to)! > position.get(n)!) column[to] = Math.max(column[to]!, column[n]! + 1);

  const columns: number[][] = [];
  nodes.forEach((_, i) => (columns[column[i]!] ??= []).push(i));
  const row = new Array<number>(nodes.length).fill(0);
  for (const members of columns) {
    if (!members) continue;
    const mean = (n: number) => {
      const placed = into[n]!.filter((m) => column[m]! < column[n]!);
      return placed.length ? placed.reduce((sum, m) => sum + row[m]!, 0) / placed.length : Number.POSITIVE_INFINITY;
    };
    const keyed = members.map((n) => ({ n, key: column[n] === 0 ? 0 : mean(n) }));
    keyed.sort((a, b) => a.key - b.key || compare(nodes[a.n]!.name, nodes[b.n]!.name));
    keyed.forEach(({ n }, r) => (row[n] = r));
  }
  let rows = 0;
  nodes.forEach((node, i) => {
    node.x = MARGIN + column[i]! * (NODE_WIDTH + COLUMN_GAP);
    node.y = MARGIN + row[i]! * (NODE_HEIGHT + ROW_GAP);
    rows = Math.max(rows, row[i]! + 1);
  });
  return { width: 2 * MARGIN + columns.length * NODE_WIDTH + Math.max(0, columns.length - 1) * COLUMN_GAP, height: 2 * MARGIN + rows * NODE_HEIGHT + Math.max(0, rows - 1) * ROW_GAP };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
