import { describe, expect, it } from 'vitest';
import { invertTsconfigExtends, readTsconfigExtends, resolveTsconfigExtends, type TsconfigTree } from '../../../tools/src/workspace/tsconfig-extends.js';

function tree(files: Record<string, string>, packages: Record<string, string> = {}): TsconfigTree {
  return { has: (p) => Object.hasOwn(files, p), read: (p) => files[p] ?? null, packages: new Map(Object.entries(packages)) };
}

describe('resolveTsconfigExtends', () => {
  const t = tree(
    {
      'packages/config/package.json': JSON.stringify({ name: '@acme/config', tsconfig: './strict.json' }),
      'packages/config/strict.json': '{}',
      'packages/config/react.json': '{}',
      'packages/config/node/tsconfig.json': '{}',
      'packages/plain/package.json': JSON.stringify({ name: 'plain' }),
      'packages/plain/tsconfig.json': '{}',
      'tsconfig.base.json': '{}',
      'apps/web/tsconfig.app.json': '{}',
    },
    { '@acme/config': 'packages/config', plain: 'packages/plain' },
  );

  it('resolves relative paths as TypeScript does: .json added, a folder means its tsconfig.json', () => {
    expect(resolveTsconfigExtends('apps/web/tsconfig.json', '../../tsconfig.base.json', t)).toBe('tsconfig.base.json');
    expect(resolveTsconfigExtends('apps/web/tsconfig.json', '../../tsconfig.base', t)).toBe('tsconfig.base.json');
    expect(resolveTsconfigExtends('apps/web/tsconfig.json', './tsconfig.app', t)).toBe('apps/web/tsconfig.app.json');
    expect(resolveTsconfigExtends('apps/web/tsconfig.json', '../../packages/config/node', t)).toBe('packages/config/node/tsconfig.json');
    expect(resolveTsconfigExtends('apps/web/tsconfig.json', './missing.json', t)).toBeNull();
    expect(resolveTsconfigExtends('tsconfig.json', '../outside.json', t)).toBeNull();
  });

  it('resolves workspace packages from the tree (no node_modules): the tsconfig field, tsconfig.json, subpaths with or without .json', () => {
    expect(resolveTsconfigExtends('apps/web/tsconfig.json', '@acme/config', t)).toBe('packages/config/strict.json');
    expect(resolveTsconfigExtends('apps/web/tsconfig.json', 'plain', t)).toBe('packages/plain/tsconfig.json');
    expect(resolveTsconfigExtends('apps/web/tsconfig.json', '@acme/config/react', t)).toBe('packages/config/react.json');
    expect(resolveTsconfigExtends('apps/web/tsconfig.json', '@acme/config/node', t)).toBe('packages/config/node/tsconfig.json');
    // Packages outside the workspace are the lockfile's business.
    expect(resolveTsconfigExtends('apps/web/tsconfig.json', '@tsconfig/node20/tsconfig.json', t)).toBeNull();
  });
});

describe('readTsconfigExtends and invertTsconfigExtends', () => {
  it('follows chains through files of any name, and inverts them transitively', () => {
    const t = tree(
      {
        'apps/web/tsconfig.json': '{ "extends": ["@acme/config/react.json", "../../tsconfig.base.json"], /* c */ }',
        'packages/config/react.json': '{ "extends": "./strict.json" }',
        'packages/config/strict.json': '{}',
        'tsconfig.base.json': '{}',
        'libs/a/tsconfig.json': '{ "extends": "@other/outside" }',
      },
      { '@acme/config': 'packages/config' },
    );
    const edges = readTsconfigExtends(['apps/web/tsconfig.json', 'libs/a/tsconfig.json', 'tsconfig.base.json'], t);
    expect(edges).toEqual({ 'apps/web/tsconfig.json': ['packages/config/react.json', 'tsconfig.base.json'], 'packages/config/react.json': ['packages/config/strict.json'] });
    const inverted = invertTsconfigExtends(edges);
    expect(inverted.get('packages/config/strict.json')).toEqual(['apps/web/tsconfig.json', 'packages/config/react.json']);
    expect(inverted.get('tsconfig.base.json')).toEqual(['apps/web/tsconfig.json']);
  });
});
