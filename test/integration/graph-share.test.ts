import { afterEach, describe, expect, it } from 'vitest';
import { readAffected } from '../../tools/src/affected/read-affected.js';
import { main } from '../../tools/src/cli/main.js';
import type { Warning } from '../../tools/src/errors/tessera-error.js';
import { ANALYSIS_VERSION, loadGraph } from '../../tools/src/graph/load-graph.js';
import type { SnapshotStore } from '../../tools/src/graph/share-snapshots.js';
import { createFsStore } from '../../tools/src/store/fs-store.js';
import { readConfig } from '../../tools/src/workspace/read-workspace.js';
import { captureIo } from '../support/capture-io.js';
import { describeGraphSharing } from '../support/graph-share-scenarios.js';
import { createSampleRepo, type TestRepo } from '../support/sample-repo.js';
import { useTempDirs } from '../support/temp-dirs.js';

const tempDir = useTempDirs('graph-share-store');

describeGraphSharing('directory', async () => {
  const dir = tempDir();
  return { config: dir, open: async () => createFsStore(dir) };
});

let repo: TestRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

/** A store that counts the requests that reach it, around a real one. */
function countRequests(store: SnapshotStore) {
  const counts = { has: 0, get: 0, putIfAbsent: 0 };
  const counted: SnapshotStore = {
    location: store.location,
    has: (key) => (counts.has++, store.has(key)),
    get: (key) => (counts.get++, store.get(key)),
    putIfAbsent: (key, body, options) => (counts.putIfAbsent++, store.putIfAbsent(key, body, options)),
    close: () => store.close(),
  };
  return { counted, counts };
}

describe('graph snapshot sharing', () => {
  it('reports the requests that reached the store, and writes nothing but the snapshot', async () => {
    repo = createSampleRepo();
    const dir = tempDir();
    const { counted, counts } = countRequests(createFsStore(dir));
    const load = (warnings: Warning[] = []) => loadGraph({ root: repo!.dir, config: readConfig(repo!.dir), warnings, revision: { kind: 'commit', commit: repo!.git('rev-parse', 'HEAD') }, env: { TESSERA_GRAPH_SHARE: '1' }, snapshotStore: counted });
    const first = await load();
    expect(first.cache).toBe('miss');
    // One HEAD (the sample commit is the only candidate), then its own snapshot written.
    expect(counts).toEqual({ has: 1, get: 0, putIfAbsent: 1 });
    expect(first.shared).toMatchObject({ store: dir, read: null, requests: 2, pushed: { key: `graphs/${ANALYSIS_VERSION}/${repo.git('rev-parse', 'HEAD^{tree}')}.graph.gz`, result: 'created' } });
    const objects = await createFsStore(dir).listObjects('graphs/');
    expect(objects.map((o) => o.key)).toEqual([first.shared!.pushed!.key]);
    // A local hit asks the store nothing.
    const again = await load();
    expect([again.cache, again.shared!.requests]).toEqual(['hit', 0]);
    expect(counts).toEqual({ has: 1, get: 0, putIfAbsent: 1 });
  });

  it('tessera graph --push writes HEAD, also from a working tree with changes, and says where', async () => {
    repo = createSampleRepo();
    const store = tempDir();
    repo.append('libs/formatting/src/dates.ts', '\nexport const uncommitted = 1;\n');
    const io = captureIo(repo.dir, { TESSERA_STORE: store });
    expect(await main(['graph', '--push'], io), io.err()).toBe(0);
    const key = `graphs/${ANALYSIS_VERSION}/${repo.git('rev-parse', 'HEAD^{tree}')}.graph.gz`;
    expect(io.err()).toMatch(new RegExp(`^Pushed the graph snapshot of ${repo.git('rev-parse', 'HEAD').slice(0, 12)} \\(${key}, [\\d.]+ KiB, [\\d.]+ KiB uncompressed\\) to ${store}\\n$`));
    expect(io.out()).toBe('');
    const twice = captureIo(repo.dir, { TESSERA_STORE: store });
    expect(await main(['graph', '--push'], twice)).toBe(0);
    expect(twice.err()).toMatch(/^Already in the store: the graph snapshot of/);
  });

  it('a store that cannot be reached is a warning for affected, with the answer of a cold analysis; an asked-for push fails', async () => {
    repo = createSampleRepo();
    repo.write('tessera.config.json', JSON.stringify({ store: { url: 's3://tessera-unreachable/ci', endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true }, graph: { share: true } }));
    repo.commit('share through a store that is not there');
    repo.append('libs/formatting/src/dates.ts', '\nexport const later = 1;\n');
    repo.commit('edit');
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    try {
      const io = captureIo(repo.dir);
      expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json'], io), io.err()).toBe(0);
      const doc = JSON.parse(io.out());
      const failed = doc.warnings.filter((w: Warning) => w.code === 'TESSERA_GRAPH_SHARE_FAILED');
      expect(failed).toHaveLength(1);
      expect(failed[0].text).toMatch(/^graph snapshots: could not look for a snapshot to start from in s3:\/\/tessera-unreachable\/ci at http:\/\/127\.0\.0\.1:9 .*; the graph is analysed here \(Could not reach the S3 store/);
      expect(doc.stats).toMatchObject({ cache: 'miss', snapshot: { readFrom: null, written: false } });
      const cold = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD', env: { TESSERA_GRAPH_SHARE: '0' } });
      expect(doc.apps).toEqual(JSON.parse(JSON.stringify(cold.apps)));
      expect(doc.apps.length).toBeGreaterThan(0);

      const push = captureIo(repo.dir);
      expect(await main(['graph', '--push'], push)).not.toBe(0);
      expect(push.err()).toContain('TESSERA_STORE_UNREACHABLE');
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});
