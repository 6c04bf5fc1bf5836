import { readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsStore } from '../../tools/src/store/fs-store.js';
import { publishBundle } from '../../tools/src/store/publish-bundle.js';
import { makeBundleDir, sampleFiles } from '../support/bundle-fixture.js';
import { describeStoreContract } from '../support/store-contract.js';
import { useTempDirs } from '../support/temp-dirs.js';

const makeStoreDir = useTempDirs('store', 'all');

describeStoreContract('file-system', async () => {
  const dir = makeStoreDir();
  return async () => createFsStore(dir);
});

describe('file-system store layout', () => {
  it('lays out apps/<app>/<version>/<files>, leaves no temporary files, and refuses keys outside its directory', async () => {
    const root = makeStoreDir();
    const store = createFsStore(root);
    const { dir, manifest } = makeBundleDir('catalog', 'abc123', sampleFiles('layout'));
    await publishBundle({ store, dir });
    const versionDir = join(root, 'apps', 'catalog', 'abc123');
    const listed = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? listed(join(d, n)).map((c) => `${n}/${c}`) : [n]));
    expect(listed(versionDir).sort()).toEqual([...manifest.files.map((f) => f.path), 'manifest.json'].sort());
    await expect(store.putIfAbsent('../outside.txt', Buffer.from('x'), { contentType: 'text/plain', cacheControl: 'no-cache' })).rejects.toMatchObject({ code: 'TESSERA_UNSAFE_NAME' });
  });

  it('a compare-and-swap waits for another writer\'s lock instead of losing at once, and breaks a stale one', async () => {
    const root = makeStoreDir();
    const store = createFsStore(root);
    const options = { contentType: 'application/json', cacheControl: 'no-cache' };
    expect(await store.putIfMatch('releases/web.json', Buffer.from('{"n":1}'), options, null)).toBe(true);
    const { etag } = (await store.readTagged('releases/web.json'))!;
    // A writer holds the lock and lets go without changing the object: the waiting write goes through.
    writeFileSync(join(root, 'releases/web.json.lock'), '1');
    const waiting = store.putIfMatch('releases/web.json', Buffer.from('{"n":2}'), options, etag);
    await new Promise((resolve) => setTimeout(resolve, 100));
    rmSync(join(root, 'releases/web.json.lock'));
    expect(await waiting).toBe(true);
    // A lock left by a writer that died long ago is broken.
    writeFileSync(join(root, 'releases/web.json.lock'), '1');
    utimesSync(join(root, 'releases/web.json.lock'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(await store.putIfMatch('releases/web.json', Buffer.from('{"n":3}'), options, (await store.readTagged('releases/web.json'))!.etag)).toBe(true);
    expect((await store.get('releases/web.json'))!.toString()).toBe('{"n":3}');
  });
});
