import { createHash } from 'node:crypto';
import { BatchGetBuildsCommand, BatchGetProjectsCommand, type Build, CodeBuildClient, StartBuildCommand, StopBuildCommand } from '@aws-sdk/client-codebuild';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import pLimit from 'p-limit';
import { TesseraError } from '../errors/tessera-error.js';
import type { PhaseStatus, PhaseType } from '../records/run-record.js';
import type { Executor, JobEvents, JobOutcome, JobSpec } from './executor.js';

export interface CodeBuildExecutorOptions {
  /** The CodeBuild project every app builds in (config `codebuild.project`). */
  project: string;
  /** Overrides the region (config `codebuild.region`). @default the AWS SDK's own resolution (AWS_REGION, the profile in the shared config file) */
  region?: string;
  /**
   * How long a build may wait in CodeBuild's queue before it ends TIMED_OUT (config
   * `codebuild.queuedTimeoutMinutes`), clamped to the API's 5-480. @default the project's (CodeBuild's default: 480)
   */
  queuedTimeoutMinutes?: number;
  /**
   * A buildspec (YAML text) every build runs instead of the project's: StartBuild's
   * `buildspecOverride`, for each app's own build when the workspace has no buildspec. @default the project's buildspec
   */
  buildspecOverride?: string;
  /**
   * Variables of `env` passed into builds by name, besides the job's TESSERA_* variables
   * (config `build.env.pass`). Nothing else of this process's environment reaches a build. @default []
   */
  passEnv?: readonly string[];
  /** Where `passEnv` values come from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Poll interval bounds: fast while builds change, slower while they do not. @default DEFAULT_POLL */
  poll?: { minMs: number; maxMs: number };
  /** Backoff for throttling and account limits: full jitter, doubling. @default DEFAULT_BACKOFF */
  backoff?: { baseMs: number; maxMs: number };
  /** GetLogEvents calls in flight at once, across builds (CloudWatch Logs has a per-account rate quota). @default 5 */
  logReaders?: number;
  /** Clients to use instead of creating them (tests and benchmarks count their calls). */
  codebuild?: CodeBuildClient;
  logs?: CloudWatchLogsClient;
}

/** API calls made, for benchmarks and `--json` diagnostics. */
export interface CodeBuildStats {
  startBuild: number;
  batchGetBuilds: number;
  batchGetBuildsIds: number[];
  stopBuild: number;
  getLogEvents: number;
  throttled: number;
  ticks: number;
}

/**
 * Poll every 2 s while phases change, stretching to at most 5 s while none do. A longer
 * ceiling saves a few calls but notices finished builds late, which holds their slots: on
 * the fan-out benchmark 15 s cost 1% more makespan than 5 s for half a call per build less.
 */
export const DEFAULT_POLL = Object.freeze({ minMs: 2000, maxMs: 5000 });
/** Full-jitter exponential backoff for throttling and account limits. */
export const DEFAULT_BACKOFF = Object.freeze({ baseMs: 1000, maxMs: 30_000 });
/** StartBuild's ranges for `timeoutInMinutesOverride` and `queuedTimeoutInMinutesOverride`. */
export const BUILD_TIMEOUT_MINUTES = Object.freeze({ min: 5, max: 2160 });
export const QUEUED_TIMEOUT_MINUTES = Object.freeze({ min: 5, max: 480 });

