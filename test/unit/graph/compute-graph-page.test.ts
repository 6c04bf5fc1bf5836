import { describe, expect, it } from 'vitest';
import { computeGraphPage, NODE_WIDTH } from '../../../tools/src/graph/compute-graph-page.js';
import { EDGE_KINDS, type EdgeKind, type FileGraph } from '../../../tools/src/graph/file-graph.js';
import type { Project, ProjectType } from '../../../tools/src/workspace/project.js';

const project = (name: string, type: ProjectType, root: string): Project => ({ name, type, root, sourceRoot: `${root}/src`, tags: [], implicitDependencies: [], entries: [], configFile: `${root}/project.json` });

/** A graph over named files: `[from, to, kind]` imports, apps by their entry files, npm packages by file. */
function graphOf(files: string[], imports: [string, string, EdgeKind?][], apps: Record<string, string[]>, packages: Record<string, string[]> = {}): FileGraph {
  const id = (f: string) => {
    const i = files.indexOf(f);
    if (i < 0) throw new Error(`no file ${f}`);
    return i;
  };
  const edges = files.map(() => [] as number[]);
  for (const [from, to, kind = 'static'] of imports) edges[id(from)]!.push(id(to), EDGE_KINDS.indexOf(kind));
  return {
    files, blobs: files.map(() => ''), edges, unresolved: [], uncertain: [], warnings: [],
    packages: Object.fromEntries(Object.entries(packages).map(([f, p]) => [String(id(f)), p])),
    apps: Object.entries(apps).map(([name, entries]) => ({ name, entries: entries.map(id) })),
  };
}

const PROJECTS = [
  project('shop', 'application', 'apps/shop'),
  project('admin', 'application', 'apps/admin'),
  project('ui', 'library', 'libs/ui'),
  project('util', 'library', 'libs/util'),
  project('core', 'library', 'libs/core'),
  project('old', 'library', 'libs/old'),
];
const FILES = ['apps/admin/main.ts', 'apps/shop/main.ts', 'apps/shop/page.ts', 'libs/core/index.ts', 'libs/old/index.ts', 'libs/ui/button.ts', 'libs/ui/index.ts', 'libs/util/index.ts', 'libs/util/unused.ts', 'shared.ts'];
const GRAPH = graphOf(FILES, [
  ['apps/shop/main.ts', 'apps/shop/page.ts'],
  ['apps/shop/page.ts', 'libs/ui/index.ts'],
  ['libs/ui/index.ts', 'libs/ui/button.ts'],
  ['libs/ui/button.ts', 'libs/util/index.ts', 'dynamic'],
  ['libs/util/index.ts', 'libs/core/index.ts'],
  ['apps/shop/main.ts', 'libs/core/index.ts'],
  ['apps/admin/main.ts', 'libs/core/index.ts'],
  ['apps/admin/main.ts', 'shared.ts'],
], { shop: ['apps/shop/main.ts'], admin: ['apps/admin/main.ts'] }, { 'libs/ui/button.ts': ['react'], 'apps/shop/page.ts': ['react', 'clsx'] });

