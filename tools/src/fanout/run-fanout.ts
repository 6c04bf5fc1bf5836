import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { TesseraError } from '../errors/tessera-error.js';
import type { Executor, JobEvents, JobOutcome, JobSpec } from '../executors/executor.js';
import type { JobRecord, JobStatus, LogLine, PhaseStatus, PhaseType, RunRecord } from '../records/run-record.js';

/** What happened, for live progress. The run record passed along is already updated. */
export type FanoutEvent =
  | { type: 'job-start'; app: string }
  | { type: 'phase'; app: string; phase: PhaseType; status: PhaseStatus }
  | { type: 'retry'; app: string; reason: string }
  | { type: 'job-end'; app: string; status: JobStatus }
  | { type: 'run-end' };

export interface FanoutOptions {
  /** The run, with one QUEUED job per spec (other statuses, e.g. CACHED, are left alone). */
  run: RunRecord;
  /** Job specs, by app. */
  specs: ReadonlyMap<string, JobSpec>;
  executor: Executor;
  /** Builds in flight at once. @example 20 */
  concurrency: number;
  /** Stop every other build after the first failure. @default false */
  failFast?: boolean;
  /**
   * Retries of a build that ended FAULT (an infrastructure failure, not the app's): each starts
   * a new build, attempt 2, 3, ... (`JobRecord.attempt`). A resumed job's earlier attempts count. @default 1
   */
  maxFaultRetries?: number;
  /** Base backoff before a retry, doubled each time, with jitter. @default 2000 */
  retryDelayMs?: number;
  /** Aborting it stops every build: started ones are stopped, queued ones never start. */
  signal?: AbortSignal;
  now?: () => Date;
  onEvent?: (run: RunRecord, event: FanoutEvent) => void;
  onLog?: (app: string, line: LogLine) => void;
}

const FAILING: readonly JobStatus[] = ['FAILED', 'FAULT', 'TIMED_OUT'];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Closes every open phase of a job with `status`. */
function closeOpenPhases(job: JobRecord, status: PhaseStatus, at: string) {
  for (const phase of job.phases) if (phase.end === null) Object.assign(phase, { status, end: at });
}

/**
 * Runs every queued job of the run on the executor, at most `concurrency` at once, in the
 * order given (the plan puts the longest first). One app's failure never touches another's
 * unless `failFast`. Every job ends in exactly one terminal status; the run record is kept
 * up to date through events as builds progress.
 */
