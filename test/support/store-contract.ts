/**
 * The behaviour every Store must have, as tests run against each implementation (the file
 * system, and S3 on a real radosgw): immutable versions, the manifest as the commit point,
 * retries that complete an interrupted upload, and races that leave one whole bundle.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeIntegrity, MANIFEST_FILE } from '../../tools/src/bundle/asset-manifest.js';
import { isTesseraError } from '../../tools/src/errors/tessera-error.js';
import { publishBundle, readStoredManifest } from '../../tools/src/store/publish-bundle.js';
import { readUnfinishedUploads, readVersions } from '../../tools/src/store/read-versions.js';
import { removeUnfinishedUpload } from '../../tools/src/store/remove-version.js';
import type { Store } from '../../tools/src/store/store.js';
import { makeBundleDir, removeBundleDirs, sampleFiles } from './bundle-fixture.js';

/** Checks that the committed version holds every file its manifest lists, byte for byte. */
export async function expectWholeBundle(store: Store, app: string, version: string) {
  const manifest = await readStoredManifest(store, app, version);
  expect(manifest, `${app}@${version} committed`).not.toBeNull();
  for (const file of manifest!.files) {
    const body = await store.get(`apps/${app}/${version}/${file.path}`);
    expect(body && computeIntegrity(body), file.path).toBe(file.integrity);
  }
  return manifest!;
}

/** A store that fails (like a dropped connection) after `okWrites` successful writes. */
export function interruptAfter(store: Store, okWrites: number): Store {
  let writes = 0;
  return {
    ...store,
    location: store.location,
    async putIfAbsent(key, body, options) {
      if (writes++ >= okWrites) throw new Error('connection reset (injected)');
      return store.putIfAbsent(key, body, options);
    },
  };
}

