import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeGraphCache, type GraphSnapshot, rekeyGraphCache, writeGraphCache } from '../../../tools/src/graph/graph-cache.js';
import { resolveGraphShare } from '../../../tools/src/graph/share-snapshots.js';
import { computeSnapshotKey, decodeSharedSnapshot, encodeSharedSnapshot, type SnapshotIdentity } from '../../../tools/src/graph/shared-snapshot.js';
import { DEFAULT_CONFIG, validateConfig } from '../../../tools/src/workspace/config.js';
import { useTempDirs } from '../../support/temp-dirs.js';

const tempDir = useTempDirs('shared-snapshot');
const identity: SnapshotIdentity = { analysisVersion: 8, cacheFormat: 6, esbuild: '0.25.0', projectsFrom: 'tessera', endian: 'LE', prefix: '' };
const tree = 'a'.repeat(40);
const snapshot: GraphSnapshot = {
  projects: [],
  nx: { defaultBase: null, appsDir: 'apps', raw: {} } as GraphSnapshot['nx'],
  tsconfigExtends: {},
  excluded: [],
  graph: { files: ['apps/a/main.ts', 'libs/b/index.ts'], blobs: ['1'.repeat(40), '2'.repeat(40)], edges: [[1, 0], []], packages: {}, unresolved: [], uncertain: [], apps: [{ name: 'a', entries: [0] }], warnings: [] },
};
/** Graph cache bytes carrying `key`, as the local cache writes them (then moved to the key, as a push does). */
const cacheBytes = (key: string) => rekeyGraphCache(writeGraphCache(tempDir(), 'local', snapshot), 'local', key);

describe('shared snapshot keys', () => {
  it('name the analysis version and the tree, with the workspace directory and the project source when they apply', () => {
    expect(computeSnapshotKey(identity, tree)).toBe(`graphs/8/${tree}.graph.gz`);
    expect(computeSnapshotKey({ ...identity, projectsFrom: 'nx' }, tree)).toBe(`graphs/8/${tree}.nx.graph.gz`);
    const sub = computeSnapshotKey({ ...identity, prefix: 'web/' }, tree);
    expect(sub).toBe(`graphs/8/${tree}.${createHash('sha1').update('web/').digest('hex').slice(0, 12)}.graph.gz`);
    expect(computeSnapshotKey({ ...identity, prefix: 'admin/' }, tree)).not.toBe(sub);
  });
});

describe('shared snapshots', () => {
  const key = computeSnapshotKey(identity, tree);
  const encoded = () => encodeSharedSnapshot(identity, { tree, commit: 'c'.repeat(40), tessera: '1.2.3' }, cacheBytes(key));

  it('read back as the graph cache bytes they wrap, which decode to the snapshot', async () => {
    const decoded = await decodeSharedSnapshot(await encoded(), identity, tree);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.header).toMatchObject({ kind: 'tessera-graph-snapshot', ...identity, tree, commit: 'c'.repeat(40), tessera: '1.2.3', bytes: decoded.cacheBytes.length });
    expect(JSON.parse(JSON.stringify(decodeGraphCache(decoded.cacheBytes, key)))).toEqual(JSON.parse(JSON.stringify(snapshot)));
  });

  it('read back whole when they are large enough to be packed in parts', async () => {
    const n = 60_000;
    const files = Array.from({ length: n }, (_, i) => `libs/lib-${i % 500}/src/${'deep/'.repeat(i % 7)}file-${i}.ts`);
    const big: GraphSnapshot = { ...snapshot, graph: { ...snapshot.graph, files, blobs: files.map((_, i) => i.toString(16).padStart(40, '0')), edges: files.map((_, i) => (i + 1 < n ? [i + 1, 0] : [])), apps: [{ name: 'a', entries: [0] }] } };
    const bytes = rekeyGraphCache(writeGraphCache(tempDir(), 'local', big), 'local', key);
    expect(bytes.length).toBeGreaterThan(4 << 20);
    const payload = await encodeSharedSnapshot(identity, { tree, commit: null, tessera: '1.2.3' }, bytes);
    const decoded = await decodeSharedSnapshot(payload, identity, tree);
    expect(decoded.ok && decoded.cacheBytes.equals(bytes)).toBe(true);
    if (decoded.ok) expect(decodeGraphCache(decoded.cacheBytes, key).graph.files[n - 1]).toBe(files[n - 1]);
  });

  it('is valid gzip whose first line says what wrote it', async () => {
    const raw = gunzipSync(await encoded());
    expect(JSON.parse(raw.subarray(0, raw.indexOf(10)).toString())).toMatchObject({ analysisVersion: 8, esbuild: '0.25.0', tessera: '1.2.3' });
  });

  it.each([
    ['analysisVersion', 7],
    ['cacheFormat', 5],
    ['esbuild', '0.24.2'],
    ['projectsFrom', 'nx'],
    ['endian', 'BE'],
    ['prefix', 'web/'],
  ] as const)('of another %s is a mismatch, named', async (field, value) => {
    const decoded = await decodeSharedSnapshot(await encoded(), { ...identity, [field]: value }, tree);
    expect(decoded).toEqual({ ok: false, problem: 'mismatch', reason: expect.stringContaining(`${field} ${JSON.stringify(identity[field])}, this one ${JSON.stringify(value)}`) });
  });

  it('of another tree is a mismatch; the Tessera version that wrote it is not', async () => {
    expect(await decodeSharedSnapshot(await encoded(), identity, 'b'.repeat(40))).toMatchObject({ ok: false, problem: 'mismatch', reason: `describes tree ${tree}, not ${'b'.repeat(40)}` });
    const other = await encodeSharedSnapshot(identity, { tree, commit: null, tessera: '9.9.9' }, cacheBytes(key));
    expect((await decodeSharedSnapshot(other, identity, tree)).ok).toBe(true);
  });

  it('that were changed, cut short or are not snapshots at all are corrupt', async () => {
    const raw = gunzipSync(await encoded());
    const flipped = Buffer.from(raw);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
    expect(await decodeSharedSnapshot(gzipSync(flipped), identity, tree)).toEqual({ ok: false, problem: 'corrupt', reason: 'its SHA-256 checksum does not match its content' });
    expect(await decodeSharedSnapshot(gzipSync(raw.subarray(0, raw.length - 8)), identity, tree)).toMatchObject({ ok: false, problem: 'corrupt', reason: 'its SHA-256 checksum does not match its content' });
    const body = await encoded();
    expect(await decodeSharedSnapshot(body.subarray(0, body.length - 10), identity, tree)).toMatchObject({ ok: false, problem: 'corrupt', reason: expect.stringMatching(/^not a whole gzip stream/) });
    expect(await decodeSharedSnapshot(gzipSync('{"kind":"something else"}\nxx'), identity, tree)).toMatchObject({ ok: false, problem: 'corrupt', reason: expect.stringContaining('not a Tessera graph snapshot') });
    expect(await decodeSharedSnapshot(gzipSync('no header'), identity, tree)).toMatchObject({ ok: false, problem: 'corrupt' });
  });
});

