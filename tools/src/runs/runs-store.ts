import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { TesseraError } from '../errors/tessera-error.js';
import { computeJobDurationMs, computeMedian } from './compute-expected-duration.js';
import { isRunInterrupted, type RunsOwner } from './is-run-interrupted.js';
import { createIdPrefixLookup } from '../sqlite/create-id-prefix-lookup.js';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../sqlite/open-database.js';
import { toSqliteError } from '../sqlite/sqlite-error.js';
import { openRunsDb, RUNS_DATABASE } from './open-runs-db.js';
import { UNTRUSTED_TRIGGER_SUFFIX, type BuildHistoryPoint, type JobRecord, type JobStatus, type PhaseRecord, type RunRecord } from '../records/run-record.js';
import { isProcessAlive } from '../buildspec/process-group.js';

export type { RunsOwner } from './is-run-interrupted.js';

/** One line of `tessera runs list`: a run without its jobs, with counts instead. */
export interface RunSummary {
  id: string;
  trigger: string;
  base: string | null;
  head: string;
  status: RunRecord['status'];
  start: string;
  end: string | null;
  /** How many jobs the run has (CACHED ones included). */
  jobs: number;
  /** How many of them FAILED, hit a FAULT or TIMED_OUT (STOPPED is not a failure). */
  failed: number;
}

/** Options of {@link createRunsStore}. */
export interface RunsStoreOptions {
  /**
   * How long to wait for another process's lock before failing with TESSERA_RUNS_DB_FAILED.
   * @default 5000
   */
  busyTimeoutMs?: number;
  /**
   * This process: recorded on every run it saves, and compared by `markInterrupted`.
   * Tests set it to play a process that crashed.
   * @default { host: os.hostname(), pid: process.pid, startedAt: performance.timeOrigin }
   */
  owner?: RunsOwner;
}

/** Run history, persisted in SQLite. Synchronous, like better-sqlite3 underneath. */
export interface RunsStore {
  /**
   * Writes the run, its jobs and their phases in one transaction, replacing what was stored
   * for it (a job's phases are replaced wholesale). Called on every progress event of a run.
   */
  saveRun(run: RunRecord): void;
  /**
   * The run with that id, a unique prefix of one, or `latest` (the most recently started).
   * Throws TESSERA_RUN_NOT_FOUND when none or several match.
   */
  readRun(id: string): RunRecord;
  /** The most recently started runs first. `limit` defaults to 20. */
  listRuns(options?: { limit?: number }): RunSummary[];
  /**
   * Per app, the median build duration in ms of its last `window` (default 10) SUCCEEDED
   * jobs, measured without the time spent waiting (see computeJobDurationMs). Apps with no
   * such history are absent, so the scheduler falls back to its estimate from input size.
   */
  readExpectedDurations(apps: string[], options?: { window?: number }): Map<string, number>;
  /**
   * Per app, its last `window` (default 10) SUCCEEDED builds in the runs started before
   * `before` (ties broken by id, as `latest` does), oldest first. One query per app. Builds
   * without usable phase times are left out; apps without any are absent.
   */
  readBuildHistory(apps: string[], options: { before: Pick<RunRecord, 'id' | 'start'>; window?: number }): Map<string, BuildHistoryPoint[]>;
  /**
   * Marks as STOPPED the runs left IN_PROGRESS by a process that is gone (crashed, killed),
   * with their unfinished jobs and open phases; returns how many runs it marked.
   */
  markInterrupted(): number;
  /** Closes the database connection. Safe to call twice. */
  close(): void;
}