/** Registers the contract tests for one Store implementation. */
export function describeStoreContract(name: string, freshStore: () => Promise<() => Promise<Store>>) {
  const openStore = async () => (await freshStore())();
  afterAll(removeBundleDirs);
  describe(`${name} store: publishing`, () => {
    it('publishes a version with the manifest, lists it, and an identical republish is a no-op', async () => {
      const store = await openStore();
      const { dir, manifest } = makeBundleDir('catalog', 'v1aaaa', sampleFiles('one'));
      expect((await publishBundle({ store, dir })).status).toBe('published');
      await expectWholeBundle(store, 'catalog', 'v1aaaa');
      const again = makeBundleDir('catalog', 'v1aaaa', sampleFiles('one'), 'another-build');
      expect((await publishBundle({ store, dir: again.dir })).status).toBe('unchanged');
      const versions = await readVersions(store, 'catalog');
      expect(versions.map((v) => [v.version, v.buildId, v.files])).toEqual([['v1aaaa', manifest.buildId, 5]]);
      await store.close();
    });

    it('has() tells an object from a missing key, a "directory" and a deleted object, without reading it', async () => {
      const store = await openStore();
      const options = { contentType: 'application/gzip', cacheControl: 'no-cache' };
      expect(await store.has('graphs/8/tree.graph.gz')).toBe(false);
      expect(await store.putIfAbsent('graphs/8/tree.graph.gz', Buffer.from('x'), options)).toBe('created');
      expect(await store.has('graphs/8/tree.graph.gz')).toBe(true);
      expect(await store.has('graphs/8')).toBe(false);
      expect(await store.has('graphs/8/tree.graph.gz/below')).toBe(false);
      await store.delete('graphs/8/tree.graph.gz');
      expect(await store.has('graphs/8/tree.graph.gz')).toBe(false);
      await store.close();
    });

    it('refuses different content under an existing version and changes nothing', async () => {
      const store = await openStore();
      await publishBundle({ store, dir: makeBundleDir('search', 'v2bbbb', sampleFiles('first')).dir });
      const before = await store.get(`apps/search/v2bbbb/${MANIFEST_FILE}`);
      const error = await publishBundle({ store, dir: makeBundleDir('search', 'v2bbbb', { ...sampleFiles('second'), 'assets/new-EEEEEEEE.svg': '<svg/>' }).dir }).catch((e: unknown) => e);
      expect(isTesseraError(error) && error.code).toBe('TESSERA_VERSION_CONFLICT');
      expect((error as Error).message).toMatch(/search version v2bbbb is already in .* with different content/);
      expect(await store.get(`apps/search/v2bbbb/${MANIFEST_FILE}`)).toEqual(before);
      expect(await store.get('apps/search/v2bbbb/assets/new-EEEEEEEE.svg')).toBeNull();
      const kept = (await readStoredManifest(store, 'search', 'v2bbbb'))!;
      expect(kept.files.some((f) => f.path.startsWith('assets/new-'))).toBe(false);
      await expectWholeBundle(store, 'search', 'v2bbbb');
      await store.close();
    });

    it('an interrupted upload leaves no version; a retry completes it', async () => {
      const store = await openStore();
      const { dir, manifest } = makeBundleDir('profile', 'v3cccc', sampleFiles('x', 20));
      const error = await publishBundle({ store: interruptAfter(store, 7), dir, concurrency: 1 }).catch((e: unknown) => e);
      expect((error as Error).message).toContain('injected');
      const stored = await Promise.all(manifest.files.map((f) => store.get(`apps/profile/v3cccc/${f.path}`)));
      expect(stored.filter(Boolean)).toHaveLength(7); // the upload stopped part-way
      expect(await readStoredManifest(store, 'profile', 'v3cccc')).toBeNull();
      expect(await readVersions(store, 'profile')).toEqual([]);
      expect((await publishBundle({ store, dir })).status).toBe('published');
      expect((await expectWholeBundle(store, 'profile', 'v3cccc')).files).toHaveLength(25);
      await store.close();
    });

    it('prune spares an unfinished upload that was committed or written to since it was listed, and removes an abandoned one', async () => {
      const store = await openStore();
      const bundles = Object.fromEntries(['v5eeee', 'v6ffff', 'v7gggg'].map((v) => [v, makeBundleDir('profile', v, sampleFiles(v, 3))]));
      for (const { dir } of Object.values(bundles)) await publishBundle({ store: interruptAfter(store, 3), dir, concurrency: 1 }).catch(() => {});
      // What prune planned from: three unfinished uploads of 3 files each.
      const listed = new Map((await readUnfinishedUploads(store, 'profile')).map((u) => [u.version, u]));
      expect([...listed.values()].map((u) => [u.version, u.files])).toEqual([['v5eeee', 3], ['v6ffff', 3], ['v7gggg', 3]]);
      // Then a retry commits v5, and another retry of v6 writes one more file before it stops.
      expect((await publishBundle({ store, dir: bundles.v5eeee!.dir })).status).toBe('published');
      await publishBundle({ store: interruptAfter(store, 4), dir: bundles.v6ffff!.dir, concurrency: 1 }).catch(() => {});
      expect(await removeUnfinishedUpload(store, 'profile', 'v5eeee', listed.get('v5eeee')!)).toBe('committed');
      expect(await removeUnfinishedUpload(store, 'profile', 'v6ffff', listed.get('v6ffff')!)).toBe('active');
      expect(await removeUnfinishedUpload(store, 'profile', 'v7gggg', listed.get('v7gggg')!)).toBe('removed');
      await expectWholeBundle(store, 'profile', 'v5eeee');
      expect(await store.listObjects('apps/profile/v6ffff/')).toHaveLength(4);
      expect(await store.listObjects('apps/profile/v7gggg/')).toEqual([]);
      await store.close();
    });

    it('a publish whose files are deleted in the moment before it commits uploads them again', async () => {
      const store = await openStore();
      const { dir, manifest } = makeBundleDir('search', 'v8hhhh', sampleFiles('r', 3));
      // A prune deleting the upload's files between its check for a manifest and the commit.
      const pruning: Store = {
        ...store,
        location: store.location,
        async putIfAbsent(key, body, options) {
          if (key.endsWith(`/${MANIFEST_FILE}`)) for (const f of manifest.files.slice(0, 3)) await store.delete(`apps/search/v8hhhh/${f.path}`);
          return store.putIfAbsent(key, body, options);
        },
      };
      expect((await publishBundle({ store: pruning, dir })).status).toBe('published');
      await expectWholeBundle(store, 'search', 'v8hhhh');
      await store.close();
    });

    it('25 concurrent publishes of one version: exactly one writes, the rest are no-ops or conflicts, the bundle is whole', async () => {
      const open = await freshStore();
      const stores = await Promise.all(Array.from({ length: 25 }, () => open()));
      // Most publish the same bytes (another build of the same inputs); every fifth different bytes.
      const dirs = stores.map((_, i) => makeBundleDir('checkout', 'v4dddd', sampleFiles(i % 5 === 4 ? `other-${i}` : 'same'), `build-${i}`).dir);
      const outcomes = await Promise.all(stores.map((store, i) => publishBundle({ store, dir: dirs[i]!, concurrency: 4 }).then((r) => r.status, (e: unknown) => (isTesseraError(e) ? e.code : String(e)))));
      const count = (s: string) => outcomes.filter((o) => o === s).length;
      expect(count('published'), outcomes.join(',')).toBe(1);
      expect(count('published') + count('unchanged') + count('TESSERA_VERSION_CONFLICT'), outcomes.join(',')).toBe(25);
      const manifest = await expectWholeBundle(stores[0]!, 'checkout', 'v4dddd');
      const winner = outcomes.indexOf('published');
      expect(manifest.buildId).toBe(`build-${winner}`);
      // Every publisher of the winner's bytes saw a no-op; only other bytes conflict. (Each
      // fifth publisher's bytes are its own, so when one of them wins, all others conflict.)
      const sameAsWinner = (i: number) => i % 5 !== 4 && winner % 5 !== 4;
      outcomes.forEach((o, i) => i !== winner && expect(o, `publisher ${i} (winner ${winner})`).toBe(sameAsWinner(i) ? 'unchanged' : 'TESSERA_VERSION_CONFLICT'));
      await Promise.all(stores.map((s) => s.close()));
    });

    it('refuses app names and versions that are unsafe as paths', async () => {
      const store = await openStore();
      for (const [app, version] of [['../etc', 'v1'], ['catalog', '../../x'], ['catalog', 'a/b'], ['..', 'v1'], ['catalog', '']]) {
        const { dir } = makeBundleDir(app!, version!, sampleFiles('x'));
        const error = await publishBundle({ store, dir }).catch((e: unknown) => e);
        expect(isTesseraError(error) && error.code, `${app}@${version}`).toBe('TESSERA_UNSAFE_NAME');
      }
      // A manifest naming a file outside its bundle (hand-edited, or written by something else).
      const evilFile = makeBundleDir('catalog', 'v5eeee', sampleFiles('x'));
      evilFile.manifest.files.push({ ...evilFile.manifest.files[0]!, path: '../escape.js' });
      writeFileSync(join(evilFile.dir, MANIFEST_FILE), JSON.stringify(evilFile.manifest));
      const error = await publishBundle({ store, dir: evilFile.dir }).catch((e: unknown) => e);
      expect(isTesseraError(error) && error.code).toBe('TESSERA_UNSAFE_NAME');
      expect(await readVersions(store, 'catalog')).toEqual([]);
      await expect(readVersions(store, '../x')).rejects.toMatchObject({ code: 'TESSERA_UNSAFE_NAME' });
      await store.close();
    });
  });
}
