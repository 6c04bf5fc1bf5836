import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import type { Store, StoredObject } from './store.js';

function isCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException)?.code ?? '');
}

/**
 * The embedded store: a directory (`.tessera/store` by default). An object is written to a
 * temporary name and then hard-linked to its key: `link` fails when the key exists, so the
 * create is exclusive and atomic (nobody ever sees half a file). Headers are not stored:
 * they follow from the name (computeContentType, computeCacheControl) when served.
 */
export function createFsStore(dir: string): Store {
  const root = resolve(dir);
  const pathOf = (key: string) => {
    const path = resolve(root, key);
    if (!path.startsWith(root + sep)) throw new TesseraError('TESSERA_UNSAFE_NAME', `The store key ${JSON.stringify(key)} leaves the store directory ${root}`);
    return path;
  };
  const failed = (what: string, error: unknown) =>
    new TesseraError('TESSERA_STORE_FAILED', `Could not ${what} in the store at ${root}: ${(error as Error).message}`, { cause: error });
  return {
    location: root,
    async putIfAbsent(key, body) {
      const path = pathOf(key);
      const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(temp, body, { flag: 'wx' });
        await link(temp, path);
        return 'created';
      } catch (error) {
        if (isCode(error, 'EEXIST')) return 'exists';
        throw failed(`write ${key}`, error);
      } finally {
        await unlink(temp).catch(() => {});
      }
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if (isCode(error, 'ENOENT', 'ENOTDIR')) return null;
        throw failed(`read ${key}`, error);
      }
    },
    async has(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (error) {
        if (isCode(error, 'ENOENT', 'ENOTDIR')) return false;
        throw failed(`read ${key}`, error);
      }
    },
    async listChildren(prefix) {
      try {
        const entries = await readdir(pathOf(prefix), { withFileTypes: true });
        return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
      } catch (error) {
        if (isCode(error, 'ENOENT', 'ENOTDIR')) return [];
        throw failed(`list ${prefix}`, error);
      }
    },
    async close() {},
    async readTagged(key) {
      const body = await this.get(key);
      return body && { body, etag: computeEtag(body) };
    },
    async putIfMatch(key, body, _options, etag) {
      const path = pathOf(key);
      const lock = `${path}.lock`;
      await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => {
        throw failed(`write ${key}`, error);
      });
      if (!(await takeLock(lock))) return false;
      try {
        const current = await readFile(path).catch((error: unknown) => {
          if (isCode(error, 'ENOENT')) return null;
          throw failed(`read ${key}`, error);
        });
        if ((current ? computeEtag(current) : null) !== etag) return false;
        // Readers see the old or the new manifest, never half of one.
        const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
        try {
          await writeFile(temp, body, { flag: 'wx' });
          await rename(temp, path);
        } catch (error) {
          await unlink(temp).catch(() => {});
          throw failed(`write ${key}`, error);
        }
        return true;
      } finally {
        await unlink(lock).catch(() => {});
      }
    },
    async listObjects(prefix) {
      const start = pathOf(prefix);
      const objects: StoredObject[] = [];
      const walk = async (dir: string, rel: string) => {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          if (isCode(error, 'ENOENT', 'ENOTDIR')) return;
          throw failed(`list ${prefix}`, error);
        }
        for (const e of entries) {
          if (e.name.endsWith('.tmp') || e.name.endsWith('.lock')) continue;
          if (e.isDirectory()) await walk(join(dir, e.name), `${rel}${e.name}/`);
          else {
            const info = await stat(join(dir, e.name)).catch(() => null);
            if (info) objects.push({ key: `${prefix}${rel}${e.name}`, modifiedAt: info.mtimeMs });
          }
        }
      };
      await walk(start, '');
      return objects.sort((a, b) => (a.key < b.key ? -1 : 1));
    },
    async delete(key) {
      const path = pathOf(key);
      try {
        await rm(path, { force: true });
      } catch (error) {
        throw failed(`delete ${key}`, error);
      }
      // Empty directories would list as versions that hold nothing: remove them up to the root.
      for (let dir = dirname(path); dir.startsWith(root + sep); dir = dirname(dir)) {
        if (!(await rmdir(dir).then(() => true, () => false))) break;
      }
    },
  };
}

/** The fs store's entity tag: a hash of the content, so equal bytes mean an unchanged object. */
function computeEtag(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
}

/** A lock older than this was left by a writer that died; it is broken. */
const STALE_LOCK_MS = 10_000;
/** How long a writer waits for another's lock before it reports a lost race. */
const LOCK_WAIT_MS = 2_000;

/**
 * Takes an exclusive lock file (O_EXCL create). A live holder means another write is under
 * way: it waits for that one (up to LOCK_WAIT_MS), after which the caller most often finds
 * the object changed and re-reads; false when the holder kept it longer.
 */
async function takeLock(lock: string): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
    }
    const info = await stat(lock).catch(() => null);
    if (info && Date.now() - info.mtimeMs >= STALE_LOCK_MS) {
      await unlink(lock).catch(() => {});
      continue;
    }
    // Held by a writer that is working: wait for it rather than count a lost round at once.
    // A caller's retries are for the manifest having changed, and a writer slowed down by a
    // busy machine would otherwise burn them all in a few milliseconds.
    if (Date.now() - started >= LOCK_WAIT_MS) return false;
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
  }
}