interface RunRow {
  id: string;
  trigger: string;
  base: string | null;
  head: string;
  status: RunRecord['status'];
  start: string;
  end: string | null;
}
interface JobRow {
  app: string;
  version: string;
  executor: JobRecord['executor'];
  status: JobStatus;
  build_id: string | null;
  compute_type: string;
  retries: number;
  attempt: number;
  estimated_cost: number | null;
  expected_ms: number | null;
  log_file: string | null;
  error: string | null;
  reason: string | null;
}
interface PhaseRow {
  app: string;
  type: PhaseRecord['type'];
  status: PhaseRecord['status'];
  start: string;
  end: string | null;
  message: string | null;
  attempt: number;
}
interface OpenRunRow {
  id: string;
  start: string;
  owner_host: string | null;
  owner_pid: number | null;
}

const FAILED_STATUSES = `('FAILED', 'FAULT', 'TIMED_OUT')`;
const UNFINISHED_JOB_STATUSES = `('QUEUED', 'IN_PROGRESS')`;
const INTERRUPTED_ERROR = 'Interrupted: the tessera process that ran this build exited before it finished';

/**
 * Opens the run history at `dbPath` (usually `<workspace>/.tessera/tessera.db`), creating and
 * migrating it when needed. Every statement is prepared once here, because `saveRun` runs on
 * every progress event of a build.
 */
export function createRunsStore(dbPath: string, options: RunsStoreOptions = {}): RunsStore {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const owner = options.owner ?? { host: hostname(), pid: process.pid, startedAt: performance.timeOrigin };
  const db = openRunsDb(dbPath, { busyTimeoutMs });
  const guard = <T>(doing: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw toSqliteError(RUNS_DATABASE, dbPath, doing, error, busyTimeoutMs);
    }
  };

  const s = (() => {
    try {
      return prepare(db);
    } catch (error) {
      db.close();
      throw toSqliteError(RUNS_DATABASE, dbPath, 'preparing its statements', error, busyTimeoutMs);
    }
  })();

  // Both write transactions run IMMEDIATE: the write lock is taken at BEGIN, where a
  // connection waits for another under the busy timeout. A deferred transaction that reads
  // before it writes (markOne does) would instead fail at once when it has to upgrade its
  // lock after another connection committed (SQLITE_BUSY_SNAPSHOT).
  const save = db.transaction((run: RunRecord) => {
    s.upsertRun.run({ ...run, owner_host: owner.host, owner_pid: owner.pid });
    s.deleteJobsNotIn.run(run.id, JSON.stringify(run.jobs.map((j) => j.app)));
    s.deletePhases.run(run.id);
    run.jobs.forEach((job, position) => {
      s.upsertJob.run({
        run_id: run.id, app: job.app, position, version: job.version, executor: job.executor, status: job.status, build_id: job.buildId,
        compute_type: job.computeType, retries: job.retries, attempt: job.attempt ?? 1, estimated_cost: job.estimatedCost, expected_ms: job.expectedMs, log_file: job.logFile, error: job.error,
        reason: job.reason ?? null, build_ms: computeJobDurationMs(job.phases) ?? null,
      });
      job.phases.forEach((phase, seq) => {
        s.insertPhase.run({ run_id: run.id, app: job.app, seq, type: phase.type, status: phase.status, start: phase.start, end: phase.end, message: phase.message ?? null, attempt: phase.attempt ?? 1 });
      });
    });
  });

  const markOne = db.transaction((id: string): boolean => {
    const end = (s.lastKnownTime.get({ id }) as { at: string }).at;
    if (s.stopRun.run({ id, end }).changes === 0) return false; // finished meanwhile
    s.stopJobs.run({ id, error: INTERRUPTED_ERROR });
    s.closePhases.run({ id, end });
    return true;
  });

  let closed = false;
  return {
    saveRun(run) {
      guard(`saving run ${run.id}`, () => save.immediate(run));
    },

    readRun(id) {
      return guard(`reading run ${id}`, () => {
        const runId = resolveRunId(s, id);
        const row = s.selectRun.get(runId) as RunRow;
        const jobs = (s.selectJobs.all(runId) as JobRow[]).map(toJobRecord);
        const byApp = new Map(jobs.map((j) => [j.app, j]));
        for (const p of s.selectPhases.all(runId) as PhaseRow[]) byApp.get(p.app)?.phases.push(toPhaseRecord(p));
        return { id: row.id, trigger: row.trigger, base: row.base, head: row.head, status: row.status, start: row.start, end: row.end, jobs };
      });
    },

    listRuns({ limit = 20 } = {}) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`listRuns: limit must be a whole number of at least 1; received ${String(limit)}`);
      return guard('listing runs', () => s.listRuns.all(limit) as RunSummary[]);
    },

    readExpectedDurations(apps, { window = 10 } = {}) {
      if (!Number.isInteger(window) || window < 1) throw new RangeError(`readExpectedDurations: window must be a whole number of at least 1; received ${String(window)}`);
      return guard('reading build history', () => {
        const expected = new Map<string, number>();
        for (const app of new Set(apps)) {
          // A SUCCEEDED job without usable phase times (build_ms NULL) does not take a slot of the window.
          const median = computeMedian(s.recentBuildMs.all(app, window) as number[]);
          if (median !== undefined) expected.set(app, median);
        }
        return expected;
      });
    },

    readBuildHistory(apps, { before, window = 10 }) {
      if (!Number.isInteger(window) || window < 1) throw new RangeError(`readBuildHistory: window must be a whole number of at least 1; received ${String(window)}`);
      return guard('reading build history', () => {
        const history = new Map<string, BuildHistoryPoint[]>();
        for (const app of new Set(apps)) {
          const rows = s.buildHistory.all({ app, start: before.start, id: before.id, window }) as { run_id: string; run_start: string; build_ms: number }[];
          if (rows.length) history.set(app, rows.reverse().map((row) => ({ runId: row.run_id, start: row.run_start, ms: row.build_ms })));
        }
        return history;
      });
    },

    markInterrupted() {
      return guard('marking interrupted runs', () => {
        let marked = 0;
        for (const run of s.openRuns.all() as OpenRunRow[]) {
          const open = { start: run.start, owner: run.owner_host === null || run.owner_pid === null ? null : { host: run.owner_host, pid: run.owner_pid } };
          if (isRunInterrupted(open, owner, isProcessAlive) && markOne.immediate(run.id)) marked++;
        }
        return marked;
      });
    },

    close() {
      if (closed) return;
      closed = true;
      guard('closing it', () => db.close());
    },
  };
}

