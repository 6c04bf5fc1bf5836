import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunsStore } from '../../tools/src/runs/runs-store.js';
import { createDeliveriesStore, type DeliveriesStore, type IncomingDelivery } from '../../tools/src/webhook/deliveries-store.js';
import { WEBHOOK_MIGRATIONS } from '../../tools/src/webhook/webhook-schema.js';
import { REPO_ROOT } from '../support/sample-repo.js';
import { eventually } from '../support/webhook-fixtures.js';

let dir: string;
let now: number;
let a: DeliveriesStore;
let b: DeliveriesStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-queue-'));
  now = 1_000_000;
  a = createDeliveriesStore(join(dir, 'tessera.db'), { now: () => now });
  b = createDeliveriesStore(join(dir, 'tessera.db'), { now: () => now });
});
afterEach(() => {
  a.close();
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

const incoming = (id: string, key: string | null = `k-${id}`): IncomingDelivery => ({ id, event: 'push', action: null, key, payload: '{}', state: 'queued', reason: null, receivedAt: new Date(now).toISOString() });
// Owners on another host: only their lease tells whether they are alive.
const W1 = 'host-one:1:a';
const W2 = 'host-two:2:b';

describe('the deliveries queue', () => {
  it('keeps the payloads of a database from before they had a table of their own', () => {
    const old = join(dir, 'old.db');
    const db = new Database(old);
    db.exec(`CREATE TABLE tessera_schema (part TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT`);
    for (const step of WEBHOOK_MIGRATIONS.slice(0, 2)) db.exec(step);
    db.prepare(`INSERT INTO tessera_schema (part, version) VALUES ('webhook', 2)`).run();
    const insert = db.prepare(`INSERT INTO webhook_deliveries (id, event, work_key, payload, state, received_at, updated_at) VALUES (?, 'push', ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
    insert.run('queued-1', 'k1', '{"ref":"refs/heads/one"}', 'queued');
    insert.run('done-1', 'k2', '{"ref":"refs/heads/two"}', 'done');
    db.close();
    const store = createDeliveriesStore(old);
    try {
      expect(store.read('done-1').payload).toEqual({ ref: 'refs/heads/two' });
      expect(store.claim(W1, 1000, 5)).toMatchObject({ id: 'queued-1', payload: '{"ref":"refs/heads/one"}' });
      store.receive({ ...incoming('new-1'), payload: '{"ref":"refs/heads/three"}' });
      expect(store.read('new-1').payload).toEqual({ ref: 'refs/heads/three' });
    } finally {
      store.close();
    }
    const columns = new Database(old, { readonly: true });
    expect(columns.prepare(`SELECT name FROM pragma_table_info('webhook_deliveries')`).pluck().all()).not.toContain('payload');
    columns.close();
  });

  it("names the queue's database, not the runs database, when the file cannot be read", () => {
    const broken = join(dir, 'broken.db');
    writeFileSync(broken, 'not a database\n'.repeat(300));
    expect(() => createDeliveriesStore(broken)).toThrow(expect.objectContaining({
      code: 'TESSERA_RUNS_DB_FAILED',
      message: expect.stringContaining(`${broken} is not a readable webhook queue database`),
    }));
  });

  it('finds a delivery by its id or a unique prefix, and refuses an ambiguous or unknown one', () => {
    for (const id of ['abc-1', 'abc-10', 'abd-2']) a.receive(incoming(id));
    expect(a.read('abc-1').id).toBe('abc-1');
    expect(a.read('abd').id).toBe('abd-2');
    expect(a.replay('abc-10').id).toBe('abc-10');
    expect(() => a.read('abc')).toThrow(expect.objectContaining({ code: 'TESSERA_WEBHOOK_DELIVERY_NOT_FOUND', message: 'Delivery id prefix "abc" is ambiguous' }));
    expect(() => a.read('zzz')).toThrow(expect.objectContaining({ code: 'TESSERA_WEBHOOK_DELIVERY_NOT_FOUND', message: 'No delivery with id "zzz"' }));
  });

  it('answers from the runs recorded in its file which builds exist and which versions are built', () => {
    expect(a.readStats().buildsByStatus).toEqual({});
    expect(a.isVersionBuilt('alpha', 'v1')).toBe(false);
    const runs = createRunsStore(a.path);
    const job = (app: string, version: string, status: 'SUCCEEDED' | 'FAILED') => ({
      app, version, executor: 'local' as const, status, buildId: null, computeType: 'BUILD_GENERAL1_SMALL', retries: 0, estimatedCost: null, expectedMs: null, phases: [], logFile: null, error: null,
    });
    try {
      runs.saveRun({ id: 'r1', trigger: 'webhook', base: null, head: 'abc', status: 'FAILED', start: new Date(now).toISOString(), end: null, jobs: [job('alpha', 'v1', 'SUCCEEDED'), job('beta', 'v1', 'FAILED'), job('gamma', 'v1', 'SUCCEEDED')] });
    } finally {
      runs.close();
    }
    expect(a.readStats().buildsByStatus).toEqual({ SUCCEEDED: 2, FAILED: 1 });
    expect(a.isVersionBuilt('alpha', 'v1')).toBe(true);
    expect(b.isVersionBuilt('alpha', 'v2')).toBe(false);
    expect(b.isVersionBuilt('beta', 'v1')).toBe(false);
  });

  it('hands each delivery to one worker, oldest first', () => {
    a.receive(incoming('d1'));
    a.receive(incoming('d2'));
    expect(a.claim(W1, 1000, 5)?.id).toBe('d1');
    expect(b.claim(W2, 1000, 5)?.id).toBe('d2');
    expect(a.claim(W1, 1000, 5)).toBeNull();
  });

  it('resumes a delivery whose lease ran out, and fences the late owner out', () => {
    a.receive(incoming('d1'));
    expect(a.claim(W1, 1000, 5)).toMatchObject({ id: 'd1', attempts: 1 });
    now += 999;
    expect(b.claim(W2, 1000, 5)).toBeNull();
    now += 2;
    expect(b.claim(W2, 1000, 5)).toMatchObject({ id: 'd1', attempts: 2 });
    expect(a.heartbeat('d1', W1, 1000)).toBe(false);
    expect(a.finish('d1', W1, { state: 'done' })).toBe(false);
    expect(b.finish('d1', W2, { state: 'done' })).toBe(true);
    expect(a.read('d1').state).toBe('done');
  });

  it('a heartbeat keeps the lease; supersede takes the delivery away from its worker', () => {
    a.receive(incoming('d1', 'branch'));
    a.claim(W1, 1000, 5);
    now += 900;
    expect(a.heartbeat('d1', W1, 1000)).toBe(true);
    now += 900;
    expect(b.claim(W2, 1000, 5)).toBeNull();
    expect(b.receive(incoming('d2', 'branch'))).toEqual({ inserted: true, superseded: 1 });
    expect(a.heartbeat('d1', W1, 1000)).toBe(false);
    expect(a.read('d1').state).toBe('superseded');
  });

  it('a replay supersedes the open work of its branch, as a newly received delivery would', () => {
    a.receive(incoming('old', 'branch'));
    a.receive(incoming('new', 'branch'));
    a.receive(incoming('other', 'elsewhere'));
    a.claim(W1, 1000, 5);
    expect(b.replay('old')).toMatchObject({ id: 'old', state: 'queued', attempts: 0 });
    expect(a.read('new')).toMatchObject({ state: 'superseded', reason: 'superseded by delivery old (replayed)' });
    expect(a.heartbeat('new', W1, 1000)).toBe(false);
    expect(a.read('other').state).toBe('queued');
    expect(b.claim(W2, 1000, 5)).toMatchObject({ id: 'other' });
    expect(b.claim(W2, 1000, 5)).toMatchObject({ id: 'old' });
  });

  it('gives up on a delivery that was claimed more than maxAttempts times', () => {
    a.receive(incoming('poison'));
    for (let i = 0; i < 2; i++) {
      expect(a.claim(W1, 10, 2)?.id).toBe('poison');
      now += 11;
    }
    expect(a.claim(W1, 10, 2)).toBeNull();
    expect(a.read('poison')).toMatchObject({ state: 'failed', error: expect.stringContaining('gave up after 2 attempts') });
  });

  it('takes over at once from a dead process on this host, without waiting for the lease', async () => {
    const { hostname } = await import('node:os');
    a.receive(incoming('d1'));
    a.claim(`${hostname()}:999999999:x`, 60_000, 5);
    expect(b.claim(W2, 60_000, 5)?.id).toBe('d1');
  });

  it('a release puts the delivery back without counting an attempt', () => {
    a.receive(incoming('d1'));
    a.claim(W1, 1000, 5);
    expect(a.release('d1', W1)).toBe(true);
    expect(b.claim(W2, 1000, 5)).toMatchObject({ id: 'd1', attempts: 1 });
  });

  it('several processes claiming at once never take the same delivery twice', async () => {
    for (let i = 0; i < 150; i++) a.receive(incoming(`d${i}`));
    const script = join(dir, 'claimer.ts');
    writeFileSync(script, `
      import { createDeliveriesStore } from ${JSON.stringify(join(REPO_ROOT, 'tools/src/webhook/deliveries-store.ts'))};
      const store = createDeliveriesStore(process.argv[2]);
      const owner = 'host-' + process.pid + ':' + process.pid + ':c';
      const got = [];
      for (let d; (d = store.claim(owner, 60000, 5)); ) { got.push(d.id); store.finish(d.id, owner, { state: 'done' }); }
      process.stdout.write(JSON.stringify(got));
    `);
    const run = promisify(execFile);
    const outputs = await Promise.all([0, 1, 2].map(() => run(process.execPath, ['--import', 'tsx', script, join(dir, 'tessera.db')], { cwd: REPO_ROOT })));
    const claimed = outputs.flatMap((o) => JSON.parse(o.stdout) as string[]);
    expect(claimed).toHaveLength(150);
    expect(new Set(claimed).size).toBe(150);
    expect(a.readStats().byState).toMatchObject({ done: 150, queued: 0, running: 0 });
  });

  it('with checkpointInBackground, commits never checkpoint and a thread copies the log into the database', async () => {
    const path = join(dir, 'background.db');
    const store = createDeliveriesStore(path, { checkpointInBackground: true });
    try {
      const before = statSync(path).size;
      // About 100 pages of log: far below the 1000 pages at which a commit would checkpoint.
      store.receiveMany(Array.from({ length: 50 }, (_, i) => ({ ...incoming(`big-${i}`), payload: JSON.stringify({ padding: 'x'.repeat(7000) }) })));
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(50 * 7000);
      await eventually(() => statSync(path).size > before + 50 * 7000, 'the checkpoint thread to copy the log into the database');
      expect(store.list({ limit: 100 })).toHaveLength(50);
    } finally {
      store.close();
    }
  });
});
