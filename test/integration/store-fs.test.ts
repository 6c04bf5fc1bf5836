import { readdirSync, statSync } from 'node:fs';
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
});
