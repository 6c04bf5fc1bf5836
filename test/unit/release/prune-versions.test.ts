import { describe, expect, it } from 'vitest';
import { pruneVersions } from '../../../tools/src/release/prune-versions.js';
import { updateRelease } from '../../../tools/src/release/update-release.js';
import { readVersions } from '../../../tools/src/store/read-versions.js';
import { createFsStore } from '../../../tools/src/store/fs-store.js';
import type { Store } from '../../../tools/src/store/store.js';
import { publishTestBundle } from '../../support/publish-test-bundle.js';
import { useTempDirs } from '../../support/temp-dirs.js';

const tempDir = useTempDirs('prune-versions');
const H = 3_600_000;
const headers = { contentType: 'application/json', cacheControl: 'no-cache' };

/**
 * A store with web@v1 live, web@v2 published and never released, and three uploads that stopped
 * before their manifest (dead, late-commit, late-write); read two hours on, with a 1h retention,
 * v2 and all three uploads are due for deletion.
 */
async function setUp(): Promise<{ store: Store; manifests: Map<string, Buffer> }> {
  const store = createFsStore(tempDir());
  for (const v of ['v1', 'v2']) await publishTestBundle(store, 'web', v, {});
  await updateRelease(store, 'web', { type: 'start', version: 'v1' }, { actor: 'test' });
  const manifests = new Map<string, Buffer>();
  for (const v of ['dead', 'late-commit', 'late-write']) {
    await publishTestBundle(store, 'web', v, { 'main.js': `console.log('${v}')` });
    // An upload interrupted before its commit point: the files, no manifest.
    manifests.set(v, (await store.get(`apps/web/${v}/manifest.json`))!);
    await store.delete(`apps/web/${v}/manifest.json`);
  }
  return { store, manifests };
}

/** Runs `race(prefix)` right before every listing of a prefix that was listed before: prune's re-check. */
function onRelist(store: Store, race: (prefix: string) => Promise<void>): Store {
  const listed = new Set<string>();
  return {
    ...store,
    location: store.location,
    async listObjects(prefix) {
      if (listed.has(prefix)) await race(prefix);
      listed.add(prefix);
      return store.listObjects(prefix);
    },
  };
}

const names = (ds: Array<{ app: string; version: string }>) => ds.map((d) => `${d.app}@${d.version}`);

describe('pruneVersions', () => {
  it('keeps an unfinished upload that a publish committed or wrote to after the plan, and never deletes its manifest', async () => {
    const { store, manifests } = await setUp();
    const racing = onRelist(store, async (prefix) => {
      if (prefix === 'apps/web/late-commit/') await store.putIfAbsent(`${prefix}manifest.json`, manifests.get('late-commit')!, headers);
      if (prefix === 'apps/web/late-write/') await store.putIfAbsent(`${prefix}extra.js`, Buffer.from('x'), headers);
    });
    const result = await pruneVersions({ store: racing, apps: ['web'], retentionMs: H, now: () => Date.now() + 2 * H });
    expect(names(result.remove)).toEqual(['web@dead', 'web@v2']);
    expect(names(result.keep)).toEqual(['web@late-commit', 'web@late-write', 'web@v1']); // still sorted
    expect(result.keep[0]!.reason).toMatch(/^unfinished upload \(no manifest\), last written 2\.0 h ago; committed by a publish meanwhile$/);
    expect(result.keep[1]!.reason).toMatch(/; written to meanwhile: a publish is under way$/);
    expect(result.keep[2]!.reason).toBe('live');
    // The version committed meanwhile is whole; the one being written keeps every file.
    expect((await readVersions(store, 'web')).map((v) => v.version).sort()).toEqual(['late-commit', 'v1']);
    expect((await store.listObjects('apps/web/late-commit/')).map((o) => o.key)).toEqual(['apps/web/late-commit/index.html', 'apps/web/late-commit/main.js', 'apps/web/late-commit/manifest.json']);
    expect(await store.listObjects('apps/web/late-write/')).toHaveLength(3);
    expect((await store.listChildren('apps/web/')).sort()).toEqual(['late-commit', 'late-write', 'v1']);
  });

  it('removes versions and abandoned uploads outside the window, and on a dry run deletes nothing', async () => {
    const { store } = await setUp();
    const options = { store, apps: ['web'], retentionMs: H, now: () => Date.now() + 2 * H };
    const dry = await pruneVersions({ ...options, dryRun: true });
    expect(names(dry.remove)).toEqual(['web@dead', 'web@late-commit', 'web@late-write', 'web@v2']);
    expect((await store.listChildren('apps/web/')).sort()).toEqual(['dead', 'late-commit', 'late-write', 'v1', 'v2']);
    const done = await pruneVersions(options);
    expect(done).toEqual(dry);
    expect(await store.listChildren('apps/web/')).toEqual(['v1']);
  });

  it('inside the window deletes nothing', async () => {
    const { store } = await setUp();
    const result = await pruneVersions({ store, apps: ['web'], retentionMs: H });
    expect(result.remove).toEqual([]);
    expect(await store.listChildren('apps/web/')).toHaveLength(5);
  });
});
