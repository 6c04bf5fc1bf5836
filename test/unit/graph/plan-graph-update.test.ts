import { describe, expect, it } from 'vitest';
import { computeGraphWithout, EDGE_KINDS, type FileGraph } from '../../../tools/src/graph/file-graph.js';
import { type BareResolution, planGraphUpdate, type TreeChanges } from '../../../tools/src/graph/plan-graph-update.js';

/** A graph from `importer -> target` lines (static imports). */
function graphOf(lines: string[], extra: Partial<FileGraph> = {}): FileGraph {
  const files: string[] = [];
  const id = (p: string) => (files.includes(p) ? files.indexOf(p) : files.push(p) - 1);
  const pairs = lines.map((l) => l.split(' -> ').map(id) as [number, number]);
  const edges = files.map(() => [] as number[]);
  for (const [from, to] of pairs) edges[from]!.push(to, EDGE_KINDS.indexOf('static'));
  return { files, blobs: files.map(() => 'b'), edges, packages: {}, unresolved: [], uncertain: [], globs: [], apps: [{ name: 'web', entries: [0] }], warnings: [], ...extra };
}

const NONE: BareResolution = { aliases: {}, baseUrl: null, workspacePackages: [] };
const changes = (c: Partial<TreeChanges>): TreeChanges => ({ modified: [], added: [], deleted: [], ...c });
const plan = (graph: FileGraph, c: Partial<TreeChanges>, resolution = NONE) => {
  const result = planGraphUpdate(graph, changes(c), resolution);
  return { reread: result.reread.sort(), deleted: result.deleted };
};

describe('planGraphUpdate', () => {
  const graph = graphOf(['app/main.ts -> app/util.js', 'app/main.ts -> lib/b/x.ts', 'app/other.ts -> app/util.js', 'app/main.ts -> app/other.ts']);

  it('re-reads only modified files when nothing was added or deleted', () => {
    expect(plan(graph, { modified: ['app/other.ts'] })).toEqual({ reread: ['app/other.ts'], deleted: [] });
  });

  it('re-reads the importers of a deleted file and drops it', () => {
    expect(plan(graph, { deleted: ['app/util.js'] })).toEqual({ reread: ['app/main.ts', 'app/other.ts'], deleted: ['app/util.js'] });
    // A deleted importer is not re-read, though it imported the other deleted file.
    expect(plan(graph, { deleted: ['app/util.js', 'app/other.ts'] })).toEqual({ reread: ['app/main.ts'], deleted: ['app/util.js', 'app/other.ts'] });
  });

  it.each([
    ['an earlier extension', 'app/main.ts -> app/util.js', 'app/util.ts'],
    // `./util.js` resolved to util.tsx (esbuild's rewrite); a util.js of its own takes it back.
    ['a .js import that was rewritten to .tsx', 'app/main.ts -> app/util.tsx', 'app/util.js'],
    ['a folder index', 'app/main.ts -> app/dir/index.ts', 'app/dir.ts'],
  ])('re-reads the importers of a file an added one can take imports from: %s', (_, line, added) => {
    const g = graphOf([line, 'app/x.ts -> app/unrelated.ts']);
    expect(plan(g, { added: [added] }).reread).toEqual(['app/main.ts']);
  });

  it('re-reads importers of a later target of a path alias with several', () => {
    const aliases = { '@x/*': ['lib/a/*', 'lib/b/*'] };
    expect(plan(graph, { added: ['lib/a/x.ts'] }, { ...NONE, aliases }).reread).toEqual(['app/main.ts']);
    // The last target takes nothing from an earlier one.
    expect(plan(graph, { added: ['lib/b/y.ts'] }, { ...NONE, aliases }).reread).toEqual([]);
  });

  it('re-reads importers of an unresolved import the added file answers', () => {
    const g = graphOf(['app/main.ts -> app/other.ts'], { unresolved: [{ file: 1, specifier: './later', bases: ['app/later'] }, { file: 0, specifier: '@acme/ui/button', bases: [] }] });
    expect(plan(g, { added: ['app/later.tsx'] }).reread).toEqual(['app/other.ts']);
    const workspacePackages = [{ name: '@acme/ui', root: 'packages/ui' }];
    expect(plan(g, { added: ['packages/ui/button.ts'] }, { ...NONE, workspacePackages }).reread).toEqual(['app/main.ts']);
  });

  it('re-reads files that imported as a package a name a file under baseUrl now answers to', () => {
    const g = graphOf(['app/main.ts -> app/other.ts'], { packages: { '1': ['vendor'], '0': ['react'] } });
    expect(plan(g, { added: ['src/vendor/thing.ts'] }, { ...NONE, baseUrl: 'src' }).reread).toEqual(['app/other.ts']);
    expect(plan(g, { added: ['elsewhere/vendor/thing.ts'] }, { ...NONE, baseUrl: 'src' }).reread).toEqual([]);
  });

  it('re-reads the file of a glob import the added file matches, matched before or not', () => {
    const g = graphOf(['app/main.ts -> app/other.ts'], { globs: [{ file: 1, pattern: 'app/locales/*.json' }] });
    expect(plan(g, { added: ['app/locales/fr.json'] }).reread).toEqual(['app/other.ts']);
    expect(plan(g, { added: ['app/locales/fr/extra.json'] }).reread).toEqual([]);
  });
});

describe('computeGraphWithout', () => {
  it('drops files and renumbers every reference to the rest', () => {
    const g = graphOf(['a.ts -> b.ts', 'a.ts -> c.ts', 'c.ts -> d.ts'], {
      packages: { '2': ['react'], '1': ['gone'] },
      unresolved: [{ file: 3, specifier: './x', bases: ['x'] }],
      uncertain: [{ file: 1, kind: 'unparseable', detail: '' }],
      globs: [{ file: 2, pattern: '*.json' }],
      warnings: [{ code: 'TESSERA_GRAPH_UNRESOLVED_IMPORT', text: 'b', location: { file: 'b.ts' } }],
    });
    const without = computeGraphWithout(g, new Set(['b.ts']));
    expect(without.files).toEqual(['a.ts', 'c.ts', 'd.ts']);
    expect(without.edges).toEqual([[1, 0], [2, 0], []]);
    expect(without.packages).toEqual({ '1': ['react'] });
    expect(without.unresolved).toEqual([{ file: 2, specifier: './x', bases: ['x'] }]);
    expect(without.uncertain).toEqual([]);
    expect(without.globs).toEqual([{ file: 1, pattern: '*.json' }]);
    expect(without.warnings).toEqual([]);
    expect(without.apps).toEqual([{ name: 'web', entries: [0] }]);
    expect(computeGraphWithout(g, new Set(['elsewhere.ts']))).toBe(g);
  });
});
