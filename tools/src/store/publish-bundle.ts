import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { type AssetManifest, computeBundleIdentity, computeIntegrity, computeManifestDifferences, computeStoredPath, isAssetManifest, MANIFEST_FILE } from '../bundle/asset-manifest.js';
import { NO_CACHE } from '../bundle/content-types.js';
import { TesseraError } from '../errors/tessera-error.js';
import { assertSafeFilePath, computeVersionPrefix, type Store } from './store.js';

export interface PublishBundleOptions {
  store: Store;
  /** A directory `tessera bundle` wrote (files plus manifest.json)… */
  dir?: string;
  /** …or a bundle already read (an app's own build output, see readBuildOutput). */
  bundle?: { manifest: AssetManifest; bodies: Map<string, Buffer> };
  /** Files uploaded at once. @default 8 */
  concurrency?: number;
  /** Called after each file is stored (or found already there). */
  onFile?: (path: string, result: 'created' | 'exists') => void;
}

export interface PublishBundleResult {
  app: string;
  version: string;
  /** `published`: this call committed the version; `unchanged`: it was already there, identical. */
  status: 'published' | 'unchanged';
  files: number;
  bytes: number;
  location: string;
}

/** Reads and checks a bundle directory: its manifest, and every file against its integrity. */
export async function readBundleDir(dir: string): Promise<{ manifest: AssetManifest; bodies: Map<string, Buffer> }> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    throw new TesseraError('TESSERA_BUNDLE_NOT_FOUND', `No readable ${MANIFEST_FILE} in ${dir}`, { cause: error });
  }
  if (!isAssetManifest(manifest)) throw new TesseraError('TESSERA_BUNDLE_NOT_FOUND', `${join(dir, MANIFEST_FILE)} is not a Tessera asset manifest`);
  computeVersionPrefix(manifest.app, manifest.version);
  const bodies = new Map<string, Buffer>();
  for (const file of manifest.files) {
    assertSafeFilePath(file.path);
    const body = await readFile(join(dir, file.path)).catch(() => null);
    if (!body || computeIntegrity(body) !== file.integrity) {
      throw new TesseraError('TESSERA_BUNDLE_NOT_FOUND', `${join(dir, file.path)} is ${body ? 'not the file' : 'missing, though'} ${MANIFEST_FILE} lists`, { hint: 'The bundle directory was changed after `tessera bundle` wrote it; bundle again.' });
    }
    bodies.set(file.path, body);
  }
  return { manifest, bodies };
}

/** Reads a stored manifest; null when the version does not exist (no manifest: never committed). */
export async function readStoredManifest(store: Store, app: string, version: string): Promise<AssetManifest | null> {
  const body = await store.get(computeVersionPrefix(app, version) + MANIFEST_FILE);
  if (!body) return null;
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (!isAssetManifest(parsed)) throw new TesseraError('TESSERA_STORE_FAILED', `${store.location}: ${computeVersionPrefix(app, version)}${MANIFEST_FILE} is not a Tessera asset manifest`);
  return parsed;
}

function conflict(store: Store, mine: AssetManifest, theirs: AssetManifest | null, detail: string): TesseraError {
  const differences = theirs ? computeManifestDifferences(theirs, mine) : [];
  return new TesseraError('TESSERA_VERSION_CONFLICT', `${mine.app} version ${mine.version} is already in ${store.location} with different content: ${detail}${differences.length ? ` (${differences.slice(0, 5).join(', ')}${differences.length > 5 ? ', …' : ''})` : ''}`);
}

/**
 * Publishes one bundle under `apps/<app>/<version>/`: every file by exclusive create, then
 * manifest.json last, which commits the version (until it is there, the version does not
 * exist and a retry completes it). Publishing identical content again is a no-op; different
 * content under an existing version is TESSERA_VERSION_CONFLICT, and the committed version
 * is left exactly as it was.
 */
export async function publishBundle(options: PublishBundleOptions): Promise<PublishBundleResult> {
  const { store } = options;
  const { manifest, bodies } = options.bundle ?? (await readBundleDir(options.dir!));
  for (const file of manifest.files) assertSafeFilePath(file.path);
  const prefix = computeVersionPrefix(manifest.app, manifest.version);
  const identity = computeBundleIdentity(manifest);
  const result = (status: PublishBundleResult['status']): PublishBundleResult => ({
    app: manifest.app, version: manifest.version, status, files: manifest.files.length, bytes: manifest.files.reduce((n, f) => n + f.size, 0), location: store.location,
  });

  const existing = await readStoredManifest(store, manifest.app, manifest.version);
  if (existing) {
    if (computeBundleIdentity(existing) === identity) return result('unchanged');
    throw conflict(store, manifest, existing, 'the stored files differ');
  }

  const limit = pLimit(options.concurrency ?? 8);
  await Promise.all(
    manifest.files.map((file) =>
      limit(async () => {
        const put = await store.putIfAbsent(prefix + computeStoredPath(file.path), bodies.get(file.path)!, { contentType: file.contentType, cacheControl: file.cacheControl });
        if (put === 'exists') {
          // Left by an interrupted upload or written by a concurrent publisher: fine when it
          // is the same bytes; otherwise someone is publishing other content as this version.
          const stored = await store.get(prefix + computeStoredPath(file.path));
          if (stored && computeIntegrity(stored) !== file.integrity) throw conflict(store, manifest, null, `${file.path} is already stored with other bytes`);
        }
        options.onFile?.(file.path, put);
      }),
    ),
  );

  const committed = await store.putIfAbsent(prefix + MANIFEST_FILE, Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), { contentType: 'application/json', cacheControl: NO_CACHE });
  if (committed === 'created') {
    await repairAfterCommit(store, prefix, manifest, bodies);
    return result('published');
  }
  const winner = await readStoredManifest(store, manifest.app, manifest.version);
  if (winner && computeBundleIdentity(winner) === identity) return result('unchanged');
  throw conflict(store, manifest, winner, 'another publisher committed it first');
}

/** How often a publish re-uploads files that went missing right after its commit. */
const REPAIR_ATTEMPTS = 3;

/**
 * Files that were found already stored ('exists') belonged to an earlier, interrupted upload,
 * and `tessera release prune` deletes such an upload once it is an hour old. It checks for a
 * manifest first, but a retried publish can commit in the moment between that check and the
 * deletes. So once committed, the version's listing is checked, and whatever it lacks is
 * uploaded again: the manifest never points at missing files for longer than this takes.
 */
async function repairAfterCommit(store: Store, prefix: string, manifest: AssetManifest, bodies: Map<string, Buffer>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const stored = new Set((await store.listObjects(prefix)).map((o) => o.key));
    const missing = manifest.files.filter((f) => !stored.has(prefix + computeStoredPath(f.path)));
    if (missing.length === 0) return;
    if (attempt > REPAIR_ATTEMPTS) {
      throw new TesseraError('TESSERA_STORE_FAILED', `${store.location}: ${missing.length} file(s) of ${manifest.app} version ${manifest.version} keep disappearing after it was committed (${missing.slice(0, 3).map((f) => f.path).join(', ')})`, {
        hint: 'Something is deleting the version while it is published: stop any `tessera release prune` that runs against this store, then publish again.',
      });
    }
    for (const file of missing) await store.putIfAbsent(prefix + computeStoredPath(file.path), bodies.get(file.path)!, { contentType: file.contentType, cacheControl: file.cacheControl });
  }
}
