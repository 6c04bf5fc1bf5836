import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../../tools/src/errors/tessera-error.js';
import { MIGRATIONS, openRunsDb } from '../../tools/src/runs/open-runs-db.js';
import { readSchemaVersion } from '../../tools/src/sqlite/open-database.js';
import type { JobRecord, PhaseRecord, RunRecord } from '../../tools/src/records/run-record.js';
import { createRunsStore, type RunsStore } from '../../tools/src/runs/runs-store.js';
import { REPO_ROOT } from '../support/sample-repo.js';

let dir: string;
const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp directory; the database goes in `.tessera/` below it, which does not exist yet. */
function dbPath(): string {
  dir = mkdtempSync(join(tmpdir(), 'tessera-runs-'));
  return join(dir, '.tessera', 'tessera.db');
}

function store(path: string, options?: Parameters<typeof createRunsStore>[1]): RunsStore {
  const s = createRunsStore(path, options);
  open.push(s);
  return s;
}

function raw(path: string): Database.Database {
  const db = new Database(path);
  open.push(db);
  return db;
}

/** The error `work` throws (fails the test when it throws none). */
function thrown(work: () => unknown): TesseraError {
  try {
    work();
  } catch (error) {
    return error as TesseraError;
  }
  throw new Error('expected an error');
}

/** `base` plus `s` seconds, as the ISO string a RunRecord holds. */
const at = (s: number, base = Date.parse('2025-03-01T10:00:00.000Z')) => new Date(base + s * 1000).toISOString();

function job(app: string, fields: Partial<JobRecord> = {}): JobRecord {
  return {
    app, version: `v-${app}`, executor: 'local', status: 'QUEUED', buildId: null, computeType: 'BUILD_GENERAL1_SMALL', retries: 0,
    estimatedCost: null, expectedMs: null, phases: [], logFile: `.tessera/logs/r/${app}.log`, error: null, ...fields,
  };
}

function run(id: string, startS: number, jobs: JobRecord[], fields: Partial<RunRecord> = {}): RunRecord {
  return { id, trigger: 'cli', base: 'origin/main', head: 'abc123', status: 'IN_PROGRESS', start: at(startS), end: null, jobs, ...fields };
}

