import { computeStoredPath, isAssetManifest, MANIFEST_FILE, type AssetEntry, type AssetManifest } from '../bundle/asset-manifest.js';
import { computeVersionPrefix, type Store } from '../store/store.js';

/** One file of a published bundle, ready to send. */
export interface CachedFile {
  entry: AssetEntry;
  body: Buffer;
}

/** Versions' manifests and files, kept in memory in front of the store. */
export interface BundleCache {
  /** The asset manifest of a published version, or null when it is not published. */
  readManifest(app: string, version: string): Promise<AssetManifest | null>;
  /** A file of a published version, or null when the version has no such file. */
  readFile(app: string, version: string, path: string): Promise<CachedFile | null>;
  /** The file if it is in memory now (no I/O, no promise: the edge's fast path). */
  peekFile(app: string, version: string, path: string): CachedFile | undefined;
  /** The version's manifest if it has been read already. */
  peekManifest(app: string, version: string): AssetManifest | undefined;
}

/**
 * A byte-bounded LRU over the store. Published versions never change, so an entry never goes
 * stale: there is nothing to invalidate, only memory to bound. Concurrent misses for one file
 * share one store read.
 */
export function createBundleCache(store: Store, maxBytes = 256 * 1024 * 1024): BundleCache {
  const manifests = new Map<string, Promise<AssetManifest | null>>();
  const readManifests = new Map<string, AssetManifest>();
  const files = new Map<string, CachedFile>();
  const pending = new Map<string, Promise<CachedFile | null>>();
  let bytes = 0;

  function remember(key: string, file: CachedFile) {
    if (file.body.byteLength > maxBytes / 4) return;
    files.set(key, file);
    bytes += file.body.byteLength;
    for (const [oldKey, old] of files) {
      if (bytes <= maxBytes) break;
      files.delete(oldKey);
      bytes -= old.body.byteLength;
    }
  }

  const cache: BundleCache = {
    peekFile(app, version, path) {
      const key = `${app}/${version}/${path}`;
      const hit = files.get(key);
      if (hit) {
        // Keep the LRU order true: a hot file must not age out.
        files.delete(key);
        files.set(key, hit);
      }
      return hit;
    },
    peekManifest: (app, version) => readManifests.get(`${app}/${version}`),
    readManifest(app, version) {
      const key = `${app}/${version}`;
      let manifest = manifests.get(key);
      if (!manifest) {
        manifest = store.get(`${computeVersionPrefix(app, version)}${MANIFEST_FILE}`).then((body) => {
          if (!body) {
            manifests.delete(key); // not published (yet): ask again next time
            return null;
          }
          const json: unknown = JSON.parse(body.toString('utf8'));
          if (!isAssetManifest(json)) return null;
          readManifests.set(key, json);
          return json;
        }, (error: unknown) => {
          manifests.delete(key);
          throw error;
        });
        manifests.set(key, manifest);
      }
      return manifest;
    },
    async readFile(app, version, path) {
      const hit = cache.peekFile(app, version, path);
      if (hit) return hit;
      const key = `${app}/${version}/${path}`;
      let read = pending.get(key);
      if (!read) {
        read = (async () => {
          const manifest = await cache.readManifest(app, version);
          const entry = manifest?.files.find((f) => f.path === path);
          if (!entry) return null;
          const body = await store.get(`${computeVersionPrefix(app, version)}${computeStoredPath(path)}`);
          if (!body) return null;
          const file = { entry, body };
          remember(key, file);
          return file;
        })().finally(() => pending.delete(key));
        pending.set(key, read);
      }
      return read;
    },
  };
  return cache;
}