/** What the webhook service asks about recorded builds. */
export interface JobFacts {
  /** How many jobs, of every run, are in each status (`tessera_builds` in /metrics). */
  readBuildsByStatus(): Record<string, number>;
  /**
   * True when a build of this app at this version already SUCCEEDED: the same inputs never
   * build twice. A run of untrusted code (its trigger ends in UNTRUSTED_TRIGGER_SUFFIX) counts
   * only with `includeUntrusted`: a fork's build did not publish, and is not to be trusted.
   */
  isVersionBuilt(app: string, version: string, includeUntrusted?: boolean): boolean;
}

/**
 * The job facts of the runs database, read through a connection someone else opened on it
 * (the webhook queue, which lives in the same file and answers them on the receiver's own
 * connection). The SQL over `jobs` stays here, with the schema it depends on. Statements
 * are prepared once; SQLite errors reach the caller unmapped, since it knows which database
 * it was using them as.
 */
export function createJobFacts(db: Database.Database): JobFacts {
  const byStatus = db.prepare(`SELECT status, count(*) AS n FROM jobs GROUP BY status`);
  const versionBuilt = db.prepare(`SELECT 1 FROM jobs WHERE app = ? AND version = ? AND status = 'SUCCEEDED' LIMIT 1`);
  const trustedVersionBuilt = db.prepare(`
    SELECT 1 FROM jobs j JOIN runs r ON r.id = j.run_id
    WHERE j.app = ? AND j.version = ? AND j.status = 'SUCCEEDED' AND substr(r."trigger", -${UNTRUSTED_TRIGGER_SUFFIX.length}) <> '${UNTRUSTED_TRIGGER_SUFFIX}' LIMIT 1`);
  return {
    readBuildsByStatus() {
      const counts: Record<string, number> = {};
      for (const r of byStatus.all() as { status: string; n: number }[]) counts[r.status] = r.n;
      return counts;
    },
    isVersionBuilt: (app, version, includeUntrusted = false) => (includeUntrusted ? versionBuilt : trustedVersionBuilt).get(app, version) !== undefined,
  };
}

