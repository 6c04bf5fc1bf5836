import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import type { Store } from './store.js';

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
  };
}
