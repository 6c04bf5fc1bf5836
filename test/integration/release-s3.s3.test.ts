import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { computeRoutes } from '../../tools/src/edge/resolve-route.js';
import { startEdge } from '../../tools/src/edge/start-edge.js';
import { readRelease, updateRelease } from '../../tools/src/release/update-release.js';
import { createS3Store } from '../../tools/src/store/s3-store.js';
import { publishTestBundle } from '../support/publish-test-bundle.js';
import { useRadosgw } from '../support/radosgw/use-radosgw.js';
import { createEmptyRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

const rgw = useRadosgw();
const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

describe('releases on S3 (radosgw)', () => {
  it('putIfMatch is a compare-and-swap: create-only with null, then only with the current ETag', async () => {
    const bucket = await rgw.createBucket();
    const store = await createS3Store({ bucket, prefix: 'p', endpoint: rgw.endpoint, forcePathStyle: true });
    const headers = { contentType: 'application/json', cacheControl: 'no-cache' };
    expect(await store.putIfMatch('releases/web.json', Buffer.from('1'), headers, null)).toBe(true);
    expect(await store.putIfMatch('releases/web.json', Buffer.from('2'), headers, null)).toBe(false);
    const first = (await store.readTagged('releases/web.json'))!;
    expect(await store.putIfMatch('releases/web.json', Buffer.from('3'), headers, first.etag)).toBe(true);
    expect(await store.putIfMatch('releases/web.json', Buffer.from('4'), headers, first.etag)).toBe(false);
    expect((await store.readTagged('releases/web.json'))!.body.toString()).toBe('3');
    await store.close();
  });

  it('loses no update when 10 processes shift one app at once', async () => {
    const bucket = await rgw.createBucket();
    const store = await createS3Store({ bucket, prefix: 'bundles', endpoint: rgw.endpoint, forcePathStyle: true });
    for (const v of ['v1', 'v2']) await publishTestBundle(store, 'web', v, {});
    await updateRelease(store, 'web', { type: 'start', version: 'v1' }, { actor: 'test' });
    await updateRelease(store, 'web', { type: 'start', version: 'v2', weight: 1 }, { actor: 'test' });

    const repo = createEmptyRepo();
    repos.push(repo);
    repo.write('nx.json', '{}');
    repo.write('package.json', '{"name":"ws","private":true}');
    repo.write('apps/web/project.json', JSON.stringify({ name: 'web', projectType: 'application', sourceRoot: 'apps/web/src' }));
    repo.write('apps/web/src/main.tsx', 'export {};\n');
    repo.write('tessera.config.json', JSON.stringify({ store: { url: `s3://${bucket}/bundles`, endpoint: rgw.endpoint, forcePathStyle: true } }));
    repo.commit('workspace');
    const weights = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50];
    const run = promisify(execFile);
    await Promise.all(weights.map((w) => run(process.execPath, [join(REPO_ROOT, 'tools/bin/tessera.js'), 'release', 'shift', 'web', '--weight', String(w)], { cwd: repo.dir, env: { ...process.env, TESSERA_ACTOR: `p${w}` } })));

    const { manifest } = await readRelease(store, 'web');
    const shifts = manifest.history.filter((h) => h.action === 'shift');
    expect(shifts.map((h) => h.actor).sort()).toEqual(weights.map((w) => `p${w}`).sort());
    const chain = shifts.map((h) => /weight (\d+)% → (\d+)%/.exec(h.detail)!.slice(1).map(Number));
    chain.forEach(([from], i) => expect(from).toBe(i === 0 ? 1 : chain[i - 1]![1]));

    // The edge serves the same release straight from the bucket.
    const edge = await startEdge({ store, routes: computeRoutes(['web'], {}), port: 0, retentionMs: 0 });
    try {
      const reply = await fetch(`${edge.url}/web/`, { headers: { cookie: 'tessera-visitor=s3visitor0001' } });
      expect(reply.status).toBe(200);
      expect(['v1', 'v2']).toContain(reply.headers.get('x-tessera-version'));
      expect(await reply.text()).toMatch(/<base href="\/web\/">/);
    } finally {
      await edge.close();
      await store.close();
    }
  });
});
