import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeBlobId, createLockfileCache } from '../../../tools/src/workspace/lockfile-cache.js';
import { parseLockfile, UnreadableLockfile } from '../../../tools/src/workspace/parse-lockfile.js';
import { BASE, LOCK_FORMATS } from '../../support/lockfile-fixtures.js';
import { useTempDirs } from '../../support/temp-dirs.js';

const tempDir = useTempDirs('lockfile-cache');
const pnpm = LOCK_FORMATS.find((f) => f.format === 'pnpm v9')!.text(BASE);

describe('the lockfile cache', () => {
  it('keys by git blob id, the same as git hash-object', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pnpm-lock.yaml'), pnpm);
    expect(computeBlobId(pnpm)).toBe(execFileSync('git', ['hash-object', join(dir, 'pnpm-lock.yaml')], { encoding: 'utf8' }).trim());
  });

  it('writes <cacheDir>/cache/lockfiles/<blob>.json and a fresh process reads it back', () => {
    const dir = tempDir();
    const model = createLockfileCache({ dir }).load('pnpm-lock.yaml', pnpm);
    const file = join(dir, 'cache', 'lockfiles', `${computeBlobId(pnpm)}.json`);
    expect(existsSync(file)).toBe(true);
    // Marking the stored integrity proves the second cache read the file instead of parsing.
    writeFileSync(file, readFileSync(file, 'utf8').replace('sha512-sched', 'sha512-from-disk'));
    const again = createLockfileCache({ dir }).load('pnpm-lock.yaml', pnpm);
    expect([...again.nodes.values()].find((n) => n.name === 'scheduler')!.integrity).toBe('sha512-from-disk');
    expect(again.importers).toEqual(model.importers);
  });

  it('parses again over a torn cache file', () => {
    const dir = tempDir();
    createLockfileCache({ dir }).load('pnpm-lock.yaml', pnpm);
    writeFileSync(join(dir, 'cache', 'lockfiles', `${computeBlobId(pnpm)}.json`), '{"format":1,"ids":[');
    expect(createLockfileCache({ dir }).load('pnpm-lock.yaml', pnpm)).toEqual(parseLockfile('pnpm-lock.yaml', pnpm));
  });

  it('keeps at most maxEntries in memory and remembers unreadable lockfiles as such', () => {
    const cache = createLockfileCache({ dir: null, maxEntries: 1 });
    const first = cache.load('pnpm-lock.yaml', pnpm);
    expect(cache.load('pnpm-lock.yaml', pnpm)).toBe(first);
    cache.load('pnpm-lock.yaml', pnpm + '\n');
    expect(cache.load('pnpm-lock.yaml', pnpm)).not.toBe(first);
    expect(() => cache.load('bun.lockb', 'binary')).toThrow(UnreadableLockfile);
    expect(() => cache.load('bun.lockb', 'binary')).toThrow(UnreadableLockfile);
  });
});