describe('moving a snapshot between keys', () => {
  it('changes only the header, and the bytes decode under the new key alone', () => {
    const bytes = cacheBytes('local-key');
    const moved = rekeyGraphCache(bytes, 'local-key', 'graphs/8/tree.graph.gz');
    expect(JSON.parse(JSON.stringify(decodeGraphCache(moved, 'graphs/8/tree.graph.gz')))).toEqual(JSON.parse(JSON.stringify(snapshot)));
    expect(() => decodeGraphCache(moved, 'local-key')).toThrow('the header names another key');
    expect(moved.indexOf(10) % 8).toBe(7); // the body still starts on an 8-byte boundary
    expect(rekeyGraphCache(moved, 'graphs/8/tree.graph.gz', 'local-key')).toEqual(bytes);
    expect(() => rekeyGraphCache(bytes, 'another-key', 'x')).toThrow('the header names another key');
  });
});

describe('whether analyses share snapshots', () => {
  const on = validateConfig({ graph: { share: true } }).config!;
  it('follows graph.share, default off', () => {
    expect(DEFAULT_CONFIG.graph.share).toBe(false);
    expect(resolveGraphShare(DEFAULT_CONFIG, {})).toBe(false);
    expect(resolveGraphShare(on, {})).toBe(true);
  });
  it('TESSERA_GRAPH_SHARE wins over the file, both ways; empty is unset', () => {
    for (const value of ['1', 'true', 'YES']) expect(resolveGraphShare(DEFAULT_CONFIG, { TESSERA_GRAPH_SHARE: value }), value).toBe(true);
    for (const value of ['0', 'false', 'no']) expect(resolveGraphShare(on, { TESSERA_GRAPH_SHARE: value }), value).toBe(false);
    expect(resolveGraphShare(on, { TESSERA_GRAPH_SHARE: '' })).toBe(true);
  });
  it('refuses another value, quoting it', () => {
    expect(() => resolveGraphShare(on, { TESSERA_GRAPH_SHARE: 'maybe' })).toThrow(expect.objectContaining({ code: 'TESSERA_USAGE', message: expect.stringContaining('received "maybe"') }));
  });
  it('graph.share must be a boolean, and graph takes no other key', () => {
    expect(validateConfig({ graph: { share: 'yes' } }).errors.map((e) => e.location?.key)).toEqual(['graph.share']);
    expect(validateConfig({ graph: { shared: true } }).errors.map((e) => e.text)).toEqual(['graph unknown key "shared"']);
  });
});
