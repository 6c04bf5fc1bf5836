/**
 * File names git allows and line-oriented tools break on: a newline, a tab, a leading dash.
 * Each goes through the real git binary in a real repository: `tessera affected` (working
 * tree, committed range, modified tracked file) and `tessera bundle`, and the blob ids
 * Tessera computes for many files at once against git's own, one file at a time.
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../tools/src/cli/main.js';
import { hashWorkingFiles, readDirtyPaths, readTreeEntries } from '../../tools/src/git/read-repository.js';
import { captureIo } from '../support/capture-io.js';
import { createEmptyRepo, createSampleRepo, type TestRepo } from '../support/sample-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

const NEWLINE = 'apps/profile/src/new\nline.ts';
const TAB_DASH = 'apps/catalog/src/-dash\ttab.ts';
const BOTH = 'apps/search/src/-\nboth\t.css';

async function affected(...args: string[]) {
  const io = captureIo(repo.dir);
  const code = await main(['affected', '--json', ...args], io);
  expect(code, io.err()).toBe(0);
  const doc = JSON.parse(io.out()) as { apps: { name: string; reasons: { detail: string }[] }[] };
  return Object.fromEntries(doc.apps.map((a) => [a.name, a.reasons.map((r) => r.detail).join('; ')]));
}

describe('file names with a newline, a tab or a leading dash', () => {
  it('tessera affected reads them untracked, committed and modified, and tessera bundle builds beside them', async () => {
    repo = createSampleRepo();
    repo.write(NEWLINE, 'export const odd = 1;\n');
    repo.write(TAB_DASH, 'export const odd = 2;\n');
    // Untracked, in the working tree: each file is hashed by git.
    const untracked = await affected('--base', 'HEAD');
    expect(Object.keys(untracked).sort()).toEqual(['catalog', 'profile']);
    expect(untracked.profile).toContain(NEWLINE);
    expect(untracked.catalog).toContain(TAB_DASH);

    repo.write(BOTH, '.odd { color: red }\n');
    repo.commit('odd names');
    // Committed: the names come from `git diff -z`.
    const committed = await affected('--base', 'HEAD~1', '--head', 'HEAD');
    expect(Object.keys(committed).sort()).toEqual(['catalog', 'profile', 'search']);
    expect(committed.search).toContain(BOTH);

    // Modified and tracked: `git status -z`, then hashed again.
    repo.write(BOTH, '.odd { color: blue }\n');
    expect(Object.keys(await affected('--base', 'HEAD'))).toEqual(['search']);

    const io = captureIo(repo.dir);
    expect(await main(['bundle', '--app', 'search'], io), io.err()).toBe(0);
    expect(io.out() + io.err()).toContain('bundled search');
  });

  it('hashes many files in batches, each id equal to git hash-object of that one file', async () => {
    repo = createEmptyRepo();
    // Names long enough that the paths span several git calls.
    const names = Array.from({ length: 3000 }, (_, i) => `${i % 3 === 0 ? '-' : ''}dir/${'n'.repeat(120)}-${i}${i % 2 ? '\n' : '\t'}.txt`);
    names.forEach((name, i) => repo.write(name, `content ${i}\n`));
    const dirty = await readDirtyPaths(repo.dir);
    expect(dirty.sort()).toEqual([...names].sort());
    const ids = await hashWorkingFiles(repo.dir, names);
    expect(ids.size).toBe(names.length);
    for (const i of [0, 1, 2, 1499, 2998, 2999]) {
      const own = execFileSync('git', ['hash-object', '--no-filters', '--', names[i]!], { cwd: repo.dir, encoding: 'utf8' }).trim();
      expect(ids.get(names[i]!), names[i]).toBe(own);
    }
    expect(new Set(ids.values()).size).toBe(names.length);
  });

  it('lists a commit\'s blobs by their exact names, marks symlinks, and skips a submodule', async () => {
    repo = createEmptyRepo();
    const names = [NEWLINE, TAB_DASH, BOTH, 'dir with spaces/a  b.ts', 'plain.ts'];
    names.forEach((name, i) => repo.write(name, `content ${i}\n`));
    symlinkSync('plain.ts', join(repo.dir, 'link.ts'));
    // A gitlink (a submodule's commit) is a tree entry of type commit, not a file.
    const head = repo.commit('odd names');
    repo.git('update-index', '--add', '--cacheinfo', `160000,${head},vendor/sub`);
    repo.git('commit', '-q', '-m', 'submodule');
    const entries = await readTreeEntries(repo.dir, 'HEAD');
    expect(entries.map((e) => e.path).sort()).toEqual([...names, 'link.ts'].sort());
    for (const entry of entries) {
      const own = execFileSync('git', ['rev-parse', `HEAD:${entry.path}`], { cwd: repo.dir, encoding: 'utf8' }).trim();
      expect(entry.blob, entry.path).toBe(own);
      expect(entry.symlink, entry.path).toBe(entry.path === 'link.ts');
    }
  });
});