/** A finished job whose build (after queueing) took `buildS` seconds; it waited `waitS` seconds first. */
function finishedJob(app: string, startS: number, buildS: number, status: JobRecord['status'] = 'SUCCEEDED', waitS = 0): JobRecord {
  const s = startS + waitS;
  const phases: PhaseRecord[] = [
    { type: 'SUBMITTED', status: 'SUCCEEDED', start: at(startS), end: at(startS) },
    { type: 'QUEUED', status: 'SUCCEEDED', start: at(startS), end: at(s) },
    { type: 'INSTALL', status: 'SUCCEEDED', start: at(s), end: at(s + buildS / 2) },
    { type: 'BUILD', status: status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED', start: at(s + buildS / 2), end: at(s + buildS), ...(status === 'SUCCEEDED' ? {} : { message: 'COMMAND_EXECUTION_ERROR: exit status 2' }) },
  ];
  return job(app, { status, buildId: `local:r:${app}`, phases });
}

describe('saveRun and readRun', () => {
  it('round-trips a run exactly: job order, phase order, nulls, messages, numbers', () => {
    const s = store(dbPath());
    const record = run('20250301-100000-aaaa', 0, [
      finishedJob('search', 0, 90, 'FAILED', 5),
      job('checkout', {
        status: 'IN_PROGRESS', executor: 'codebuild', buildId: 'tessera:1f2e', retries: 2, estimatedCost: 0.015, expectedMs: 61_500,
        phases: [
          { type: 'SUBMITTED', status: 'SUCCEEDED', start: at(0), end: at(0) },
          { type: 'QUEUED', status: 'SUCCEEDED', start: at(0), end: at(3) },
          { type: 'PROVISIONING', status: 'SUCCEEDED', start: at(3), end: at(8), message: '' },
          { type: 'BUILD', status: 'IN_PROGRESS', start: at(8), end: null },
        ],
      }),
      job('catalog', { status: 'CACHED', logFile: null }),
      job('profile', { error: 'executor said no', expectedMs: 1 }),
    ], { base: null, trigger: 'push refs/heads/main' });

    s.saveRun(record);
    // toStrictEqual: a `message: undefined` where there was none, or a lost null, fails.
    expect(s.readRun(record.id)).toStrictEqual(record);
    expect(JSON.stringify(s.readRun(record.id))).toBe(JSON.stringify(record));
  });

  it('keeps up with a run as it progresses, replacing phases wholesale and leaving no orphans', () => {
    const path = dbPath();
    const s = store(path);
    const r = run('r1', 0, [job('a'), job('b'), job('c')]);
    const saveAndCheck = () => {
      s.saveRun(r);
      expect(s.readRun('r1')).toStrictEqual(structuredClone(r));
    };
    saveAndCheck();
    for (const j of r.jobs) j.phases.push({ type: 'SUBMITTED', status: 'SUCCEEDED', start: at(0), end: at(0) }, { type: 'QUEUED', status: 'IN_PROGRESS', start: at(0), end: null });
    saveAndCheck();
    const [a, b, c] = r.jobs as [JobRecord, JobRecord, JobRecord];
    Object.assign(a, { status: 'IN_PROGRESS', buildId: 'local:r1:a' });
    Object.assign(a.phases[1]!, { status: 'SUCCEEDED', end: at(2) });
    a.phases.push({ type: 'BUILD', status: 'IN_PROGRESS', start: at(2), end: null });
    saveAndCheck();
    Object.assign(a.phases[2]!, { status: 'FAILED', end: at(9), message: 'COMMAND_EXECUTION_ERROR: exit status 1' });
    Object.assign(a, { status: 'FAILED', error: 'build failed' });
    // A retry that starts over: fewer phases than before must not leave the old ones behind.
    b.phases = [{ type: 'QUEUED', status: 'IN_PROGRESS', start: at(5), end: null }];
    b.retries = 1;
    // A job dropped from the record (e.g. its version turned out to be published) goes too.
    r.jobs = [a, b];
    c.phases = [];
    saveAndCheck();
    Object.assign(r, { status: 'FAILED', end: at(12) });
    saveAndCheck();

    const db = raw(path);
    expect(db.prepare('SELECT count(*) FROM phases').pluck().get()).toBe(a.phases.length + b.phases.length);
    expect(db.prepare('SELECT count(*) FROM jobs').pluck().get()).toBe(2);
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(1);
  });

  it('finds a run by a unique prefix of its id and by `latest`, and names an ambiguous prefix', () => {
    const s = store(dbPath());
    s.saveRun(run('20250301-100000-aaaa', 0, []));
    s.saveRun(run('20250301-100000-aabb', 60, []));
    s.saveRun(run('20250301-090000-ffff', 120, [])); // started last, though its id sorts first
    s.saveRun(run('20250301-09', -60, [])); // an id that is also a prefix of another id

    expect(s.readRun('20250301-100000-aaa').id).toBe('20250301-100000-aaaa');
    expect(s.readRun('20250301-09').id).toBe('20250301-09');
    expect(s.readRun('20250301-0900').id).toBe('20250301-090000-ffff');
    expect(s.readRun('latest').id).toBe('20250301-090000-ffff');

    const ambiguous = thrown(() => s.readRun('20250301-100000-a'));
    expect(ambiguous).toBeInstanceOf(TesseraError);
    expect(ambiguous.code).toBe('TESSERA_RUN_NOT_FOUND');
    expect(ambiguous.message).toContain('20250301-100000-aaaa');
    expect(ambiguous.message).toContain('20250301-100000-aabb');
    for (const id of ['nope', '', '20250301-100000-aaaa-more']) {
      const error = thrown(() => s.readRun(id));
      expect(error.code, id).toBe('TESSERA_RUN_NOT_FOUND');
      expect(error.message).toContain(`"${id}"`);
      expect(error.hint).toContain('tessera runs list');
    }
  });

  it('says there is no latest run in an empty history', () => {
    const error = thrown(() => store(dbPath()).readRun('latest'));
    expect(error.code).toBe('TESSERA_RUN_NOT_FOUND');
    expect(error.hint).toContain('tessera build');
  });
});

describe('listRuns', () => {
  it('lists the most recently started first, with job and failure counts', () => {
    const s = store(dbPath());
    s.saveRun(run('b', 100, [finishedJob('x', 100, 5), finishedJob('y', 100, 5, 'FAILED'), job('z', { status: 'TIMED_OUT' }), job('w', { status: 'FAULT' }), job('v', { status: 'STOPPED' })], { status: 'FAILED', end: at(200) }));
    s.saveRun(run('c', 300, [job('x', { status: 'IN_PROGRESS' })]));
    s.saveRun(run('a', 0, [job('x', { status: 'CACHED' })], { status: 'SUCCEEDED', end: at(1) }));
    s.saveRun(run('empty', 50, [], { status: 'SUCCEEDED', end: at(50) }));

    expect(s.listRuns()).toEqual([
      { id: 'c', trigger: 'cli', base: 'origin/main', head: 'abc123', status: 'IN_PROGRESS', start: at(300), end: null, jobs: 1, failed: 0 },
      { id: 'b', trigger: 'cli', base: 'origin/main', head: 'abc123', status: 'FAILED', start: at(100), end: at(200), jobs: 5, failed: 3 },
      { id: 'empty', trigger: 'cli', base: 'origin/main', head: 'abc123', status: 'SUCCEEDED', start: at(50), end: at(50), jobs: 0, failed: 0 },
      { id: 'a', trigger: 'cli', base: 'origin/main', head: 'abc123', status: 'SUCCEEDED', start: at(0), end: at(1), jobs: 1, failed: 0 },
    ]);
    expect(s.listRuns({ limit: 2 }).map((r) => r.id)).toEqual(['c', 'b']);
    expect(() => s.listRuns({ limit: 0 })).toThrow(/received 0/);
  });

  it('is empty for a new history', () => {
    expect(store(dbPath()).listRuns()).toEqual([]);
  });
});

describe('readExpectedDurations', () => {
  it('is the median build time of each app\'s last SUCCEEDED jobs, without the time spent waiting', () => {
    const s = store(dbPath());
    // Twelve runs, an hour apart; in run i app `a` builds in i seconds after waiting 100 s.
    for (let i = 1; i <= 12; i++) {
      const t = i * 3600;
      const jobs = [finishedJob('a', t, i, 'SUCCEEDED', 100), finishedJob('even', t, i * 10)];
      if (i > 8) jobs.push(finishedJob('b', t, 1000 * i, 'FAILED'), job('c', { status: 'CACHED' }));
      s.saveRun(run(`run-${String(i).padStart(2, '0')}`, t, jobs, { status: 'SUCCEEDED', end: at(t + 2000) }));
    }
    // The newest run failed for `a` with a huge time: failures are not history.
    s.saveRun(run('run-13', 13 * 3600, [finishedJob('a', 13 * 3600, 9999, 'FAILED')], { status: 'FAILED', end: at(14 * 3600) }));
    // Still running: no duration yet.
    s.saveRun(run('run-14', 14 * 3600, [job('a', { status: 'IN_PROGRESS', phases: [{ type: 'BUILD', status: 'IN_PROGRESS', start: at(14 * 3600), end: null }] })]));

    const expected = s.readExpectedDurations(['a', 'b', 'c', 'even', 'never-built']);
    // Last 10 SUCCEEDED of `a`: 3..12 s, median 7.5 s. `even`: 30..120 s, median 75 s.
    expect(Object.fromEntries(expected)).toEqual({ a: 7500, even: 75_000 });
    // Window 3 of `a`: 10, 11, 12 s.
    expect(s.readExpectedDurations(['a'], { window: 3 }).get('a')).toBe(11_000);
    expect(s.readExpectedDurations(['a'], { window: 1 }).get('a')).toBe(12_000);
    // A window wider than the history takes all of it: 1..12 s, median 6.5 s.
    expect(s.readExpectedDurations(['a'], { window: 50 }).get('a')).toBe(6500);
    expect(s.readExpectedDurations([]).size).toBe(0);
  });

  it('skips SUCCEEDED jobs without usable phase times rather than letting them take a slot', () => {
    const s = store(dbPath());
    s.saveRun(run('old', 0, [finishedJob('a', 0, 40)], { status: 'SUCCEEDED', end: at(40) }));
    s.saveRun(run('new', 100, [job('a', { status: 'SUCCEEDED', phases: [] })], { status: 'SUCCEEDED', end: at(101) }));
    expect(s.readExpectedDurations(['a'], { window: 1 }).get('a')).toBe(40_000);
  });
});

describe('readBuildHistory', () => {
  it("is each app's last SUCCEEDED builds before a run, oldest first, measured without waiting", () => {
    const s = store(dbPath());
    for (let i = 1; i <= 5; i++) {
      const t = i * 3600;
      s.saveRun(run(`run-${i}`, t, [finishedJob('a', t, i * 10, 'SUCCEEDED', 100), finishedJob('b', t, 7, i === 4 ? 'FAILED' : 'SUCCEEDED')], { status: 'SUCCEEDED', end: at(t + 200) }));
    }
    const current = run('run-6', 6 * 3600, [job('a'), job('b'), job('new')]);
    s.saveRun(current);
    s.saveRun(run('run-7', 7 * 3600, [finishedJob('a', 7 * 3600, 999)], { status: 'SUCCEEDED', end: at(7 * 3600 + 999) }));

    const history = s.readBuildHistory(['a', 'b', 'new'], { before: current, window: 3 });
    expect([...history.keys()]).toEqual(['a', 'b']);
    expect(history.get('a')).toEqual([
      { runId: 'run-3', start: at(3 * 3600), ms: 30_000 },
      { runId: 'run-4', start: at(4 * 3600), ms: 40_000 },
      { runId: 'run-5', start: at(5 * 3600), ms: 50_000 },
    ]);
    expect(history.get('b')!.map((p) => p.runId)).toEqual(['run-2', 'run-3', 'run-5']);
    // Before the first run there is nothing; a run with the same start counts when its id sorts first.
    expect(s.readBuildHistory(['a'], { before: { id: 'run-1', start: at(3600) } }).size).toBe(0);
    expect(s.readBuildHistory(['a'], { before: { id: 'run-9', start: at(3600) } }).get('a')).toHaveLength(1);
    expect(() => s.readBuildHistory(['a'], { before: current, window: 0 })).toThrow(/window must be a whole number/);
  });
});

describe("a job's build attempts", () => {
  it('round-trip: the job keeps the attempt it reached and each phase its attempt; the first attempt stays absent', () => {
    const s = store(dbPath());
    const phases: PhaseRecord[] = [
      { type: 'PROVISIONING', status: 'FAULT', start: at(0), end: at(3) },
      { type: 'COMPLETED', status: 'FAULT', start: at(3), end: at(3), message: 'build x ended FAULT; attempt 2 starts a new build' },
      { type: 'QUEUED', status: 'SUCCEEDED', start: at(4), end: at(6), attempt: 2 },
      { type: 'BUILD', status: 'IN_PROGRESS', start: at(6), end: null, attempt: 2 },
    ];
    const record = run('r', 0, [job('a', { attempt: 2, retries: 1, phases }), job('b')]);
    s.saveRun(record);
    expect(s.readRun('r')).toStrictEqual(record);
    expect('attempt' in s.readRun('r').jobs[1]!).toBe(false);
  });
});

describe("a job's reason", () => {
  it('round-trips, and stays absent when there is none', () => {
    const s = store(dbPath());
    const record = run('r', 0, [job('a', { reason: 'imports libs/x/src/y.ts' }), job('b')]);
    s.saveRun(record);
    expect(s.readRun('r')).toStrictEqual(record);
    expect('reason' in s.readRun('r').jobs[1]!).toBe(false);
  });

  it('is added to a database of the first schema version, which keeps its runs and their build times', () => {
    const path = dbPath();
    mkdirSync(join(dir, '.tessera'));
    const v1 = raw(path);
    v1.exec(MIGRATIONS[0]!);
    v1.pragma('user_version = 1');
    v1.prepare(`INSERT INTO runs (id, "trigger", base, head, status, "start") VALUES ('old', 'cli', NULL, 'abc', 'SUCCEEDED', ?)`).run(at(0));
    v1.prepare(`INSERT INTO jobs (run_id, app, position, version, executor, status, compute_type, retries) VALUES ('old', 'a', 0, 'v', 'local', 'SUCCEEDED', 'small', 0)`).run();
    const phase = v1.prepare(`INSERT INTO phases (run_id, app, seq, type, status, "start", "end") VALUES ('old', 'a', ?, ?, 'SUCCEEDED', ?, ?)`);
    [['SUBMITTED', 0, 0], ['QUEUED', 0, 30], ['PROVISIONING', 30, 32.5], ['BUILD', 32.5, 71.25], ['COMPLETED', 71.25, 71.25]].forEach(([type, from, to], seq) => phase.run(seq, type, at(from as number), at(to as number)));
    v1.close();
    const s = store(path);
    expect(s.readRun('old').jobs[0]).not.toHaveProperty('reason');
    // Its build time is filled in as computeJobDurationMs measures it: from PROVISIONING to the end.
    expect(s.readBuildHistory(['a'], { before: { id: 'z', start: at(100) } }).get('a')).toEqual([{ runId: 'old', start: at(0), ms: 41_250 }]);
    expect(s.readExpectedDurations(['a']).get('a')).toBe(41_250);
    s.saveRun(run('new', 10, [job('a', { reason: 'named on the command line' })]));
    expect(s.readRun('new').jobs[0]!.reason).toBe('named on the command line');
  });
});

describe('opening the database', () => {
  it('creates .tessera/, uses WAL, waits 5 s for locks, enforces foreign keys and migrates to the latest version', () => {
    const path = dbPath();
    expect(existsSync(join(dir, '.tessera'))).toBe(false);
    const db = openRunsDb(path);
    open.push(db);
    expect(readSchemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(['jobs', 'phases', 'runs']);
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM runs ORDER BY "start" DESC, id DESC LIMIT 5`).all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toContain('runs_by_start');
    db.close();
    // Opening again is a no-op for the schema, and keeps the data.
    const s = store(path);
    s.saveRun(run('kept', 0, [job('a')]));
    s.close();
    expect(store(path).readRun('kept').jobs).toHaveLength(1);
  });

  it('refuses a database from a newer Tessera and leaves it as it is', () => {
    const path = dbPath();
    const db = openRunsDb(path);
    db.pragma('user_version = 99');
    db.close();

    const error = thrown(() => createRunsStore(path));
    expect(error).toBeInstanceOf(TesseraError);
    expect(error.code).toBe('TESSERA_RUNS_DB_FAILED');
    expect(error.message).toContain(path);
    expect(error.message).toContain('99');
    expect(error.hint).toMatch(/Upgrade Tessera/);
    expect(readSchemaVersion(raw(path))).toBe(99);
  });

  it.each([
    ['text', Buffer.from('this is not a database\n'.repeat(300))],
    ['a few bytes', Buffer.from('oops')],
    ['a damaged header', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080, 0xab)])],
  ])('reports a file that is not a database (%s) with its path and leaves it untouched', (_, content) => {
    const path = dbPath();
    openRunsDb(path).close(); // creates .tessera/
    rmSync(path);
    for (const f of [`${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    writeFileSync(path, content);

    const error = thrown(() => createRunsStore(path));
    expect(error).toBeInstanceOf(TesseraError);
    expect(error.code).toBe('TESSERA_RUNS_DB_FAILED');
    expect(error.message).toContain(path);
    expect(error.hint).toContain(`mv ${path}`);
    expect(error.cause).toBeDefined();
    expect(readFileSync(path).equals(content)).toBe(true);
  });

  it('fails with TESSERA_RUNS_DB_FAILED, naming the file, when another process holds the lock too long', () => {
    const path = dbPath();
    const s = store(path, { busyTimeoutMs: 100 });
    const other = raw(path);
    other.exec('BEGIN IMMEDIATE');
    const error = thrown(() => s.saveRun(run('r', 0, [])));
    expect(error.code).toBe('TESSERA_RUNS_DB_FAILED');
    expect(error.message).toContain(path);
    expect(error.message).toContain('locked');
    expect(error.hint).toContain('Another tessera command');
    expect((error.cause as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
    other.exec('ROLLBACK');
    // Once the lock is gone the same store works again.
    s.saveRun(run('r', 0, []));
    expect(s.readRun('r').id).toBe('r');
  });
});

const CHILD_SOURCE = (storeUrl: string) => `
import { createRunsStore } from ${JSON.stringify(storeUrl)};
import { createInterface } from 'node:readline';
const [dbPath, mode, name, count] = process.argv.slice(2);
const at = (s) => new Date(Date.parse('2025-03-01T10:00:00.000Z') + s * 1000).toISOString();
const store = createRunsStore(dbPath);
if (mode === 'crash') {
  store.saveRun({ id: name, trigger: 'cli', base: null, head: 'h', status: 'IN_PROGRESS', start: new Date().toISOString(), end: null,
    jobs: [{ app: 'a', version: 'v', executor: 'local', status: 'IN_PROGRESS', buildId: 'local:a', computeType: 'small', retries: 0, estimatedCost: null, expectedMs: null,
      phases: [{ type: 'BUILD', status: 'IN_PROGRESS', start: new Date().toISOString(), end: null }], logFile: null, error: null }] });
  process.exit(3); // no close(): the process dies in the middle of the run
}
console.log('ready');
await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
for (let i = 0; i < Number(count); i++) {
  const run = { id: name + '-' + i, trigger: name, base: null, head: 'h', status: 'IN_PROGRESS', start: at(i), end: null,
    jobs: ['x', 'y', 'z'].map((app) => ({ app, version: 'v', executor: 'local', status: 'QUEUED', buildId: null, computeType: 'small', retries: 0,
      estimatedCost: null, expectedMs: null, phases: [], logFile: null, error: null })) };
  // Every run is saved as it progresses: one save per phase per job, then the end.
  for (const job of run.jobs) {
    job.status = 'IN_PROGRESS';
    for (const [k, type] of ['INSTALL', 'BUILD', 'POST_BUILD'].entries()) {
      job.phases.push({ type, status: 'SUCCEEDED', start: at(i + k), end: at(i + k + 1) });
      store.saveRun(run);
    }
    job.status = 'SUCCEEDED';
  }
  Object.assign(run, { status: 'SUCCEEDED', end: at(i + 5) });
  store.saveRun(run);
}
store.close();
console.log('done');
`;

/** Runs the child script above under tsx, so that it uses the real store from source. */
function startChild(path: string, args: string[]) {
  const script = join(dir, 'child.mts');
  if (!existsSync(script)) writeFileSync(script, CHILD_SOURCE(pathToFileURL(join(REPO_ROOT, 'tools/src/runs/runs-store.ts')).href));
  const child = spawn(process.execPath, ['--import', 'tsx', script, path, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.includes('ready') && resolve());
    child.on('exit', () => reject(new Error(`child exited before it was ready: ${err}`)));
  });
  ready.catch(() => undefined); // a child that is not meant to get ready (crash mode) is not an unhandled rejection
  const exited = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
  return { child, ready, exited, go: () => child.stdin.end('go\n') };
}

describe('several connections on one file', () => {
  it('loses nothing when two stores interleave their saves', () => {
    const path = dbPath();
    const [one, two] = [store(path), store(path)];
    const runs = [run('one', 0, [job('a'), job('b')]), run('two', 1, [job('a'), job('c')])];
    for (let step = 0; step < 6; step++) {
      runs.forEach((r, i) => {
        for (const j of r.jobs) j.phases.push({ type: 'BUILD', status: 'SUCCEEDED', start: at(step), end: at(step + 1) });
        (i === 0 ? one : two).saveRun(r);
        // Each store sees the other's latest save at once.
        expect((i === 0 ? two : one).readRun(r.id)).toStrictEqual(r);
      });
    }
    expect(one.listRuns().map((r) => r.id)).toEqual(['two', 'one']);
  });

  it('loses nothing when three processes save at the same time', async () => {
    const path = dbPath();
    store(path).close(); // migrate once, so the children race on saves, not on the schema
    const children = ['p1', 'p2', 'p3'].map((name) => startChild(path, ['hammer', name, '25']));
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go(); // all start writing together
    const results = await Promise.all(children.map((c) => c.exited));
    for (const r of results) expect(r, r.err).toMatchObject({ code: 0 });

    const s = store(path);
    const summaries = s.listRuns({ limit: 1000 });
    expect(summaries).toHaveLength(75);
    for (const name of ['p1', 'p2', 'p3']) {
      for (let i = 0; i < 25; i++) {
        const r = s.readRun(`${name}-${i}`);
        expect(r.status).toBe('SUCCEEDED');
        expect(r.jobs.map((j) => [j.app, j.status, j.phases.length])).toEqual([['x', 'SUCCEEDED', 3], ['y', 'SUCCEEDED', 3], ['z', 'SUCCEEDED', 3]]);
      }
    }
  });
});

describe('markInterrupted', () => {
  /** The pid of a process that has exited. */
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

  it('stops the runs of a crashed process, with their unfinished jobs and open phases, once', () => {
    const path = dbPath();
    const crashed = store(path, { owner: { host: hostname(), pid: deadPid(), startedAt: Date.parse(at(-10)) } });
    const left = run('crashed', 0, [
      finishedJob('done', 0, 30),
      job('building', { status: 'IN_PROGRESS', phases: [{ type: 'QUEUED', status: 'SUCCEEDED', start: at(0), end: at(1) }, { type: 'BUILD', status: 'IN_PROGRESS', start: at(40), end: null }] }),
      job('waiting', { status: 'QUEUED' }),
    ]);
    crashed.saveRun(left);
    crashed.saveRun(run('finished', -5, [finishedJob('done', -5, 1)], { status: 'SUCCEEDED', end: at(-4) }));
    crashed.close();

    const s = store(path);
    s.saveRun(run('mine', (Date.now() - Date.parse(at(0))) / 1000, [job('a', { status: 'IN_PROGRESS' })]));
    expect(s.markInterrupted()).toBe(1);

    const stopped = s.readRun('crashed');
    // It ended when it was last known to be alive: the start of its last phase.
    expect(stopped).toMatchObject({ status: 'STOPPED', end: at(40) });
    expect(stopped.jobs.map((j) => j.status)).toEqual(['SUCCEEDED', 'STOPPED', 'STOPPED']);
    expect(stopped.jobs[0]).toStrictEqual(left.jobs[0]);
    expect(stopped.jobs[1]!.phases[1]).toStrictEqual({ type: 'BUILD', status: 'STOPPED', start: at(40), end: at(40) });
    expect(stopped.jobs[1]!.error).toMatch(/Interrupted/);
    expect(s.readRun('finished').status).toBe('SUCCEEDED');
    expect(s.readRun('mine').status).toBe('IN_PROGRESS');
    expect(s.markInterrupted()).toBe(0);
  });

  it('leaves alone a run that another live process is recording', () => {
    const path = dbPath();
    // The test runner's parent process is alive, and on this host.
    store(path, { owner: { host: hostname(), pid: process.ppid, startedAt: Date.parse(at(-10)) } }).saveRun(run('live', 0, [job('a', { status: 'IN_PROGRESS' })]));
    expect(store(path).markInterrupted()).toBe(0);
  });

  it('judges runs recorded on another host by their start: before this process started means gone', () => {
    const path = dbPath();
    const elsewhere = store(path, { owner: { host: 'another-host', pid: process.pid, startedAt: 0 } });
    elsewhere.saveRun(run('old', 0, [job('a', { status: 'IN_PROGRESS' })]));
    elsewhere.saveRun(run('new', (Date.now() + 60_000 - Date.parse(at(0))) / 1000, [job('a', { status: 'IN_PROGRESS' })]));
    expect(store(path).markInterrupted()).toBe(1);
    expect(store(path).listRuns().map((r) => [r.id, r.status])).toEqual([['new', 'IN_PROGRESS'], ['old', 'STOPPED']]);
  });

  it('stops the run of a real process that died in the middle of it', async () => {
    const path = dbPath();
    store(path).close();
    const { exited } = startChild(path, ['crash', 'killed', '0']);
    expect((await exited).code).toBe(3);
    const s = store(path);
    expect(s.readRun('killed').status).toBe('IN_PROGRESS');
    expect(s.markInterrupted()).toBe(1);
    expect(s.readRun('killed')).toMatchObject({ status: 'STOPPED', jobs: [{ status: 'STOPPED', phases: [{ status: 'STOPPED' }] }] });
  });
});
