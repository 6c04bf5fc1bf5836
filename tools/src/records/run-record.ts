/**
 * The run record: what one `tessera build` did, in CodeBuild's own words. Executors fill it
 * through events; the runs store persists it; reports render it. This is the shared
 * vocabulary of buildspec, executors, fan-out, runs and report, so it imports nothing.
 */

/** The executors a job can run on: this machine, or one AWS CodeBuild build per job. */
export const EXECUTOR_NAMES = ['local', 'codebuild'] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

/** CodeBuild's build phases, in order. QUEUED also covers waiting for a slot in the fan-out. */
export const PHASE_TYPES = [
  'SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED',
] as const;
export type PhaseType = (typeof PHASE_TYPES)[number];

/** The buildspec phases a runner executes, with their PhaseType. */
export const BUILDSPEC_PHASES = { install: 'INSTALL', pre_build: 'PRE_BUILD', build: 'BUILD', post_build: 'POST_BUILD' } as const satisfies Record<string, PhaseType>;
export type BuildspecPhaseName = keyof typeof BUILDSPEC_PHASES;

/** CodeBuild's phase and build status words. */
export type PhaseStatus = 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'TIMED_OUT' | 'IN_PROGRESS' | 'STOPPED';
/** A job's status: CodeBuild's build statuses, plus QUEUED (not started yet) and CACHED (its version was already published). */
export type JobStatus = 'QUEUED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'TIMED_OUT' | 'STOPPED' | 'CACHED';
export type RunStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'STOPPED';

/** Terminal job statuses: a job ends in exactly one of these. */
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['SUCCEEDED', 'FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED', 'CACHED'];

/**
 * Phases that measure waiting, not building: a job's duration starts after them, so that a
 * build that once waited ten minutes for a slot is not scheduled as a ten-minute build.
 */
export const WAITING_PHASES: readonly PhaseType[] = ['SUBMITTED', 'QUEUED'];

/** One phase of one build. Times are ISO-8601 strings. */
export interface PhaseRecord {
  type: PhaseType;
  status: PhaseStatus;
  start: string;
  end: string | null;
  /** Why the phase failed, when it did (e.g. `COMMAND_EXECUTION_ERROR: exit status 2`). */
  message?: string;
  /**
   * The build attempt it belongs to, when not the first: a FAULT retry starts a new build,
   * whose phases follow the first one's on the same job (see {@link JobRecord.attempt}).
   */
  attempt?: number;
}

/** One line of build output. `text` keeps its ANSI colours. */
export interface LogLine {
  time: string;
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
}

/** One app's build within a run. */
export interface JobRecord {
  app: string;
  version: string;
  executor: ExecutorName;
  status: JobStatus;
  /** The executor's id for the build (CodeBuild's `project:uuid`, or `local:<run>:<app>`). */
  buildId: string | null;
  computeType: string;
  /** Retries of any kind: StartBuild refused for throttling or limits, and builds started again after a FAULT. */
  retries: number;
  /**
   * The job's current build, counted from 1: a FAULT retry starts build 2. Stored with the
   * job, so that a run resumed after a crash asks for the same build again (CodeBuild's
   * idempotency token is derived from the run, the app and this number). Absent means 1.
   */
  attempt?: number;
  /** Estimated cost in USD (CodeBuild's per-minute price, billed per started minute). */
  estimatedCost: number | null;
  /** Expected duration from history, in milliseconds (null when unknown). */
  expectedMs: number | null;
  phases: PhaseRecord[];
  /** Log file path, relative to the workspace. */
  logFile: string | null;
  error: string | null;
  /**
   * Why the app is in the run: its top affected reason (`tessera build --affected`), or that it
   * was named or is every app. Absent in runs recorded before Tessera kept it.
   */
  reason?: string;
}

/**
 * The end of the trigger of a run of untrusted code (`webhook:pull_request:fork`): what it
 * built never counts as built for anyone else.
 */
export const UNTRUSTED_TRIGGER_SUFFIX = ':fork';

/** One `tessera build`: what triggered it, the range, and its jobs. */
export interface RunRecord {
  id: string;
  trigger: string;
  base: string | null;
  head: string;
  status: RunStatus;
  start: string;
  end: string | null;
  jobs: JobRecord[];
}

/** One earlier build of an app (from the runs database): the report draws these as the app's duration trend. */
export interface BuildHistoryPoint {
  runId: string;
  /** When its run started (ISO-8601). */
  start: string;
  /** How long it built, without waiting (see computeJobDurationMs). */
  ms: number;
}
