/**
 * Graph snapshots shared through a store, as CI uses them, run against each store (the
 * directory store, and S3 on a real radosgw): one runner analyses and pushes, a fresh runner
 * (a second clone with no .tessera) starts from what it finds, and its answer must be the
 * answer of a cold analysis.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type AffectedReport, readAffected } from '../../tools/src/affected/read-affected.js';
import { main } from '../../tools/src/cli/main.js';
import { ANALYSIS_VERSION } from '../../tools/src/graph/load-graph.js';
import type { Store } from '../../tools/src/store/store.js';
import { captureIo } from './capture-io.js';
import { createSampleRepo, openRepo, REPO_ROOT, type TestRepo } from './sample-repo.js';

export interface SharingStore {
  /** `store` as tessera.config.json writes it. */
  config: unknown;
  /** The same store, opened by the test to look at and tamper with what was written. */
  open(): Promise<Store>;
}

/** Content-only edits (no file added, none removed, nothing that steers resolution): what an update can absorb. */
const EDITS = ['libs/formatting/src/dates.ts', 'libs/i18n/src/translate.ts', 'apps/search/src/App.tsx', 'libs/page-header/src/page-header.css', 'apps/profile/src/App.tsx'];

/** The answer, without what differs between runs (timings, cache state, sharing). */
function answerOf(report: AffectedReport) {
  return { apps: report.apps, testProjects: report.testProjects, unownedFiles: report.unownedFiles, deselected: report.deselected, graphFiles: report.stats.graphFiles, totalApps: report.stats.totalApps };
}