const COMPUTE: Record<string, string> = { small: 'BUILD_GENERAL1_SMALL', medium: 'BUILD_GENERAL1_MEDIUM', large: 'BUILD_GENERAL1_LARGE', xlarge: 'BUILD_GENERAL1_XLARGE', '2xlarge': 'BUILD_GENERAL1_2XLARGE' };
const TRANSIENT = new Set(['ThrottlingException', 'TooManyRequestsException', 'AccountLimitExceededException', 'RequestLimitExceeded', 'ServiceUnavailableException', 'InternalFailure', 'InternalServerException']);
const TERMINAL: Record<string, JobOutcome['status']> = { SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED', FAULT: 'FAULT', TIMED_OUT: 'TIMED_OUT', STOPPED: 'STOPPED' };

interface AwsError extends Error {
  $metadata?: { httpStatusCode?: number };
}

/** True for errors that mean "try again later": throttling, account limits (a full queue), 5xx. */
export function isTransient(error: unknown): boolean {
  const e = error as AwsError;
  return TRANSIENT.has(e?.name) || (e?.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * StartBuild's idempotency token for one attempt of one app's build in one run: the same
 * attempt asked again (a resumed run, a lost answer) gets the same build back within
 * CodeBuild's five minutes, a retry (the next attempt) gets a new build. Derived, never random,
 * so a process that resumes the run from the stored attempt number computes it again. Pure.
 */
export function computeIdempotencyToken(runId: string, app: string, attempt: number): string {
  // The app name is hashed: names are unbounded, and two long ones must not share a prefix.
  return `tessera-${runId}-${attempt}-${createHash('sha256').update(app).digest('hex').slice(0, 16)}`;
}

/** `value` clamped to `range`, whole minutes. Pure. */
export function clampMinutes(value: number, range: { min: number; max: number }): number {
  return Math.min(range.max, Math.max(range.min, Math.ceil(value)));
}

/**
 * What a build's environment overrides hold: the job's TESSERA_* variables and the variables
 * `pass` names (from `source`, when set there). Nothing else of this process's environment,
 * its credentials and secrets in particular, reaches the build. Pure.
 */
export function selectBuildEnvironment(jobEnv: Readonly<Record<string, string>>, pass: readonly string[], source: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of pass) if (source[name] !== undefined) env[name] = source[name]!;
  for (const [name, value] of Object.entries(jobEnv)) if (name.startsWith('TESSERA_')) env[name] = value;
  return env;
}

function toTesseraError(error: unknown, what: string, project: string): Error {
  const e = error as AwsError;
  if (e?.name === 'CredentialsProviderError' || /Could not load credentials|credential/i.test(e?.message ?? '')) {
    return new TesseraError('TESSERA_AWS_CREDENTIALS_MISSING', `${what}: no AWS credentials (${e.message})`, { cause: error });
  }
  // The SDK raises a plain Error for this before any request is made.
  if (/Region is missing/i.test(e?.message ?? '')) {
    return new TesseraError('TESSERA_AWS_REGION_MISSING', `${what}: no AWS region is configured`, { cause: error });
  }
  if (e?.name === 'ResourceNotFoundException') {
    return new TesseraError('TESSERA_CODEBUILD_PROJECT_NOT_FOUND', `CodeBuild project "${project}" does not exist (${e.message}); it is set by codebuild.project in tessera.config.json`, { cause: error });
  }
  return new TesseraError('TESSERA_AWS_REQUEST_FAILED', `${what} failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`, { cause: error });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tracked {
  events: JobEvents;
  /** Per CodeBuild phase index: 0 unseen, 1 started, 2 ended. */
  seen: number[];
  queuedClosed: boolean;
  /** GetLogEvents' forward token: where the next read of the build's stream starts. */
  logToken: string | undefined;
  /** The read of the build's logs in flight, if any: one at a time per build. */
  reading: Promise<void> | null;
  resolve: (outcome: JobOutcome) => void;
}

/**
 * The distributed executor: one CodeBuild build per job attempt. StartBuild with backoff on
 * throttling and a full build queue (over the concurrent-build limit CodeBuild queues builds
 * itself: the job shows QUEUED until its build leaves CodeBuild's queue); one BatchGetBuilds
 * per tick for every running build (≤ 100 ids a call), with an adaptive interval; each
 * build's logs read from CloudWatch Logs as it runs, from where the last read stopped;
 * StopBuild on cancel. Region, endpoints and credentials come from the AWS SDK's own
 * resolution unless `region` overrides it.
 */
export async function createCodeBuildExecutor(options: CodeBuildExecutorOptions): Promise<Executor & { stats: CodeBuildStats }> {
  const region = options.region ? { region: options.region } : {};
  const codebuild = options.codebuild ?? new CodeBuildClient({ ...region, maxAttempts: 1 });
  const logs = options.logs ?? new CloudWatchLogsClient({ ...region, maxAttempts: 3 });
  const poll = options.poll ?? DEFAULT_POLL;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const readLimit = pLimit(options.logReaders ?? 5);
  const stats: CodeBuildStats = { startBuild: 0, batchGetBuilds: 0, batchGetBuildsIds: [], stopBuild: 0, getLogEvents: 0, throttled: 0, ticks: 0 };
  const tracked = new Map<string, Tracked>();
  let timer: NodeJS.Timeout | null = null;
  /** A tick is waiting on BatchGetBuilds; it reschedules itself when done, so none may be armed meanwhile. */
  let ticking = false;
  let interval = poll.minMs;
  let closed = false;

  const delay = (attempt: number) => Math.random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt);
  const close = () => {
    if (!options.codebuild) codebuild.destroy();
    if (!options.logs) logs.destroy();
  };

  // The region the SDK signs for (the report links to its console); missing is an error now, not at the first call.
  let resolvedRegion: string;
  try {
    resolvedRegion = await codebuild.config.region();
  } catch (error) {
    close();
    throw toTesseraError(error, 'CodeBuild', options.project);
  }

  // Fail before any build starts when the project is missing or credentials are absent.
  for (let attempt = 0; ; attempt++) {
    try {
      const found = await codebuild.send(new BatchGetProjectsCommand({ names: [options.project] }));
      if (!found.projects?.length) {
        close();
        throw new TesseraError('TESSERA_CODEBUILD_PROJECT_NOT_FOUND', `CodeBuild project "${options.project}" does not exist in ${resolvedRegion} (the account of the credentials in use); it is set by codebuild.project in tessera.config.json`);
      }
      break;
    } catch (error) {
      if (error instanceof TesseraError) throw error;
      if (isTransient(error) && attempt < 10) {
        stats.throttled++;
        await sleep(delay(attempt));
        continue;
      }
      close();
      throw toTesseraError(error, 'BatchGetProjects', options.project);
    }
  }

  /**
   * Reads the build's stream from where the last read stopped until CloudWatch Logs gives the
   * same forward token back (caught up). While the build runs (`final` false) a missing stream
   * (not created yet) or a throttled call just waits for the next tick; once it completed,
   * transient errors are retried and others noted in the log.
   */
  async function readLogs(build: Build, t: Tracked, final: boolean): Promise<void> {
    const group = build.logs?.groupName;
    const stream = build.logs?.streamName;
    if (!group || !stream) return;
    for (let attempt = 0; ; ) {
      try {
        stats.getLogEvents++;
        const page = await readLimit(() => logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, nextToken: t.logToken })));
        for (const event of page.events ?? []) {
          t.events.log({ time: new Date(event.timestamp ?? Date.now()).toISOString(), stream: 'stdout', text: (event.message ?? '').replace(/\r?\n$/, '') });
        }
        if (!page.nextForwardToken || page.nextForwardToken === t.logToken) return;
        t.logToken = page.nextForwardToken;
      } catch (error) {
        if ((error as AwsError).name === 'ResourceNotFoundException') return; // no stream (yet): the build has printed nothing
        if (!final) return;
        if (!isTransient(error) || attempt++ > 8) {
          t.events.log({ time: new Date().toISOString(), stream: 'system', text: `[Tessera] could not read the build's logs from CloudWatch Logs: ${(error as Error).message}` });
          return;
        }
        await sleep(delay(attempt));
      }
    }
  }

  function reportPhases(build: Build, t: Tracked) {
    const closeQueued = (status: PhaseStatus, time: Date, message?: string) => {
      if (t.queuedClosed) return;
      t.events.phase('QUEUED', status, time, message);
      t.queuedClosed = true;
    };
    (build.phases ?? []).forEach((phase, i) => {
      const type = phase.phaseType as PhaseType;
      const message = phase.contexts?.map((c) => [c.statusCode, c.message].filter(Boolean).join(': ')).filter(Boolean).join('; ');
      if (type === 'SUBMITTED') return;
      // CodeBuild's queue continues the job's QUEUED phase: it ends when CodeBuild's does (TIMED_OUT, STOPPED) or the next phase starts.
      if (type === 'QUEUED') {
        if (phase.phaseStatus && phase.endTime) closeQueued(phase.phaseStatus as PhaseStatus, phase.endTime, message || undefined);
        return;
      }
      closeQueued('SUCCEEDED', phase.startTime ?? new Date());
      if ((t.seen[i] ?? 0) < 1) {
        t.events.phase(type, 'IN_PROGRESS', phase.startTime ?? new Date());
        t.seen[i] = 1;
      }
      if (t.seen[i] === 1 && phase.phaseStatus && phase.endTime) {
        t.events.phase(type, phase.phaseStatus as PhaseStatus, phase.endTime, message || undefined);
        t.seen[i] = 2;
      }
    });
  }

  async function tick() {
    timer = null;
    if (closed || tracked.size === 0) return;
    ticking = true;
    try {
      await pollOnce();
    } finally {
      ticking = false;
    }
    schedule();
  }

  function finish(id: string, t: Tracked, build: Build) {
    tracked.delete(id);
    // The last lines: after any read in flight, read on until caught up, then the job ends.
    void (t.reading ?? Promise.resolve())
      .then(() => readLogs(build, t, true))
      .then(() => {
        const status = TERMINAL[build.buildStatus ?? 'FAULT'] ?? 'FAULT';
        const failedPhase = build.phases?.find((p) => p.phaseStatus && p.phaseStatus !== 'SUCCEEDED')?.phaseType;
        t.resolve({ status, buildId: id, ...(status === 'SUCCEEDED' ? {} : { error: `CodeBuild build ${status}${failedPhase ? ` in ${failedPhase}` : ''}` }) });
      });
  }

  async function pollOnce() {
    stats.ticks++;
    let changed = false;
    const ids = [...tracked.keys()];
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      let answer: { builds?: Build[]; buildsNotFound?: string[] };
      try {
        stats.batchGetBuilds++;
        stats.batchGetBuildsIds.push(chunk.length);
        answer = await codebuild.send(new BatchGetBuildsCommand({ ids: chunk }));
      } catch (error) {
        if (isTransient(error)) {
          stats.throttled++;
          interval = Math.min(poll.maxMs, interval * 2);
          continue;
        }
        for (const id of chunk) tracked.get(id)?.resolve({ status: 'FAULT', buildId: id, error: toTesseraError(error, 'BatchGetBuilds', options.project).message });
        for (const id of chunk) tracked.delete(id);
        continue;
      }
      // A build CodeBuild does not know would be asked about forever: it ends the job (FAULT: not the app's failure).
      for (const id of answer.buildsNotFound ?? []) {
        const t = tracked.get(id);
        if (!t) continue;
        tracked.delete(id);
        changed = true;
        const error = new TesseraError('TESSERA_CODEBUILD_BUILD_NOT_FOUND', `CodeBuild has no build ${id} in ${resolvedRegion}: BatchGetBuilds listed it under buildsNotFound (deleted, or started in another account or region)`);
        void (t.reading ?? Promise.resolve()).then(() => t.resolve({ status: 'FAULT', buildId: id, error: `${error.code}: ${error.message}` }));
      }
      for (const build of answer.builds ?? []) {
        const id = build.id!;
        const t = tracked.get(id);
        if (!t) continue;
        const before = t.seen.join();
        reportPhases(build, t);
        if (t.seen.join() !== before) changed = true;
        if (build.buildComplete) {
          changed = true;
          finish(id, t, build);
        } else if (!t.reading && build.currentPhase !== 'SUBMITTED' && build.currentPhase !== 'QUEUED') {
          // Logs while it runs: the live table, `--logs stream` and the report see them as they come.
          t.reading = readLogs(build, t, false).finally(() => (t.reading = null));
        }
      }
    }
    interval = changed ? poll.minMs : Math.min(poll.maxMs, Math.round(interval * 1.5));
  }

  function schedule() {
    if (!timer && !ticking && !closed && tracked.size > 0) timer = setTimeout(() => void tick(), interval);
  }

  async function stopBuild(id: string) {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        stats.stopBuild++;
        await codebuild.send(new StopBuildCommand({ id }));
        return;
      } catch (error) {
        if (!isTransient(error)) return;
        await sleep(delay(attempt));
      }
    }
  }

  /** StartBuild's input for one attempt of a job; notes in its log what the API's ranges changed. */
  function startInput(job: JobSpec, events: JobEvents) {
    const note = (text: string) => events.log({ time: new Date().toISOString(), stream: 'system', text: `[Tessera] ${text}` });
    const wanted = Math.ceil(job.timeoutMs / 60_000);
    const timeout = clampMinutes(wanted, BUILD_TIMEOUT_MINUTES);
    if (timeout !== wanted) note(`timeoutMinutes ${wanted} is outside CodeBuild's ${BUILD_TIMEOUT_MINUTES.min}-${BUILD_TIMEOUT_MINUTES.max} minutes: the build times out after ${timeout}`);
    const queued = options.queuedTimeoutMinutes === undefined ? undefined : clampMinutes(options.queuedTimeoutMinutes, QUEUED_TIMEOUT_MINUTES);
    const env = selectBuildEnvironment(job.env, options.passEnv ?? [], options.env ?? process.env);
    return {
      projectName: options.project,
      sourceVersion: job.sourceVersion,
      idempotencyToken: computeIdempotencyToken(job.runId, job.app, job.attempt ?? 1),
      computeTypeOverride: (COMPUTE[job.computeType] ?? job.computeType) as never,
      timeoutInMinutesOverride: timeout,
      ...(queued === undefined ? {} : { queuedTimeoutInMinutesOverride: queued }),
      ...(options.buildspecOverride === undefined ? {} : { buildspecOverride: options.buildspecOverride }),
      environmentVariablesOverride: Object.entries(env).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' as const })),
    };
  }

  return {
    name: 'codebuild',
    defaultConcurrency: 20,
    region: resolvedRegion,
    stats,
    async run(job, events, signal): Promise<JobOutcome> {
      events.phase('QUEUED', 'IN_PROGRESS', new Date());
      let buildId: string | null = null;
      const input = startInput(job, events);
      for (let attempt = 0; !buildId; attempt++) {
        if (signal.aborted) return { status: 'STOPPED', buildId: null };
        try {
          stats.startBuild++;
          const started = await codebuild.send(new StartBuildCommand(input));
          buildId = started.build!.id!;
        } catch (error) {
          if (!isTransient(error)) throw toTesseraError(error, `StartBuild for ${job.app}`, options.project);
          stats.throttled++;
          events.retried(`${(error as Error).name}: ${(error as Error).message}`);
          await sleep(delay(attempt));
        }
      }
      events.started(buildId);
      const id = buildId;
      const outcome = new Promise<JobOutcome>((resolve) => {
        tracked.set(id, { events, seen: [], queuedClosed: false, logToken: undefined, reading: null, resolve });
      });
      const onAbort = () => void stopBuild(id);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      interval = poll.minMs;
      schedule();
      try {
        return await outcome;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      close();
    },
  };
}
