import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAliasMatcher } from '../../../tools/src/graph/analysis-context.js';
import { planGraphThreads, resolveGraphEngine } from '../../../tools/src/graph/analyze-apps.js';
import { createImportResolver } from '../../../tools/src/graph/create-import-resolver.js';
import { parseCssImports } from '../../../tools/src/graph/parse-css-imports.js';
import { parseModuleImports } from '../../../tools/src/graph/parse-module-imports.js';
import { createJsxRuntimeReader } from '../../../tools/src/graph/read-jsx-runtime.js';
import { useTempDirs } from '../../support/temp-dirs.js';

const tempDir = useTempDirs('parser-engine');
const write = (root: string, files: Record<string, string>) => {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
};

describe('parseModuleImports', () => {
  const imports = (source: string, path = 'a.tsx') => {
    const r = parseModuleImports(path, source);
    if (!r.ok) throw new Error(r.detail);
    return { imports: r.imports.map((i) => `${i.kind} ${i.specifier}`), globs: r.globs };
  };

  it.each([
    ["import { a } from './a';", ['static ./a']],
    ["import type { A } from './types';", ['type ./types']],
    ["import { type A, type B } from './types';", ['type ./types']],
    ["import { type A, b } from './mixed';", ['static ./mixed']],
    ["import './side.css';", ['static ./side.css']],
    ["export * from './barrel';", ['static ./barrel']],
    ["export type { T } from './t';", ['type ./t']],
    ["const page = () => import('./page');", ['dynamic ./page']],
    ['const page = () => import(`./plain`);', ['dynamic ./plain']],
    ["const x = require('./cjs');", ['require ./cjs']],
    ["const p = require.resolve('./asset.json');", ['require ./asset.json']],
    ["// import { gone } from './gone';\nconst s = \"import './str'\";", []],
  ])('%s', (source, expected) => {
    expect(imports(source).imports).toEqual(expected);
  });

  it('turns the run-time paths esbuild expands into globs, and leaves computed ones out', () => {
    const r = imports("const a = (l: string) => import(`./locale/${l}.json`);\nconst b = (n: string) => require('./icons/' + n + '.svg');\nconst c = (m: string) => import(m);");
    expect(r.imports).toEqual([]);
    expect(r.globs).toEqual(['./locale/*.json', './icons/*.svg']);
  });

  it('says where a file does not parse', () => {
    const r = parseModuleImports('bad.ts', "import { a } from './a';\nconst x = ;\n");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.detail).toMatch(/line 2/);
  });
});

describe('parseCssImports (esbuild CSS rules)', () => {
  it('finds @import and url() tokens, skipping comments, strings and URLs esbuild keeps', () => {
    const css = [
      '@import "b.css";',
      '@import url(c.css);',
      '@import url("sub/d.css") screen;',
      '/* url(commented.png) @import "nope.css"; */',
      '.a { background: url(icon.svg), url("data:image/png;base64,xx"), url(#frag), url(/fonts/a.woff2), url(https://x/y.png); }',
      '.b { content: "url(fake.png)"; composes: x from "./m.module.css"; }',
    ].join('\n');
    expect(parseCssImports('a.css', css).map((i) => `${i.kind} ${i.specifier}`)).toEqual(['css-import b.css', 'css-import c.css', 'css-import sub/d.css', 'url icon.svg']);
  });

  it('reads composes … from in a CSS module only', () => {
    expect(parseCssImports('a.module.css', '.b { composes: x y from "./m.module.css"; color: red }').map((i) => `${i.kind} ${i.specifier}`)).toEqual(['css-import ./m.module.css']);
  });
});

describe('createAliasMatcher', () => {
  it('answers with the first pattern in the tsconfig order, exact or wildcard, fast for thousands', () => {
    const aliases: Record<string, string[]> = { '@a/*': ['libs/a-star/*'], '@a/x': ['libs/a-x/index.ts'], '@b': ['libs/b/index.ts'] };
    for (let i = 0; i < 5_000; i++) aliases[`@lib${i}/*`] = [`libs/lib${i}/src/*`];
    const match = createAliasMatcher(aliases);
    expect(match('@a/x')).toEqual(['libs/a-star/x']);
    expect(match('@b')).toEqual(['libs/b/index.ts']);
    expect(match('@lib4999/deep/file')).toEqual(['libs/lib4999/src/deep/file']);
    expect(match('@b/sub')).toBeNull();
    expect(match('react')).toBeNull();
  });
});

