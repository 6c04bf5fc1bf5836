import { MANIFEST_FILE } from '../bundle/asset-manifest.js';
import { computeVersionPrefix, type Store } from './store.js';

/**
 * Deletes a published version, or the files of an upload that never committed. The manifest
 * goes first: it is the commit point, so from that moment the version no longer exists for
 * anyone, and a crash half-way leaves an unfinished upload (files, no manifest) that
 * `tessera release prune` removes — never a manifest pointing at missing files.
 */
export async function removeVersion(store: Store, app: string, version: string): Promise<number> {
  const prefix = computeVersionPrefix(app, version);
  await store.delete(`${prefix}${MANIFEST_FILE}`);
  const objects = await store.listObjects(prefix);
  for (const { key } of objects) await store.delete(key);
  return objects.length + 1;
}

/** What {@link removeUnfinishedUpload} found. */
export type UnfinishedRemoval = 'removed' | 'committed' | 'active';

/**
 * Deletes the files of an upload that never committed, as `tessera release prune` planned
 * from an earlier listing, unless the upload changed since: a manifest appeared (a retried
 * publish committed the version: deleting now would break it) or files were added or
 * rewritten (a publish is under way). It never deletes a manifest. A publish that commits in
 * the moment between this check and the deletes finds its files missing right after its
 * commit and uploads them again (see publishBundle).
 */
export async function removeUnfinishedUpload(store: Store, app: string, version: string, seen: { files: number; lastWriteAt: number }): Promise<UnfinishedRemoval> {
  const prefix = computeVersionPrefix(app, version);
  const objects = await store.listObjects(prefix);
  if (objects.some((o) => o.key === `${prefix}${MANIFEST_FILE}`)) return 'committed';
  if (objects.length !== seen.files || objects.some((o) => o.modifiedAt > seen.lastWriteAt)) return 'active';
  for (const { key } of objects) await store.delete(key);
  return 'removed';
}
