import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileAtCommit } from '../git/read-repository.js';
import { createLockfileCache, type LockfileCache } from './lockfile-cache.js';
import { LOCKFILES, type LockfileModel } from './lockfile-model.js';

const caches = new Map<string, LockfileCache>();

/**
 * The process's lockfile cache for `<root>/<cacheDir>` (memory only when cacheDir is null):
 * one per directory, so a long-lived service parses each lockfile blob once.
 */
export function readLockfileCache(root: string, cacheDir: string | null): LockfileCache {
  const dir = cacheDir === null ? '' : join(root, cacheDir);
  let cache = caches.get(dir);
  if (!cache) caches.set(dir, (cache = createLockfileCache({ dir: dir || null })));
  return cache;
}

/**
 * The lockfile at `commit` (or in the working tree when null), as each importer's resolved
 * tree; null when there is none or it cannot be read (app versions then pin packages by
 * name only). Parsed once per blob, through the cache under `<root>/<cacheDir>`.
 */
export async function readHeadLockfile(root: string, commit: string | null, cacheDir: string | null = null): Promise<LockfileModel | null> {
  for (const name of LOCKFILES) {
    const text = commit ? await readFileAtCommit(root, commit, name) : existsSync(join(root, name)) ? readFileSync(join(root, name), 'utf8') : null;
    if (text !== null) {
      try {
        return readLockfileCache(root, cacheDir).load(name, text);
      } catch {
        return null;
      }
    }
  }
  return null;
}