function resolveRunId(s: ReturnType<typeof prepare>, id: string): string {
  if (id === 'latest') {
    const latest = s.latestRunId.get() as string | undefined;
    if (latest === undefined) throw new TesseraError('TESSERA_RUN_NOT_FOUND', 'There is no latest run: no run has been recorded yet', { hint: 'Start one with `tessera build --affected`.' });
    return latest;
  }
  const match = s.runIdByPrefix(id);
  if (match.kind === 'unique') return match.id;
  if (match.kind === 'ambiguous') {
    throw new TesseraError('TESSERA_RUN_NOT_FOUND', `Run id prefix "${id}" is ambiguous: it matches ${match.ids.join(', ')}${match.more ? ' and more' : ''}`, {
      hint: 'Give more characters of the id; `tessera runs list` shows them.',
    });
  }
  throw new TesseraError('TESSERA_RUN_NOT_FOUND', `No run with id "${id}"`);
}

function toJobRecord(row: JobRow): JobRecord {
  // `reason` is optional in the record, like a phase's `message`: absent, not null, when there is none.
  return {
    app: row.app, version: row.version, executor: row.executor, status: row.status, buildId: row.build_id, computeType: row.compute_type, retries: row.retries,
    estimatedCost: row.estimated_cost, expectedMs: row.expected_ms, phases: [], logFile: row.log_file, error: row.error, ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.attempt > 1 ? { attempt: row.attempt } : {}),
  };
}

function toPhaseRecord(row: PhaseRow): PhaseRecord {
  // `message` and `attempt` are optional in the record: absent when there is none, or for the first attempt.
  return { type: row.type, status: row.status, start: row.start, end: row.end, ...(row.message === null ? {} : { message: row.message }), ...(row.attempt > 1 ? { attempt: row.attempt } : {}) };
}

