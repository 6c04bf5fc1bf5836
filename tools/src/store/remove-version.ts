import { MANIFEST_FILE } from '../bundle/asset-manifest.js';
import { computeVersionPrefix, type Store } from './store.js';

/**
 * Deletes a published version. The manifest goes first: it is the commit point, so from that
 * moment the version no longer exists for anyone, and a crash half-way leaves only files that
 * a later prune removes — never a manifest pointing at missing files.
 */
export async function removeVersion(store: Store, app: string, version: string): Promise<number> {
  const prefix = computeVersionPrefix(app, version);
  await store.delete(`${prefix}${MANIFEST_FILE}`);
  const keys = await store.listKeys(prefix);
  for (const key of keys) await store.delete(key);
  return keys.length + 1;
}