describe('computeGraphPage', () => {
  const page = computeGraphPage(PROJECTS, GRAPH);
  const node = (name: string) => page.nodes.find((n) => n.name === name)!;
  const paths = (ids: number[]) => ids.map((i) => page.files[i]);
  const column = (name: string) => Math.round((node(name).x - page.nodes[0]!.x) / (node('ui').x - page.nodes[0]!.x));

  it('lists the apps, then every library, with the reached files sorted and each file\'s project', () => {
    expect(page.nodes.map((n) => `${n.name}:${n.type}`)).toEqual(['admin:application', 'shop:application', 'core:library', 'old:library', 'ui:library', 'util:library']);
    expect(page.files).toEqual(FILES.filter((f) => f !== 'libs/old/index.ts' && f !== 'libs/util/unused.ts'));
    expect(page.owners.map((o) => (o < 0 ? null : page.nodes[o]!.name))).toEqual(['admin', 'shop', 'shop', 'core', 'ui', 'ui', 'util', null]);
  });

  it('gives an app its inputs, entries and packages, and a library the files apps reach and the apps that use it', () => {
    expect(paths(node('shop').files)).toEqual(['apps/shop/main.ts', 'apps/shop/page.ts', 'libs/core/index.ts', 'libs/ui/button.ts', 'libs/ui/index.ts', 'libs/util/index.ts']);
    expect(paths(node('shop').entries)).toEqual(['apps/shop/main.ts']);
    expect(node('shop')).toMatchObject({ packages: ['clsx', 'react'], precision: 'file', usedBy: [] });
    expect(paths(node('admin').files)).toEqual(['apps/admin/main.ts', 'libs/core/index.ts', 'shared.ts']);
    expect(node('core')).toMatchObject({ usedBy: ['admin', 'shop'], precision: null, entries: [], packages: [] });
    expect(paths(node('util').files)).toEqual(['libs/util/index.ts']); // not unused.ts: no app reaches it
    expect(node('old')).toMatchObject({ files: [], usedBy: [] });
  });

  it('draws a project edge wherever a file imports a file of another project, once', () => {
    const names = page.edges.map(([a, b]) => `${page.nodes[a]!.name}>${page.nodes[b]!.name}`).sort();
    expect(names).toEqual(['admin>core', 'shop>core', 'shop>ui', 'ui>util', 'util>core']);
  });

  it('lays apps out in the first column and each library right of the furthest project importing it', () => {
    expect([column('admin'), column('shop'), column('ui'), column('util'), column('core'), column('old')]).toEqual([0, 0, 1, 2, 3, 1]);
    expect(node('ui').x - node('admin').x).toBeGreaterThan(NODE_WIDTH);
    // No two boxes overlap, and the drawing holds them all.
    for (const a of page.nodes) for (const b of page.nodes) if (a !== b) expect(a.x === b.x && a.y === b.y, `${a.name} ${b.name}`).toBe(false);
    for (const n of page.nodes) expect(n.x + NODE_WIDTH).toBeLessThanOrEqual(page.width);
  });

  it('survives a cycle between libraries, placing each once', () => {
    const cyclic = graphOf(['apps/shop/main.ts', 'libs/ui/index.ts', 'libs/util/index.ts'], [
      ['apps/shop/main.ts', 'libs/ui/index.ts'],
      ['libs/ui/index.ts', 'libs/util/index.ts'],
      ['libs/util/index.ts', 'libs/ui/index.ts'],
    ], { shop: ['apps/shop/main.ts'] });
    const data = computeGraphPage(PROJECTS, cyclic);
    const ui = data.nodes.find((n) => n.name === 'ui')!;
    const util = data.nodes.find((n) => n.name === 'util')!;
    expect(util.x).toBeGreaterThan(ui.x);
    expect(data.edges).toHaveLength(3);
  });

  it('shows only the apps asked for, and the --why chain from the nearest entry', () => {
    const only = computeGraphPage(PROJECTS, GRAPH, { apps: ['shop'], why: { app: 'shop', file: 'libs/util/index.ts' } });
    expect(only.nodes.filter((n) => n.type === 'application').map((n) => n.name)).toEqual(['shop']);
    expect(only.files).not.toContain('apps/admin/main.ts');
    expect(only.why).toEqual({ app: 'shop', file: 'libs/util/index.ts', chain: [
      { file: 'apps/shop/main.ts', kind: 'entry' }, { file: 'apps/shop/page.ts', kind: 'static' }, { file: 'libs/ui/index.ts', kind: 'static' },
      { file: 'libs/ui/button.ts', kind: 'static' }, { file: 'libs/util/index.ts', kind: 'dynamic' },
    ] });
    expect(computeGraphPage(PROJECTS, GRAPH, { why: { app: 'admin', file: 'libs/ui/index.ts' } }).why!.chain).toBeNull();
    expect(computeGraphPage(PROJECTS, GRAPH, { why: { app: 'admin', file: 'no/such.ts' } }).why!.chain).toBeNull();
    expect(page.why).toBeNull();
  });
});
