import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../../tools/src/bundle/asset-manifest.js';
import { computeBundleManifest, replaceDir } from '../../../tools/src/bundle/write-app-bundle.js';
import { useTempDirs } from '../../support/temp-dirs.js';

describe('computeBundleManifest', () => {
  const bytes = (text: string) => Buffer.from(text);
  const input = {
    app: 'shop',
    version: 'v1',
    commit: null,
    buildId: 'b',
    builtAt: '2026-01-01T00:00:00.000Z',
    outputs: [
      { path: 'main-BBBBBBBB.js', bytes: bytes('b') },
      { path: 'chunks/cart-CCCCCCCC.js', bytes: bytes('c') },
      { path: 'admin-AAAAAAAA.js', bytes: bytes('a') },
      { path: 'main-DDDDDDDD.css', bytes: bytes('d') },
    ],
    scripts: ['main-BBBBBBBB.js', 'admin-AAAAAAAA.js'],
    styles: ['main-DDDDDDDD.css'],
  };

  it('lists every output and the shell once, sorted, each with the integrity of its bytes', () => {
    const { shell, manifest } = computeBundleManifest(input);
    expect(manifest.files.map((f) => f.path)).toEqual(['admin-AAAAAAAA.js', 'chunks/cart-CCCCCCCC.js', 'index.html', 'main-BBBBBBBB.js', 'main-DDDDDDDD.css']);
    const byPath = new Map(manifest.files.map((f) => [f.path, f]));
    for (const o of input.outputs) expect(byPath.get(o.path)).toMatchObject({ size: 1, integrity: computeIntegrity(o.bytes) });
    expect(byPath.get('index.html')).toMatchObject({ size: shell.length, integrity: computeIntegrity(shell), cacheControl: 'no-cache' });
    expect(manifest).toMatchObject({ schema: 1, app: 'shop', version: 'v1', commit: null, buildId: 'b', builtAt: input.builtAt });
  });

  it('gives the shell the sorted entries with the same integrity as the manifest', () => {
    const { shell, manifest } = computeBundleManifest(input);
    expect(manifest.entries).toEqual({ html: 'index.html', scripts: ['admin-AAAAAAAA.js', 'main-BBBBBBBB.js'], styles: ['main-DDDDDDDD.css'] });
    const html = shell.toString();
    expect(html.indexOf('admin-AAAAAAAA.js')).toBeLessThan(html.indexOf('main-BBBBBBBB.js'));
    for (const path of [...manifest.entries.scripts, ...manifest.entries.styles]) expect(html).toContain(`"./${path}" integrity="${manifest.files.find((f) => f.path === path)!.integrity}"`);
    expect(html).not.toContain('cart-CCCCCCCC');
    expect(input.scripts).toEqual(['main-BBBBBBBB.js', 'admin-AAAAAAAA.js']); // the input is not sorted in place
  });
});

describe('replaceDir', () => {
  const tempDir = useTempDirs('replace-dir');

  it('replaces what the target held, creating its parents', async () => {
    const base = tempDir();
    mkdirSync(join(base, 'from/chunks'), { recursive: true });
    writeFileSync(join(base, 'from/chunks/a.js'), 'a');
    mkdirSync(join(base, 'deep/to'), { recursive: true });
    writeFileSync(join(base, 'deep/to/stale.js'), 'old');
    await replaceDir(join(base, 'from'), join(base, 'deep/to'));
    expect(readdirSync(join(base, 'deep/to'), { recursive: true }).sort()).toEqual(['chunks', 'chunks/a.js']);
    expect(existsSync(join(base, 'from'))).toBe(false);
    await replaceDir(join(base, 'deep/to'), join(base, 'new/parent/to'));
    expect(readFileSync(join(base, 'new/parent/to/chunks/a.js'), 'utf8')).toBe('a');
  });

  it('replaces a directory that holds the one it moves in (`--out dist` around dist/apps/.app-staging-…)', async () => {
    const base = tempDir();
    mkdirSync(join(base, 'dist/apps/.shop-staging-1'), { recursive: true });
    writeFileSync(join(base, 'dist/apps/.shop-staging-1/main.js'), 'm');
    writeFileSync(join(base, 'dist/stale.js'), 'old');
    await replaceDir(join(base, 'dist/apps/.shop-staging-1'), join(base, 'dist'));
    expect(readdirSync(join(base, 'dist'))).toEqual(['main.js']);
    expect(readdirSync(base)).toEqual(['dist']);
  });

  it('copies when the two are on different file systems (EXDEV), and passes other errors on', async () => {
    const base = tempDir();
    mkdirSync(join(base, 'from/assets'), { recursive: true });
    writeFileSync(join(base, 'from/assets/x.svg'), '<svg/>');
    const exdev = async () => {
      throw Object.assign(new Error('cross-device link not permitted'), { code: 'EXDEV' });
    };
    await replaceDir(join(base, 'from'), join(base, 'to'), exdev);
    expect(readFileSync(join(base, 'to/assets/x.svg'), 'utf8')).toBe('<svg/>');
    const denied = async () => {
      throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
    };
    await expect(replaceDir(join(base, 'from'), join(base, 'other'), denied)).rejects.toThrow('permission denied');
    expect(readdirSync(base).sort()).toEqual(['from', 'to']); // nothing half-moved left beside
  });
});