export async function runFanout(options: FanoutOptions): Promise<RunRecord> {
  const { run, executor } = options;
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new TesseraError('TESSERA_USAGE', `concurrency must be a whole number of at least 1; received ${JSON.stringify(options.concurrency)}`);
  }
  const now = options.now ?? (() => new Date());
  const iso = (d: Date = now()) => d.toISOString();
  const emit = (event: FanoutEvent) => options.onEvent?.(run, event);
  const stopAll = new AbortController();
  // Every build in flight listens on this one signal: more than Node's default ten is normal here.
  setMaxListeners(0, stopAll.signal);
  let cancelled = false;
  const onOutsideAbort = () => {
    cancelled = true;
    stopAll.abort();
  };
  if (options.signal?.aborted) onOutsideAbort();
  options.signal?.addEventListener('abort', onOutsideAbort, { once: true });

  const submitted = iso();
  const queued = run.jobs.filter((j) => j.status === 'QUEUED');
  for (const job of queued) {
    const tag = (job.attempt ?? 1) > 1 ? { attempt: job.attempt } : {};
    job.phases.push({ type: 'SUBMITTED', status: 'SUCCEEDED', start: submitted, end: submitted, ...tag }, { type: 'QUEUED', status: 'IN_PROGRESS', start: submitted, end: null, ...tag });
  }

  const runOne = async (job: JobRecord): Promise<void> => {
    const spec = options.specs.get(job.app)!;
    const queuedPhase = job.phases.find((p) => p.type === 'QUEUED' && p.end === null)!;
    if (stopAll.signal.aborted) {
      Object.assign(queuedPhase, { status: 'STOPPED', end: iso() });
      job.status = 'STOPPED';
      emit({ type: 'job-end', app: job.app, status: job.status });
      return;
    }
    Object.assign(queuedPhase, { status: 'SUCCEEDED', end: iso() });
    job.status = 'IN_PROGRESS';
    emit({ type: 'job-start', app: job.app });

    // A resumed job goes on with the attempt it had reached; every phase names its attempt after the first.
    let attempt = job.attempt ?? 1;
    const tag = () => (attempt > 1 ? { attempt } : {});
    const events: JobEvents = {
      phase(type, status, time, message) {
        const at = iso(time);
        if (status === 'IN_PROGRESS') {
          const last = job.phases[job.phases.length - 1];
          // CodeBuild's own queue continues the fan-out's QUEUED phase rather than adding a second one.
          if (type === 'SUBMITTED') return;
          if (type === 'QUEUED' && last?.type === 'QUEUED' && (last.attempt ?? 1) === attempt) Object.assign(last, { status, end: null });
          else job.phases.push({ type, status, start: at, end: null, ...tag() });
        } else {
          const open = [...job.phases].reverse().find((p) => p.type === type && p.end === null);
          if (open) Object.assign(open, { status, end: at }, message ? { message } : {});
          else if (type !== 'SUBMITTED') job.phases.push({ type, status, start: at, end: at, ...(message ? { message } : {}), ...tag() });
        }
        emit({ type: 'phase', app: job.app, phase: type, status });
      },
      log: (line) => options.onLog?.(job.app, line),
      started(buildId) {
        job.buildId = buildId;
      },
      retried(reason) {
        job.retries++;
        emit({ type: 'retry', app: job.app, reason });
      },
    };

    let outcome: JobOutcome;
    const attempts = 1 + (options.maxFaultRetries ?? 1);
    for (let retry = 0; ; retry++) {
      try {
        outcome = await executor.run({ ...spec, attempt }, events, stopAll.signal);
      } catch (error) {
        outcome = { status: 'FAULT', buildId: job.buildId, error: (error as Error).message };
      }
      const retriable = outcome.status === 'FAULT' && attempt < attempts && !stopAll.signal.aborted;
      if (!retriable) break;
      const at = iso();
      closeOpenPhases(job, 'FAULT', at);
      // The attempt's last phase says what became of it, so the timeline can tell the two builds apart.
      const note = `build ${outcome.buildId ?? '(none)'} ended FAULT${outcome.error ? `: ${outcome.error}` : ''}; attempt ${attempt + 1} starts a new build`;
      const last = job.phases.findLast((p) => (p.attempt ?? 1) === attempt);
      if (last?.type === 'COMPLETED') last.message = note;
      else job.phases.push({ type: 'COMPLETED', status: 'FAULT', start: at, end: at, message: note, ...tag() });
      options.onLog?.(job.app, { time: at, stream: 'system', text: `[Tessera] ${note}` });
      job.retries++;
      job.attempt = ++attempt;
      emit({ type: 'retry', app: job.app, reason: outcome.error ?? 'FAULT' });
      const base = (options.retryDelayMs ?? 2000) * 2 ** retry;
      await sleep(base / 2 + Math.random() * (base / 2), stopAll.signal);
    }
    job.status = stopAll.signal.aborted && outcome.status !== 'SUCCEEDED' && !FAILING.includes(outcome.status) ? 'STOPPED' : outcome.status;
    job.buildId = outcome.buildId ?? job.buildId;
    if (outcome.error) job.error = outcome.error;
    closeOpenPhases(job, job.status === 'SUCCEEDED' ? 'SUCCEEDED' : job.status === 'STOPPED' ? 'STOPPED' : job.status === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED', iso());
    if (!job.phases.some((p) => p.type === 'COMPLETED' && (p.attempt ?? 1) === attempt)) {
      const end = iso();
      job.phases.push({ type: 'COMPLETED', status: job.status === 'STOPPED' ? 'STOPPED' : 'SUCCEEDED', start: end, end, ...tag() });
    }
    emit({ type: 'job-end', app: job.app, status: job.status });
    if (options.failFast && FAILING.includes(job.status)) stopAll.abort();
  };

  const limit = pLimit(options.concurrency);
  try {
    await Promise.all(queued.map((job) => limit(() => runOne(job))));
  } finally {
    options.signal?.removeEventListener('abort', onOutsideAbort);
  }
  run.end = iso();
  run.status = cancelled ? 'STOPPED' : run.jobs.every((j) => j.status === 'SUCCEEDED' || j.status === 'CACHED') ? 'SUCCEEDED' : 'FAILED';
  emit({ type: 'run-end' });
  return run;
}
