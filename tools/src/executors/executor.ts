import type { ExecutorName, JobStatus, LogLine, PhaseStatus, PhaseType } from '../records/run-record.js';

/** Everything an executor needs to run one app's build. */
export interface JobSpec {
  runId: string;
  app: string;
  /** Content hash of the app's inputs (TESSERA_VERSION). */
  version: string;
  /** The commit to build. */
  sourceVersion: string;
  computeType: string;
  /** Environment for the build: TESSERA_APP, TESSERA_VERSION, TESSERA_RUN_ID and the app's own. */
  env: Record<string, string>;
  /** Per-job timeout in milliseconds. */
  timeoutMs: number;
  /**
   * Which build of the job this is, from 1: the fan-out asks again with 2 after a FAULT. An
   * executor that deduplicates requests (CodeBuild's idempotency token) keys them on it, so a
   * retry starts a new build while the same attempt asked twice gets the same one. @default 1
   */
  attempt?: number;
}

/** What an executor reports while a job runs; the fan-out turns it into the run record. */
export interface JobEvents {
  /** A phase started (status IN_PROGRESS) or ended (any other status). */
  phase(type: PhaseType, status: PhaseStatus, time: Date, message?: string): void;
  log(line: LogLine): void;
  /** The executor's build id, once known (a retry's new build reports its own). */
  started(buildId: string): void;
  /** A transient failure was retried (throttling, account limits). */
  retried(reason: string): void;
}

/** How a job ended. */
export interface JobOutcome {
  status: Exclude<JobStatus, 'QUEUED' | 'IN_PROGRESS' | 'CACHED'>;
  buildId: string | null;
  error?: string;
}

/**
 * Runs builds: `local` (a worker on this machine) or `codebuild` (one CodeBuild build per
 * job). `run` resolves once the job reached a terminal status; aborting `signal` stops the
 * build (process-group kill or StopBuild) and resolves with STOPPED.
 */
export interface Executor {
  readonly name: ExecutorName;
  /** A sensible --concurrency when none is given. */
  readonly defaultConcurrency: number;
  /** Where builds run, when that is a cloud region (CodeBuild's, as the AWS SDK resolved it): the report links to its console. */
  readonly region?: string;
  run(job: JobSpec, events: JobEvents, signal: AbortSignal): Promise<JobOutcome>;
  /** Releases shared resources (pollers, clients). */
  close(): Promise<void>;
}
