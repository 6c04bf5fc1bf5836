import type Database from 'better-sqlite3';
import { openDatabase } from '../sqlite/open-database.js';
import type { DatabaseRole } from '../sqlite/sqlite-error.js';

/** The run history, as failures name it: TESSERA_RUNS_DB_FAILED, "the runs database". */
export const RUNS_DATABASE: DatabaseRole = {
  name: 'runs database',
  code: 'TESSERA_RUNS_DB_FAILED',
  startAfresh: 'a fresh run history',
  relocate: 'set `cacheDir` in tessera.config.json to a writable directory',
};

/**
 * The schema, as an ordered list of steps: step `i` takes a database from
 * `user_version = i` to `i + 1`. Steps are append-only: a released step is never edited,
 * because databases out there already ran it; a change is a new step.
 *
 * Times are stored as the ISO-8601 strings of the RunRecord, unchanged, so that a run
 * round-trips exactly; `toISOString()` strings (UTC, fixed width) also sort by time, which
 * the indexes rely on. `jobs.position` keeps the plan's job order (longest first), which
 * the (run_id, app) key alone would lose. `runs.owner_host`/`owner_pid` name the process
 * that records the run, so that `markInterrupted` can tell a crashed run from one that
 * another live `tessera` process is still recording.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    "trigger" TEXT NOT NULL,
    base TEXT,
    head TEXT NOT NULL,
    status TEXT NOT NULL,
    "start" TEXT NOT NULL,
    "end" TEXT,
    owner_host TEXT,
    owner_pid INTEGER
  ) STRICT;
  CREATE TABLE jobs (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    app TEXT NOT NULL,
    position INTEGER NOT NULL,
    version TEXT NOT NULL,
    executor TEXT NOT NULL,
    status TEXT NOT NULL,
    build_id TEXT,
    compute_type TEXT NOT NULL,
    retries INTEGER NOT NULL,
    estimated_cost REAL,
    expected_ms REAL,
    log_file TEXT,
    error TEXT,
    PRIMARY KEY (run_id, app)
  ) STRICT;
  CREATE TABLE phases (
    run_id TEXT NOT NULL,
    app TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    "start" TEXT NOT NULL,
    "end" TEXT,
    message TEXT,
    PRIMARY KEY (run_id, app, seq),
    FOREIGN KEY (run_id, app) REFERENCES jobs(run_id, app) ON DELETE CASCADE
  ) STRICT;
  -- tessera runs list, and 'latest'
  CREATE INDEX runs_by_start ON runs("start" DESC, id DESC);
  -- the scheduler's history: an app's recent SUCCEEDED jobs
  CREATE INDEX jobs_by_app ON jobs(app, status);
  -- markInterrupted looks at the few unfinished runs only
  CREATE INDEX runs_in_progress ON runs(status) WHERE status = 'IN_PROGRESS';
  `,
  // 2: why each app is in its run (the report's header lists the affected apps with it), and
  // how long each job built: computeJobDurationMs of its phases (the first phase after
  // SUBMITTED and QUEUED to the end of the last), kept by saveRun so that reading an app's
  // history needs one row a build rather than its phases. Filled here for the jobs recorded so far.
  `
  ALTER TABLE jobs ADD COLUMN reason TEXT;
  ALTER TABLE jobs ADD COLUMN build_ms REAL;
  UPDATE jobs SET build_ms = (
    SELECT CASE WHEN ms >= 0 THEN ms END FROM (
      SELECT round(1000 * (
        unixepoch((SELECT p."end" FROM phases p WHERE p.run_id = jobs.run_id AND p.app = jobs.app ORDER BY p.seq DESC LIMIT 1), 'subsec') -
        unixepoch((SELECT p."start" FROM phases p WHERE p.run_id = jobs.run_id AND p.app = jobs.app AND p.type NOT IN ('SUBMITTED', 'QUEUED') ORDER BY p.seq LIMIT 1), 'subsec'))) AS ms));
  `,
  // 3: build attempts. A FAULT retry starts a new CodeBuild build whose idempotency token is
  // derived from the job's attempt number, so the number is stored (a resumed run asks for the
  // same build again); each phase names the attempt it belongs to, for the timeline.
  `
  ALTER TABLE jobs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE phases ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
  `,
];

/** Options of {@link openRunsDb}. */
export interface OpenRunsDbOptions {
  /**
   * How long to wait for another process's lock before failing with TESSERA_RUNS_DB_FAILED.
   * @default 5000
   */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating it and its directory when needed) the runs database at `path`, migrated
 * to the latest schema. WAL lets `tessera runs` read while a build writes, and lets two
 * builds in one workspace take turns instead of failing. Never deletes or rewrites a file
 * it cannot read: a corrupt file or one from a newer Tessera is reported, with the path,
 * as TESSERA_RUNS_DB_FAILED.
 */
export function openRunsDb(path: string, options: OpenRunsDbOptions = {}): Database.Database {
  return openDatabase(path, { migrations: MIGRATIONS, role: RUNS_DATABASE, busyTimeoutMs: options.busyTimeoutMs });
}
