import { TesseraError } from '../errors/tessera-error.js';
import { readStoredManifest } from '../store/publish-bundle.js';
import { computeAppSegment, type Store } from '../store/store.js';
import { computeNextRelease, type ReleaseAction } from './next-release.js';
import { createEmptyRelease, validateReleaseManifest, type ReleaseManifest } from './release-manifest.js';

/** An app's release manifest as stored, with the tag a compare-and-swap write must name. */
export interface TaggedRelease {
  manifest: ReleaseManifest;
  /** The stored object's ETag; null when the app has no manifest yet. */
  etag: string | null;
}

/** Where an app's release manifest lives in the store. */
export const releaseKey = (app: string) => `releases/${computeAppSegment(app)}.json`;

/** Reads an app's release manifest (an empty one when it was never released). */
export async function readRelease(store: Store, app: string): Promise<TaggedRelease> {
  const stored = await store.readTagged(releaseKey(app));
  if (!stored) return { manifest: createEmptyRelease(app), etag: null };
  return { manifest: parseRelease(stored.body, `${store.location}/${releaseKey(app)}`), etag: stored.etag };
}

/** Parses and checks a stored manifest; a corrupt one is an error that lists every problem. */
export function parseRelease(body: Uint8Array, file: string): ReleaseManifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (error) {
    throw new TesseraError('TESSERA_RELEASE_MANIFEST_CORRUPT', `${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const { manifest, errors } = validateReleaseManifest(json, file);
  if (!manifest) throw new TesseraError('TESSERA_RELEASE_MANIFEST_CORRUPT', `${file} is not a valid release manifest (${errors.length} problem(s))`, { problems: errors });
  return manifest;
}

/** True when the app's version has a bundle manifest: the publish commit point. */
export async function isVersionPublished(store: Store, app: string, version: string): Promise<boolean> {
  // readStoredManifest refuses a name unsafe as a path (TESSERA_UNSAFE_NAME) before any I/O.
  return (await readStoredManifest(store, app, version)) !== null;
}

export interface UpdateReleaseOptions {
  actor: string;
  now?: () => number;
  /** How many lost races to re-apply the action after. @default 20 */
  maxAttempts?: number;
}

export interface UpdateReleaseResult {
  manifest: ReleaseManifest;
  changed: boolean;
  /** Writes that lost a race and were re-applied. */
  retries: number;
}

/**
 * Applies one action to an app's release with compare-and-swap: read the manifest and its
 * ETag, compute the next one, write it only if the ETag is unchanged. A lost race re-reads and
 * re-applies the action; when the action no longer fits the state another writer left, it
 * fails with TESSERA_RELEASE_CONFLICT instead of overwriting that writer's change.
 */
export async function updateRelease(store: Store, app: string, action: ReleaseAction, options: UpdateReleaseOptions): Promise<UpdateReleaseResult> {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 20;
  const published = new Map<string, boolean>();
  const versionsToCheck = [('version' in action && action.version) || null, (action.type === 'rollback' && action.to) || null].filter((v): v is string => Boolean(v));
  for (const version of versionsToCheck) published.set(version, await isVersionPublished(store, app, version));
  for (let attempt = 0; ; attempt++) {
    const { manifest, etag } = await readRelease(store, app);
    // A rollback without --to picks its target from the history it just read.
    if (action.type === 'rollback' && !action.to) {
      for (const entry of manifest.history) if (entry.to && !published.has(entry.to)) published.set(entry.to, await isVersionPublished(store, app, entry.to));
    }
    const result = computeNextRelease(manifest, action, { now: now(), actor: options.actor, isPublished: (v) => published.get(v) ?? false });
    if (!result.ok) {
      if (attempt === 0) throw result.error;
      throw new TesseraError('TESSERA_RELEASE_CONFLICT', `${app}: another release changed ${releaseKey(app)} while this ${action.type} was being written, and it no longer applies: ${result.error.message}`, { cause: result.error, problems: result.error.problems });
    }
    if (!result.changed) return { manifest, changed: false, retries: attempt };
    const body = Buffer.from(JSON.stringify(result.manifest, null, 2) + '\n');
    if (await store.putIfMatch(releaseKey(app), body, { contentType: 'application/json', cacheControl: 'no-cache' }, etag)) {
      return { manifest: result.manifest, changed: true, retries: attempt };
    }
    if (attempt + 1 >= maxAttempts) {
      throw new TesseraError('TESSERA_RELEASE_CONFLICT', `${app}: ${releaseKey(app)} kept changing under this ${action.type} (${maxAttempts} attempts)`, { hint: 'Something is rewriting the manifest in a loop; check for a runaway `tessera release` script, then try again.' });
    }
    // Jittered backoff so racing writers spread out instead of colliding again.
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
  }
}

/** Every app's release manifest in the store (apps that were never released are absent). */
export async function readAllReleases(store: Store, apps: readonly string[]): Promise<Map<string, TaggedRelease>> {
  const releases = new Map<string, TaggedRelease>();
  for (const app of apps) {
    const release = await readRelease(store, app);
    if (release.etag !== null) releases.set(app, release);
  }
  return releases;
}
