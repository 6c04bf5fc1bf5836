import type { AssetManifest } from '../bundle/asset-manifest.js';
import { readStoredManifest } from './publish-bundle.js';
import { assertSafeName, computeAppPrefix, computeVersionPrefix, type Store } from './store.js';

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
  const names = await store.listChildren(computeAppPrefix(app));
  const manifests = await Promise.all(names.filter((n) => /^[A-Za-z0-9._-]+$/.test(n)).map((n) => readStoredManifest(store, app, n)));
  return manifests
    .filter((m): m is AssetManifest => m !== null)
    .map((m) => ({ version: m.version, commit: m.commit, buildId: m.buildId, builtAt: m.builtAt, files: m.files.length, bytes: m.files.reduce((n, f) => n + f.size, 0), entries: m.entries }))
    .sort((a, b) => (a.builtAt < b.builtAt ? 1 : a.builtAt > b.builtAt ? -1 : a.version < b.version ? -1 : 1));
}

/** A version directory with files but no manifest: an upload that stopped, or one under way. */
export interface UnfinishedUpload {
  version: string;
  files: number;
  /** When its newest file was written, in ms since the epoch. */
  lastWriteAt: number;
}

/** The app's unfinished uploads: version directories whose manifest (the commit point) is missing. */
export async function readUnfinishedUploads(store: Store, app: string): Promise<UnfinishedUpload[]> {
  assertSafeName('app', app);
  const names = (await store.listChildren(computeAppPrefix(app))).filter((n) => /^[A-Za-z0-9._-]+$/.test(n));
  const uploads: UnfinishedUpload[] = [];
  for (const version of names) {
    if (await readStoredManifest(store, app, version)) continue;
    const objects = await store.listObjects(computeVersionPrefix(app, version));
    if (objects.length) uploads.push({ version, files: objects.length, lastWriteAt: Math.max(...objects.map((o) => o.modifiedAt)) });
  }
  return uploads;
}