describe('createImportResolver (esbuild rules, without a build)', () => {
  const resolverFor = (root: string, files?: { regular: string[]; unsure: string[] }, aliases: Record<string, string[]> = {}) =>
    createImportResolver({ root, aliasBases: createAliasMatcher(aliases), resolveWorkspacePackage: () => null, isWorkspacePackage: () => false, isReleasePinned: () => false, files: files && { regular: new Set(files.regular), unsure: new Set(files.unsure) } });

  it('tries extensions in esbuild order, a file before a folder, `.js` naming TypeScript, and drops a bundler query', () => {
    const root = tempDir();
    write(root, { 'src/a.ts': '', 'src/a.tsx': '', 'src/b/index.ts': '', 'src/b.ts': '', 'src/c/index.ts': '', 'src/d.ts': '', 'src/app.css': '' });
    const resolve = resolverFor(root);
    expect(resolve('src/main.ts', './a')).toEqual({ kind: 'file', path: 'src/a.tsx' });
    expect(resolve('src/main.ts', './b')).toEqual({ kind: 'file', path: 'src/b.ts' });
    expect(resolve('src/main.ts', './c')).toEqual({ kind: 'file', path: 'src/c/index.ts' });
    expect(resolve('src/main.ts', './d.js')).toEqual({ kind: 'file', path: 'src/d.ts' });
    expect(resolve('src/main.ts', './app.css?url')).toEqual({ kind: 'file', path: 'src/app.css' });
    expect(resolve('src/main.ts', './missing')).toEqual({ kind: 'unresolved' });
    expect(resolve('src/main.ts', 'react')).toEqual({ kind: 'package' });
    expect(resolve('src/main.ts', 'https://cdn.example/x.js')).toEqual({ kind: 'none' });
  });

  it("answers from git's file list only where that is certain: a candidate changed on disk goes to the resolver", () => {
    const root = tempDir();
    write(root, { 'src/a.ts': '', 'src/a.tsx': '' });
    // git knows a.ts; a.tsx is new (untracked) and comes first in esbuild's order.
    expect(resolverFor(root, { regular: ['src/a.ts'], unsure: ['src/a.tsx'] })('src/main.ts', './a')).toEqual({ kind: 'file', path: 'src/a.tsx' });
    expect(resolverFor(root, { regular: ['src/a.ts', 'src/a.tsx'], unsure: [] })('src/main.ts', './a')).toEqual({ kind: 'file', path: 'src/a.tsx' });
  });

  it("follows a package.json browser map, which the file list cannot know", () => {
    const root = tempDir();
    write(root, { 'pkg/package.json': JSON.stringify({ name: 'pkg', browser: { './node.js': './browser.js' } }), 'pkg/node.js': '', 'pkg/browser.js': '' });
    expect(resolverFor(root, { regular: ['pkg/node.js', 'pkg/browser.js', 'pkg/package.json'], unsure: [] })('pkg/main.js', './node.js')).toEqual({ kind: 'file', path: 'pkg/browser.js' });
  });

  it('resolves tsconfig paths; an alias whose target is gone does not resolve, and a tsconfig extending a package that is not installed is read as none', () => {
    const root = tempDir();
    write(root, {
      'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@w/ui': ['./libs/ui/index.ts'], '@w/gone': ['./libs/gone/index.ts'] } } }),
      'libs/ui/index.ts': '',
      'apps/x/tsconfig.json': JSON.stringify({ extends: '@w/tsconfig/base.json' }),
      'apps/x/src/local.ts': '',
    });
    const resolve = resolverFor(root, undefined, { '@w/ui': ['libs/ui/index.ts'], '@w/gone': ['libs/gone/index.ts'] });
    // A failed import whose name mentions a tsconfig says nothing about the tsconfig itself.
    expect(resolve('apps/web/main.ts', './tsconfig.missing.json')).toEqual({ kind: 'unresolved' });
    expect(resolve('apps/web/main.ts', '@w/ui')).toEqual({ kind: 'file', path: 'libs/ui/index.ts' });
    expect(resolve('apps/web/main.ts', '@w/gone')).toEqual({ kind: 'unresolved' });
    expect(resolve('apps/x/src/main.ts', './local')).toEqual({ kind: 'file', path: 'apps/x/src/local.ts' });
  });

  it('answers workspace-relative paths for a workspace reached through a symbolic link', () => {
    const real = tempDir();
    write(real, { 'src/a.ts': '' });
    const link = join(tempDir(), 'ws');
    symlinkSync(real, link, 'dir');
    expect(resolverFor(link)('src/main.ts', './a')).toEqual({ kind: 'file', path: 'src/a.ts' });
  });
});

describe('createJsxRuntimeReader', () => {
  it('names the runtime esbuild injects: pragma, then the nearest tsconfig (extends followed), then react', () => {
    const root = tempDir();
    write(root, { 'tsconfig.base.json': JSON.stringify({ compilerOptions: { jsxImportSource: 'preact' } }), 'apps/p/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json' }), 'apps/r/tsconfig.json': '{}' });
    const runtimeOf = createJsxRuntimeReader(root);
    expect(runtimeOf('apps/p/src/view.tsx', 'export const V = () => <p/>;')).toBe('preact/jsx-runtime');
    expect(runtimeOf('apps/r/src/view.tsx', 'export const V = () => <p>x</p>;')).toBe('react/jsx-runtime');
    expect(runtimeOf('apps/r/src/view.tsx', '/** @jsxImportSource solid-js */\nexport const V = () => <p/>;')).toBe('solid-js/jsx-runtime');
    expect(runtimeOf('apps/r/src/types.tsx', 'export type L = Array<string>;')).toBeNull();
    expect(runtimeOf('apps/r/src/plain.ts', 'export const V = 1;')).toBeNull();
  });
});

describe('the engine settings', () => {
  it('TESSERA_GRAPH_ENGINE picks the engine, and anything else is a usage error that says what to set', () => {
    expect(resolveGraphEngine({})).toBe('parser');
    expect(resolveGraphEngine({ TESSERA_GRAPH_ENGINE: 'bundler' })).toBe('bundler');
    expect(() => resolveGraphEngine({ TESSERA_GRAPH_ENGINE: 'esbuild' })).toThrow(/parser or bundler; received "esbuild"/);
  });

  it('threads: one per core beyond the main thread for a large workspace, none for a small one, TESSERA_GRAPH_THREADS first', () => {
    expect(planGraphThreads(100_000, 2, {})).toBe(1);
    expect(planGraphThreads(100_000, 16, {})).toBe(3);
    expect(planGraphThreads(500, 8, {})).toBe(0);
    expect(planGraphThreads(500, 8, { TESSERA_GRAPH_THREADS: '2' })).toBe(2);
    expect(() => planGraphThreads(500, 8, { TESSERA_GRAPH_THREADS: 'many' })).toThrow(/whole number from 0 to 16/);
  });
});
