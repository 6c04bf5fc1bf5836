import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkspacePackageResolver } from '../../../tools/src/graph/resolve-workspace-package.js';
import { useTempDirs } from '../../support/temp-dirs.js';

const tempDir = useTempDirs('tessera-ws-resolve-');

function tree(files: Record<string, string>): string {
  const root = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const pkg = (json: object) => JSON.stringify({ name: '@acme/ui', ...json });

describe('createWorkspacePackageResolver', () => {
  it.each([
    ['exports with a source condition', { 'p/package.json': pkg({ exports: { '.': { source: './src/index.ts', import: './dist/index.js' } } }), 'p/src/index.ts': '' }, '@acme/ui', 'p/src/index.ts'],
    ['exports pointing at a dist that is not there: back to src', { 'p/package.json': pkg({ exports: { '.': { import: './dist/index.mjs', types: './dist/index.d.ts' } } }), 'p/src/index.ts': '' }, '@acme/ui', 'p/src/index.ts'],
    ['a subpath pattern', { 'p/package.json': pkg({ exports: { './*': './dist/*.js' } }), 'p/src/button.tsx': '' }, '@acme/ui/button', 'p/src/button.tsx'],
    ['main into dist, with the tsconfig rootDir', { 'p/package.json': pkg({ main: 'build/index.js' }), 'p/tsconfig.json': '{ "compilerOptions": { "outDir": "build", "rootDir": "lib" } }', 'p/lib/index.ts': '' }, '@acme/ui', 'p/lib/index.ts'],
    ['no fields at all: index.ts at the root', { 'p/package.json': pkg({}), 'p/index.ts': '' }, '@acme/ui', 'p/index.ts'],
    ['a deep import without exports', { 'p/package.json': pkg({ main: 'dist/index.js' }), 'p/src/utils/date.ts': '' }, '@acme/ui/utils/date', 'p/src/utils/date.ts'],
    ['source wins over a dist built in the working tree', { 'p/package.json': pkg({ main: 'dist/index.js' }), 'p/dist/index.js': '', 'p/src/index.ts': '' }, '@acme/ui', 'p/src/index.ts'],
    ['exports naming TypeScript source by its .js path, as TypeScript resolves it', { 'p/package.json': pkg({ exports: './src/index.js' }), 'p/src/index.ts': '' }, '@acme/ui', 'p/src/index.ts'],
    ['a committed build output with no source is taken as it is', { 'p/package.json': pkg({ main: 'dist/index.js' }), 'p/dist/index.js': '' }, '@acme/ui', 'p/dist/index.js'],
  ])('%s', (_name, files, specifier, expected) => {
    const root = tree(files);
    const resolve = createWorkspacePackageResolver(root, [{ name: '@acme/ui', root: 'p' }]);
    const found = resolve(specifier);
    expect(found && relative(root, found)).toBe(expected);
  });

  it('null for a package it cannot map, and for a name that is not a workspace package', () => {
    const root = tree({ 'p/package.json': pkg({ main: 'out/bundle.cjs' }), 'p/generate.ts': '' });
    const resolve = createWorkspacePackageResolver(root, [{ name: '@acme/ui', root: 'p' }]);
    expect(resolve('@acme/ui')).toBeNull();
    expect(resolve('react')).toBeNull();
  });
});