function prepare(db: Database.Database) {
  return {
    upsertRun: db.prepare(`
      INSERT INTO runs (id, "trigger", base, head, status, "start", "end", owner_host, owner_pid)
      VALUES (@id, @trigger, @base, @head, @status, @start, @end, @owner_host, @owner_pid)
      ON CONFLICT (id) DO UPDATE SET "trigger" = excluded."trigger", base = excluded.base, head = excluded.head, status = excluded.status,
        "start" = excluded."start", "end" = excluded."end", owner_host = excluded.owner_host, owner_pid = excluded.owner_pid`),
    // Not INSERT OR REPLACE: replacing a row deletes it first, which would cascade to its children.
    upsertJob: db.prepare(`
      INSERT INTO jobs (run_id, app, position, version, executor, status, build_id, compute_type, retries, attempt, estimated_cost, expected_ms, log_file, error, reason, build_ms)
      VALUES (@run_id, @app, @position, @version, @executor, @status, @build_id, @compute_type, @retries, @attempt, @estimated_cost, @expected_ms, @log_file, @error, @reason, @build_ms)
      ON CONFLICT (run_id, app) DO UPDATE SET position = excluded.position, version = excluded.version, executor = excluded.executor, status = excluded.status,
        build_id = excluded.build_id, compute_type = excluded.compute_type, retries = excluded.retries, attempt = excluded.attempt, estimated_cost = excluded.estimated_cost,
        expected_ms = excluded.expected_ms, log_file = excluded.log_file, error = excluded.error, reason = excluded.reason, build_ms = excluded.build_ms`),
    deleteJobsNotIn: db.prepare(`DELETE FROM jobs WHERE run_id = ? AND app NOT IN (SELECT value FROM json_each(?))`),
    deletePhases: db.prepare(`DELETE FROM phases WHERE run_id = ?`),
    insertPhase: db.prepare(`
      INSERT INTO phases (run_id, app, seq, type, status, "start", "end", message, attempt)
      VALUES (@run_id, @app, @seq, @type, @status, @start, @end, @message, @attempt)`),
    selectRun: db.prepare(`SELECT id, "trigger" AS "trigger", base, head, status, "start" AS "start", "end" AS "end" FROM runs WHERE id = ?`),
    latestRunId: db.prepare(`SELECT id FROM runs ORDER BY "start" DESC, id DESC LIMIT 1`).pluck(),
    runIdByPrefix: createIdPrefixLookup(db, { table: 'runs' }),
    selectJobs: db.prepare(`SELECT * FROM jobs WHERE run_id = ? ORDER BY position`),
    selectPhases: db.prepare(`SELECT app, type, status, "start", "end", message, attempt FROM phases WHERE run_id = ? ORDER BY app, seq`),
    listRuns: db.prepare(`
      SELECT r.id, r."trigger" AS "trigger", r.base, r.head, r.status, r."start" AS "start", r."end" AS "end",
        (SELECT count(*) FROM jobs j WHERE j.run_id = r.id) AS jobs,
        (SELECT count(*) FROM jobs j WHERE j.run_id = r.id AND j.status IN ${FAILED_STATUSES}) AS failed
      FROM runs r ORDER BY r."start" DESC, r.id DESC LIMIT ?`),
    // An app's last SUCCEEDED builds with a known duration, newest first (as `latest` orders).
    recentBuildMs: db.prepare(`
      SELECT j.build_ms FROM jobs j JOIN runs r ON r.id = j.run_id
      WHERE j.app = ? AND j.status = 'SUCCEEDED' AND j.build_ms IS NOT NULL
      ORDER BY r."start" DESC, r.id DESC LIMIT ?`).pluck(),
    // The same, before a run, with the run of each build.
    buildHistory: db.prepare(`
      SELECT j.run_id, r."start" AS run_start, j.build_ms FROM jobs j JOIN runs r ON r.id = j.run_id
      WHERE j.app = @app AND j.status = 'SUCCEEDED' AND j.build_ms IS NOT NULL AND (r."start" < @start OR (r."start" = @start AND r.id < @id))
      ORDER BY r."start" DESC, r.id DESC LIMIT @window`),
    openRuns: db.prepare(`SELECT id, "start" AS "start", owner_host, owner_pid FROM runs WHERE status = 'IN_PROGRESS'`),
    // The last moment the crashed process is known to have been alive: its run "ended" then.
    lastKnownTime: db.prepare(`
      SELECT max(t) AS at FROM (
        SELECT "start" AS t FROM runs WHERE id = @id
        UNION ALL SELECT "start" FROM phases WHERE run_id = @id
        UNION ALL SELECT "end" FROM phases WHERE run_id = @id)`),
    stopRun: db.prepare(`UPDATE runs SET status = 'STOPPED', "end" = coalesce("end", @end) WHERE id = @id AND status = 'IN_PROGRESS'`),
    stopJobs: db.prepare(`UPDATE jobs SET status = 'STOPPED', error = coalesce(error, @error) WHERE run_id = @id AND status IN ${UNFINISHED_JOB_STATUSES}`),
    closePhases: db.prepare(`
      UPDATE phases SET status = CASE status WHEN 'IN_PROGRESS' THEN 'STOPPED' ELSE status END, "end" = @end
      WHERE run_id = @id AND "end" IS NULL`),
  };
}