/** Registers the sharing scenarios for one store. `freshStore` makes an empty one per test. */
export function describeGraphSharing(name: string, freshStore: () => Promise<SharingStore>) {
  const repos: TestRepo[] = [];
  afterEach(() => {
    for (const repo of repos.splice(0)) repo.cleanup();
  });

  /** The repository CI clones: the sample workspace with sharing on, through `store`. */
  const createOrigin = (store: SharingStore): TestRepo => {
    const origin = createSampleRepo();
    repos.push(origin);
    origin.write('tessera.config.json', JSON.stringify({ store: store.config, graph: { share: true } }, null, 2));
    origin.write('buildspec.yml', 'version: 0.2\nphases:\n  build:\n    commands:\n      - "true"\n');
    origin.commit('share graph snapshots');
    return origin;
  };
  /** A fresh CI runner: a clone of `origin` with no .tessera, node_modules installed (linked). */
  const cloneRunner = (origin: TestRepo): TestRepo => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-runner-'));
    execFileSync('git', ['clone', '-q', origin.dir, dir], { stdio: 'ignore' });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const runner = openRepo(dir);
    repos.push(runner);
    return runner;
  };
  /** Commits `n` content edits, cycling through EDITS. */
  const commitEdits = (repo: TestRepo, n: number, tag: string) => {
    for (let i = 0; i < n; i++) {
      const file = EDITS[i % EDITS.length]!;
      repo.append(file, file.endsWith('.css') ? `\n.edit-${tag}-${i} { color: red; }\n` : `\nexport const edit_${tag}_${i} = ${i};\n`);
      repo.commit(`edit ${tag} ${i}`);
    }
  };
  /** `tessera affected` as CI runs it (base HEAD~1), on `runner`, with `env` for TESSERA_GRAPH_SHARE. */
  const affected = (runner: TestRepo, env: Record<string, string> = {}) => readAffected({ root: runner.dir, base: 'HEAD~1', head: 'HEAD', env });
  /** The cold answer: a fresh clone with sharing off. */
  const coldAnswer = async (origin: TestRepo) => {
    const cold = await affected(cloneRunner(origin), { TESSERA_GRAPH_SHARE: '0' });
    expect(cold.stats).toMatchObject({ cache: 'miss', snapshot: null });
    return answerOf(cold);
  };
  /** `tessera graph --push` on a runner at origin's HEAD; returns the key it wrote. */
  const pushFrom = async (origin: TestRepo) => {
    const io = captureIo(cloneRunner(origin).dir);
    expect(await main(['graph', '--push'], io), io.err()).toBe(0);
    const line = /Pushed the graph snapshot of [0-9a-f]{12} \((graphs\/\S+), ([\d.]+) KiB, ([\d.]+) KiB uncompressed\)/.exec(io.err());
    expect(line, io.err()).not.toBeNull();
    return line![1]!;
  };
  /** Rewrites a stored snapshot's uncompressed content with `edit` (and gzips it again): the store keeps its key. */
  const tamper = async (store: SharingStore, key: string, edit: (raw: Buffer) => Buffer) => {
    const s = await store.open();
    const body = (await s.get(key))!;
    await s.delete(key);
    expect(await s.putIfAbsent(key, gzipSync(edit(gunzipSync(body))), { contentType: 'application/gzip', cacheControl: 'no-cache' })).toBe('created');
    await s.close();
  };

  describe(`${name} store: graph snapshots for fresh runners`, () => {
    it('a fresh runner reads the snapshot of HEAD~1 and updates it: the cold answer, in a handful of requests', async () => {
      const store = await freshStore();
      const origin = createOrigin(store);
      const pushedKey = await pushFrom(origin);
      expect(pushedKey).toBe(`graphs/${ANALYSIS_VERSION}/${origin.git('rev-parse', 'HEAD^{tree}')}.graph.gz`);
      const base = origin.git('rev-parse', 'HEAD');
      commitEdits(origin, 1, 'one');

      const runner = cloneRunner(origin);
      const report = await affected(runner);
      expect(report.stats.cache).toBe('update');
      // Its own tree, the merge-base (HEAD~1, also its first parent) and the sample commit: one
      // round of three HEADs, one GET, then one PUT of its own snapshot.
      expect(report.stats.snapshot).toEqual({ readFrom: base, written: true, requests: 5 });
      expect(report.warnings.filter((w) => w.code.startsWith('TESSERA_GRAPH_S'))).toEqual([]);
      expect(answerOf(report)).toEqual(await coldAnswer(origin));
      expect(report.apps.length).toBeGreaterThan(0);

      // What it wrote serves the next runner at the same commit exactly: no analysis at all.
      const next = await affected(cloneRunner(origin));
      // The same three HEADs, and a GET of its own snapshot.
      expect(next.stats).toMatchObject({ cache: 'hit', snapshot: { readFrom: origin.git('rev-parse', 'HEAD'), written: false, requests: 4 } });
      expect(answerOf(next)).toEqual(answerOf(report));
    });

    it('a snapshot 20 commits back is found and updated for everything changed since', async () => {
      const store = await freshStore();
      const origin = createOrigin(store);
      await pushFrom(origin);
      const base = origin.git('rev-parse', 'HEAD');
      commitEdits(origin, 20, 'far');

      const report = await affected(cloneRunner(origin));
      expect(report.stats.cache).toBe('update');
      // 22 distinct trees (head and 20 edits, the pushed one, the sample commit) in two rounds,
      // 4 + 18 HEADs, then one GET and one PUT.
      expect(report.stats.snapshot).toEqual({ readFrom: base, written: true, requests: 24 });
      expect(answerOf(report)).toEqual(await coldAnswer(origin));
    });

    it('looks 50 first-parent commits back, no further', async () => {
      const store = await freshStore();
      const origin = createOrigin(store);
      await pushFrom(origin);
      const pushed = origin.git('rev-parse', 'HEAD');
      commitEdits(origin, 50, 'fifty');
      const at50 = await affected(cloneRunner(origin));
      expect(at50.stats).toMatchObject({ cache: 'update', snapshot: { readFrom: pushed } });
      // Not this one's own snapshot, which it just wrote: reset the store to the pushed one alone.
      const s = await store.open();
      await s.delete(`graphs/${ANALYSIS_VERSION}/${origin.git('rev-parse', 'HEAD^{tree}')}.graph.gz`);
      await s.close();
      commitEdits(origin, 1, 'beyond');
      const at51 = await affected(cloneRunner(origin));
      // Head and 50 ancestors asked about (4 + 24 + 23 HEADs), none there; then its own written.
      expect(at51.stats).toMatchObject({ cache: 'miss', snapshot: { readFrom: null, written: true, requests: 52 } });
    });

    it('a snapshot of another analysis version is skipped with a warning, and the answer is the cold one', async () => {
      const store = await freshStore();
      const origin = createOrigin(store);
      const key = await pushFrom(origin);
      await tamper(store, key, (raw) => {
        const newline = raw.indexOf(10);
        const header = JSON.parse(raw.subarray(0, newline).toString());
        return Buffer.concat([Buffer.from(JSON.stringify({ ...header, analysisVersion: ANALYSIS_VERSION - 1 })), raw.subarray(newline)]);
      });
      commitEdits(origin, 1, 'v');
      const report = await affected(cloneRunner(origin));
      expect(report.stats.cache).toBe('miss');
      expect(report.stats.snapshot).toMatchObject({ readFrom: null, written: true });
      const skipped = report.warnings.filter((w) => w.code === 'TESSERA_GRAPH_SNAPSHOT_MISMATCH');
      expect(skipped).toHaveLength(1);
      expect(skipped[0]!.text).toContain(key);
      expect(skipped[0]!.text).toContain(`analysisVersion ${ANALYSIS_VERSION - 1}, this one ${ANALYSIS_VERSION}`);
      expect(answerOf(report)).toEqual(await coldAnswer(origin));
    });

    it('a snapshot that fails its checksum, or is not whole, is skipped with a warning', async () => {
      const store = await freshStore();
      const origin = createOrigin(store);
      const key = await pushFrom(origin);
      // One byte of the graph changed and the stream re-compressed: gzip is happy, the SHA-256 is not.
      await tamper(store, key, (raw) => {
        const copy = Buffer.from(raw);
        copy[copy.length - 100] = copy[copy.length - 100]! ^ 0xff;
        return copy;
      });
      commitEdits(origin, 1, 'c');
      const report = await affected(cloneRunner(origin));
      expect(report.stats.cache).toBe('miss');
      const s = await store.open();
      const skipped = report.warnings.filter((w) => w.code === 'TESSERA_GRAPH_SNAPSHOT_CORRUPT');
      expect(skipped.map((w) => w.text)).toEqual([`graph snapshot ${key} in ${s.location} was skipped: its SHA-256 checksum does not match its content`]);
      expect(answerOf(report)).toEqual(await coldAnswer(origin));

      // Cut short (an upload that stopped): gzip itself notices. That runner wrote HEAD's own
      // snapshot, the first one the next runner finds: cut it, and both are skipped.
      const headKey = `graphs/${ANALYSIS_VERSION}/${origin.git('rev-parse', 'HEAD^{tree}')}.graph.gz`;
      const body = (await s.get(headKey))!;
      await s.delete(headKey);
      await s.putIfAbsent(headKey, body.subarray(0, body.length >> 1), { contentType: 'application/gzip', cacheControl: 'no-cache' });
      await s.close();
      const again = await affected(cloneRunner(origin));
      expect(again.stats.cache).toBe('miss');
      expect(again.warnings.filter((w) => w.code === 'TESSERA_GRAPH_SNAPSHOT_CORRUPT').map((w) => w.text)).toEqual([
        expect.stringMatching(new RegExp(`^graph snapshot ${headKey} in .* was skipped: not a whole gzip stream`)),
        expect.stringMatching(new RegExp(`^graph snapshot ${key} in .* was skipped: its SHA-256 checksum`)),
      ]);
      expect(answerOf(again)).toEqual(answerOf(report));
    });

    it('tessera build writes the snapshot of what it analysed; TESSERA_GRAPH_SHARE=0 turns sharing off', async () => {
      const store = await freshStore();
      const origin = createOrigin(store);
      commitEdits(origin, 1, 'b');
      const off = cloneRunner(origin);
      const quiet = await affected(off, { TESSERA_GRAPH_SHARE: '0' });
      expect(quiet.stats.snapshot).toBeNull();

      const runner = cloneRunner(origin);
      const io = captureIo(runner.dir);
      expect(await main(['build', '--affected', '--base', 'HEAD~1', '--dry-run', '--json'], io), io.err()).toBe(0);
      const s = await store.open();
      const key = `graphs/${ANALYSIS_VERSION}/${runner.git('rev-parse', 'HEAD^{tree}')}.graph.gz`;
      expect(await s.has(key)).toBe(true);
      await s.close();
      // And a fresh runner at the same commit starts from it.
      const next = await affected(cloneRunner(origin));
      expect(next.stats).toMatchObject({ cache: 'hit', snapshot: { readFrom: runner.git('rev-parse', 'HEAD') } });
      expect(answerOf(next)).toEqual(answerOf(quiet));
    });
  });
}
