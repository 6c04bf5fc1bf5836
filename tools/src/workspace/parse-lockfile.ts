import type { LockfileModel } from './lockfile-model.js';
import { parseBunLock } from './lockfiles/parse-bun-lock.js';
import { parseNpmLock } from './lockfiles/parse-npm-lock.js';
import { parsePnpmLock } from './lockfiles/parse-pnpm-lock.js';
import { parseYarnLock } from './lockfiles/parse-yarn-lock.js';

export { LOCKFILES, type LockfileModel, type LockNode } from './lockfile-model.js';

/** Thrown for a lockfile Tessera cannot read: malformed, or a format it has no reader for. */
export class UnreadableLockfile extends Error {}

/**
 * Parses any supported lockfile, chosen by file name, into each importer's resolved
 * dependency tree (lockfile-model.ts). Pure. Throws UnreadableLockfile, saying why.
 */
export function parseLockfile(file: string, text: string): LockfileModel {
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (name === 'bun.lockb') throw new UnreadableLockfile(`${file} is bun's binary lockfile, which Tessera cannot read; run \`bun install --save-text-lockfile\` to write bun.lock`);
  try {
    if (name === 'pnpm-lock.yaml') return parsePnpmLock(text);
    if (name === 'yarn.lock') return parseYarnLock(text);
    if (name === 'bun.lock') return parseBunLock(text);
    return parseNpmLock(text);
  } catch (error) {
    throw new UnreadableLockfile(`${file} cannot be parsed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
