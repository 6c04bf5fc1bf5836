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
