import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { computeAssetEntry, MANIFEST_FILE, type AssetManifest } from '../../tools/src/bundle/asset-manifest.js';
import { publishBundle } from '../../tools/src/store/publish-bundle.js';
import type { Store } from '../../tools/src/store/store.js';

/**
 * Publishes a small hand-written bundle (an index.html plus the given files) through the real
 * publish path, for tests of releases and the edge that need many versions quickly.
 */
export async function publishTestBundle(store: Store, app: string, version: string, files: Record<string, string>): Promise<AssetManifest> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bundle-'));
  try {
    const all: Record<string, string> = { 'index.html': `<!doctype html><html><head><title>${app} ${version}</title></head><body>${app} ${version}</body></html>`, ...files };
    for (const [path, text] of Object.entries(all)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const manifest: AssetManifest = {
      schema: 1,
      app,
      version,
      commit: null,
      buildId: `test:${version}`,
      builtAt: new Date().toISOString(),
      entries: { html: 'index.html', scripts: Object.keys(files).filter((f) => f.endsWith('.js')), styles: [] },
      files: Object.entries(all).map(([path, text]) => computeAssetEntry(path, Buffer.from(text))).sort((a, b) => a.path.localeCompare(b.path)),
    };
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
    await publishBundle({ store, dir });
    return manifest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
