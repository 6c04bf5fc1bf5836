import { describe, expect, it } from 'vitest';
import { computeShadowedTargets, matchesUnresolved } from '../../../tools/src/graph/file-graph.js';
import { scanComputedImports, scanCssSpecifiers, scanSpecifiers } from '../../../tools/src/graph/scan-imports.js';
import { findCycles } from '../../../tools/src/graph/find-cycles.js';

describe('scanSpecifiers', () => {
  it.each([
    ["import type { A } from './a';", ['./a']],
    ["import { type B, type C } from '@acme/models';", ['@acme/models']],
    ["export type * from './types';", ['./types']],
    ["export { x } from \"../x\";", ['../x']],
    ["import './side-effect.css';", ['./side-effect.css']],
    ["const m = await import('./lazy');", ['./lazy']],
    ["const r = require('pkg/sub');", ['pkg/sub']],
    ['const s = "from nowhere";', []],
    ["/**\n * @example\n * import { x } from '@acme/doc-only';\n */\nimport { y } from './y';", ['./y']],
    ["// import { old } from './old';\nimport { z } from './z';", ['./z']],
    ["const url = 'http://x'; import { k } from './k'; // trailing import './t'", ['./k', './t']],
    ["const re = /\\/*/; import { r } from './r';", ['./r']],
  ])('%s', (source, expected) => {
    expect(scanSpecifiers(source)).toEqual(expected);
  });
});

describe('scanComputedImports', () => {
  it.each([
    ["import('./literal')", false],
    ['import(`./pages/${name}.tsx`)', false],
    ["import('./pages/' + name)", false],
    ['import(name)', true],
    ['import(`${base}/x`)', true],
    ["require(prefix + '/x')", true],
    ['obj.import(name)', false],
  ])('%s → computed: %s', (source, computed) => {
    expect(scanComputedImports(source).length > 0).toBe(computed);
  });
});

describe('scanCssSpecifiers', () => {
  it('finds @import and url(), skipping data URLs, absolute URLs and fragments', () => {
    const css = "@import './tokens.css';\n@import url(\"reset.css\");\n.a{background:url(./logo.svg)}\n.b{background:url(data:image/png;base64,xx)}\n.c{mask:url(#m)}\n.d{background:url(https://cdn/x.png)}";
    expect(scanCssSpecifiers(css).sort()).toEqual(['./logo.svg', './tokens.css', 'reset.css']);
  });
});

describe('computeShadowedTargets', () => {
  it('a new foo.ts can steal imports that resolved to foo.js or foo/index.*', () => {
    const targets = computeShadowedTargets('src/foo.ts');
    expect(targets).toEqual(expect.arrayContaining(['src/foo.js', 'src/foo/index.ts', 'src/foo/index.tsx']));
    // `./foo.js` with no foo.js is rewritten to foo.ts, then foo.tsx: a new foo.ts takes it from foo.tsx.
    expect(targets).toContain('src/foo.tsx');
    expect(computeShadowedTargets('src/foo.json')).not.toContain('src/foo.ts');
    expect(computeShadowedTargets('src/foo.mjs')).toContain('src/foo.mts');
  });
  it('a new index.ts shadows later index extensions, and index.tsx through the .js rewrite', () => {
    expect(computeShadowedTargets('src/dir/index.ts')).toEqual(expect.arrayContaining(['src/dir/index.js', 'src/dir/index.tsx']));
    expect(computeShadowedTargets('src/dir/index.jsx')).not.toContain('src/dir/index.ts');
  });
  it('reads a name with a newline in it as one path', () => {
    expect(computeShadowedTargets('src/new\nline.ts')).toEqual(expect.arrayContaining(['src/new\nline.js', 'src/new\nline/index.ts']));
    expect(computeShadowedTargets('src/odd\ndir/index.ts')).toContain('src/odd\ndir/index.js');
  });
  it('a package.json can redirect a directory import', () => {
    expect(computeShadowedTargets('libs/x/package.json')).toContain('libs/x/index.ts');
  });
  it('matches unresolved imports by base path', () => {
    const u = { file: 0, specifier: './foo', bases: ['src/foo'] };
    expect(matchesUnresolved('src/foo.ts', u)).toBe(true);
    expect(matchesUnresolved('src/foo/index.tsx', u)).toBe(true);
    expect(matchesUnresolved('src/foobar.ts', u)).toBe(false);
  });
});

describe('findCycles', () => {
  it('reports each strongly connected component once, and self-imports', () => {
    const graph = { files: ['a', 'b', 'c', 'd'], blobs: ['', '', '', ''], edges: [[1, 0], [2, 0], [0, 0], [3, 0]], packages: {}, unresolved: [], uncertain: [], apps: [], warnings: [] };
    expect(findCycles(graph)).toEqual([['a', 'b', 'c'], ['d']]);
  });
});
