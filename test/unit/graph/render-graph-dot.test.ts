import { describe, expect, it } from 'vitest';
import { EDGE_KINDS, type EdgeKind, type FileGraph } from '../../../tools/src/graph/file-graph.js';
import { renderGraphDot } from '../../../tools/src/graph/render-graph-dot.js';

/** A graph from `[from, to, kind]` triples over named files. */
function graphOf(files: string[], edges: [string, string, EdgeKind][]): FileGraph {
  const id = (f: string) => files.indexOf(f);
  const lists = files.map(() => [] as number[]);
  for (const [from, to, kind] of edges) lists[id(from)]!.push(id(to), EDGE_KINDS.indexOf(kind));
  return { files, blobs: files.map(() => ''), edges: lists, packages: {}, unresolved: [], uncertain: [], apps: [], warnings: [] };
}

const HEADER = ['digraph tessera {', '  rankdir=LR;', '  node [shape=box, fontname="monospace", fontsize=10];'];

describe('renderGraphDot', () => {
  it('draws entries filled with their app, static edges plain and other kinds dashed with a label', () => {
    const graph = graphOf(['apps/a/main.ts', 'libs/ui/index.ts', 'libs/ui/types.ts', 'libs/ui/style.css'], [
      ['apps/a/main.ts', 'libs/ui/index.ts', 'static'],
      ['libs/ui/index.ts', 'libs/ui/types.ts', 'type'],
      ['libs/ui/index.ts', 'libs/ui/style.css', 'css-import'],
    ]);
    expect(renderGraphDot(graph, { apps: [{ name: 'a', entries: ['apps/a/main.ts'] }], files: [0, 1, 2, 3] })).toBe([
      ...HEADER,
      '  "apps/a/main.ts" [style=filled, fillcolor="#dbeafe", label="a\\napps/a/main.ts"];',
      '  "apps/a/main.ts" -> "libs/ui/index.ts";',
      '  "libs/ui/index.ts" -> "libs/ui/types.ts" [style=dashed, label="type"];',
      '  "libs/ui/index.ts" -> "libs/ui/style.css" [style=dashed, label="css-import"];',
      '}',
      '',
    ].join('\n'));
  });

  it('draws only the imports of the files given, in their order', () => {
    const graph = graphOf(['b/main.ts', 'b/x.ts', 'c/main.ts', 'c/y.ts'], [
      ['b/main.ts', 'b/x.ts', 'dynamic'],
      ['c/main.ts', 'c/y.ts', 'static'],
    ]);
    const dot = renderGraphDot(graph, { apps: [{ name: 'c', entries: ['c/main.ts'] }], files: new Set([3, 2]) });
    expect(dot).toContain('"c/main.ts" -> "c/y.ts";');
    expect(dot).not.toContain('b/main.ts');
  });

  it('quotes paths and labels, so odd file names stay one node', () => {
    const graph = graphOf(['apps/"q"/main.ts', 'apps/"q"/a b.ts'], [['apps/"q"/main.ts', 'apps/"q"/a b.ts', 'static']]);
    const dot = renderGraphDot(graph, { apps: [{ name: 'q', entries: ['apps/"q"/main.ts'] }], files: [0] });
    expect(dot).toContain('  "apps/\\"q\\"/main.ts" -> "apps/\\"q\\"/a b.ts";');
  });

  it('an empty view is an empty graph', () => {
    expect(renderGraphDot(graphOf([], []), { apps: [], files: [] })).toBe([...HEADER, '}', ''].join('\n'));
  });
});
