import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileAtCommit } from '../git/read-repository.js';
import { type Lockfile, LOCKFILES, parseLockfile } from './parse-lockfile.js';

/** The lockfile at `commit` (or in the working tree when null), parsed; null when there is none or it cannot be parsed. */
export async function readHeadLockfile(root: string, commit: string | null): Promise<Lockfile | null> {
  for (const name of LOCKFILES) {
    const text = commit ? await readFileAtCommit(root, commit, name) : existsSync(join(root, name)) ? readFileSync(join(root, name), 'utf8') : null;
    if (text !== null) {
      try {
        return parseLockfile(name, text);
      } catch {
        return null;
      }
    }
  }
  return null;
}
