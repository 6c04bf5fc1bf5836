import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type AssetManifest, computeAssetEntry, MANIFEST_FILE } from '../../tools/src/bundle/asset-manifest.js';

const made: string[] = [];

/** Removes every directory makeBundleDir made in this process (call it in afterAll). */
export function removeBundleDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A bundle directory as `tessera bundle` writes it (files plus manifest.json), with the
 * given files, for store tests that need many bundles quickly.
 */
export function makeBundleDir(app: string, version: string, files: Record<string, string | Buffer>, buildId = 'test:1'): { dir: string; manifest: AssetManifest } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bundle-'));
  made.push(dir);
  const entries = Object.entries(files).map(([path, body]) => [path, typeof body === 'string' ? Buffer.from(body) : body] as const);
  for (const [path, body] of entries) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), body);
  }
  const manifest: AssetManifest = {
    schema: 1, app, version, commit: null, buildId, builtAt: new Date().toISOString(),
    entries: { html: 'index.html', scripts: entries.map(([p]) => p).filter((p) => p.endsWith('.js')), styles: [] },
    files: entries.map(([path, body]) => computeAssetEntry(path, body)).sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  return { dir, manifest };
}

/** An esbuild-like `[hash]` of some text: 8 base32 characters. */
function fakeHash(text: string): string {
  const digest = createHash('sha256').update(text).digest();
  return Array.from(digest.subarray(0, 8), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');
}

/**
 * A small bundle like esbuild's: every name but index.html carries the hash of its bytes,
 * so two different builds share only index.html (as real bundles do).
 */
export function sampleFiles(variant: string, extra = 0): Record<string, string | Buffer> {
  const main = `console.log(${JSON.stringify(variant)});`;
  const mainName = `main-${fakeHash(main)}.js`;
  const route = `export const route = ${JSON.stringify(variant)};`;
  const logo = Buffer.from([0x89, 0x50, 0x4e, 0x47, ...Buffer.from(variant)]);
  const files: Record<string, string | Buffer> = {
    'index.html': `<!doctype html><script type="module" src="./${mainName}"></script>`,
    [mainName]: main,
    [`${mainName}.map`]: `{"version":3,"sources":[${JSON.stringify(variant)}],"mappings":""}`,
    [`chunks/route-${fakeHash(route)}.js`]: route,
    [`assets/logo-${fakeHash(logo.toString('hex'))}.png`]: logo,
  };
  for (let i = 0; i < extra; i++) files[`chunks/extra-${String(i).padStart(4, '0')}-${fakeHash(`${variant}${i}`)}.js`] = `export default ${i};`;
  return files;
}
