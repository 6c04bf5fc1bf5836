import type { AssetManifest } from '../bundle/asset-manifest.js';
import { readStoredManifest } from './publish-bundle.js';
import { assertSafeName, type Store } from './store.js';

/** One published version, as `tessera versions` lists it. */
export interface VersionInfo {
  version: string;
  commit: string | null;
  buildId: string;
  builtAt: string;
  files: number;
  bytes: number;
  entries: AssetManifest['entries'];
}

/**
 * The published versions of an app, newest first. A version directory without its
 * manifest is an upload that never committed: it does not exist and is left out.
 */
export async function readVersions(store: Store, app: string): Promise<VersionInfo[]> {
  assertSafeName('app', app);
  const names = await store.listChildren(`apps/${app}/`);
  const manifests = await Promise.all(names.filter((n) => /^[A-Za-z0-9._-]+$/.test(n)).map((n) => readStoredManifest(store, app, n)));
  return manifests
    .filter((m): m is AssetManifest => m !== null)
    .map((m) => ({ version: m.version, commit: m.commit, buildId: m.buildId, builtAt: m.builtAt, files: m.files.length, bytes: m.files.reduce((n, f) => n + f.size, 0), entries: m.entries }))
    .sort((a, b) => (a.builtAt < b.builtAt ? 1 : a.builtAt > b.builtAt ? -1 : a.version < b.version ? -1 : 1));
}
