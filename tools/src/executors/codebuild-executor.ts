import { BatchGetBuildsCommand, BatchGetProjectsCommand, type Build, CodeBuildClient, StartBuildCommand, StopBuildCommand } from '@aws-sdk/client-codebuild';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { TesseraError } from '../errors/tessera-error.js';
import type { PhaseStatus, PhaseType } from '../records/run-record.js';
import type { Executor, JobEvents, JobOutcome } from './executor.js';

export interface CodeBuildExecutorOptions {
  /** The CodeBuild project every app builds in (config `codebuild.project`). */
  project: string;
  /** @default the standard AWS chain (AWS_REGION, profile) */
  region?: string;
  /** Poll interval bounds: fast while builds change, slower while they do not. @default DEFAULT_POLL */
  poll?: { minMs: number; maxMs: number };
  /** Backoff for throttling and account limits: full jitter, doubling. @default DEFAULT_BACKOFF */
  backoff?: { baseMs: number; maxMs: number };
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

const COMPUTE: Record<string, string> = { small: 'BUILD_GENERAL1_SMALL', medium: 'BUILD_GENERAL1_MEDIUM', large: 'BUILD_GENERAL1_LARGE', xlarge: 'BUILD_GENERAL1_XLARGE', '2xlarge': 'BUILD_GENERAL1_2XLARGE' };
const TRANSIENT = new Set(['ThrottlingException', 'TooManyRequestsException', 'AccountLimitExceededException', 'RequestLimitExceeded', 'ServiceUnavailableException', 'InternalFailure', 'InternalServerException']);
const TERMINAL: Record<string, JobOutcome['status']> = { SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED', FAULT: 'FAULT', TIMED_OUT: 'TIMED_OUT', STOPPED: 'STOPPED' };

interface AwsError extends Error {
  $metadata?: { httpStatusCode?: number };
}

/** True for errors that mean "try again later": throttling, account limits, 5xx. */
export function isTransient(error: unknown): boolean {
  const e = error as AwsError;
  return TRANSIENT.has(e?.name) || (e?.$metadata?.httpStatusCode ?? 0) >= 500;
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
  resolve: (outcome: JobOutcome) => void;
}

/**
 * The distributed executor: one CodeBuild build per job. StartBuild with backoff on
 * throttling and the account's concurrent-build limit (the job stays QUEUED, counting
 * retries); one BatchGetBuilds per tick for every running build (≤ 100 ids a call), with an
 * adaptive interval; logs from CloudWatch Logs when a build completes; StopBuild on cancel.
 */
export async function createCodeBuildExecutor(options: CodeBuildExecutorOptions): Promise<Executor & { stats: CodeBuildStats }> {
  const codebuild = options.codebuild ?? new CodeBuildClient({ region: options.region, maxAttempts: 1 });
  const logs = options.logs ?? new CloudWatchLogsClient({ region: options.region, maxAttempts: 3 });
  const poll = options.poll ?? DEFAULT_POLL;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const stats: CodeBuildStats = { startBuild: 0, batchGetBuilds: 0, batchGetBuildsIds: [], stopBuild: 0, getLogEvents: 0, throttled: 0, ticks: 0 };
  const tracked = new Map<string, Tracked>();
  let timer: NodeJS.Timeout | null = null;
  /** A tick is waiting on BatchGetBuilds; it reschedules itself when done, so none may be armed meanwhile. */
  let ticking = false;
  let interval = poll.minMs;
  let closed = false;

  const delay = (attempt: number) => Math.random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt);

  // Fail before any build starts when the project is missing or credentials are absent.
  for (let attempt = 0; ; attempt++) {
    try {
      const found = await codebuild.send(new BatchGetProjectsCommand({ names: [options.project] }));
      if (!found.projects?.length) {
        throw new TesseraError('TESSERA_CODEBUILD_PROJECT_NOT_FOUND', `CodeBuild project "${options.project}" does not exist in the configured account and region; it is set by codebuild.project in tessera.config.json`);
      }
      break;
    } catch (error) {
      if (error instanceof TesseraError) throw error;
      if (isTransient(error) && attempt < 10) {
        stats.throttled++;
        await sleep(delay(attempt));
        continue;
      }
      throw toTesseraError(error, 'BatchGetProjects', options.project);
    }
  }

  async function readLogs(build: Build, events: JobEvents) {
    const group = build.logs?.groupName;
    const stream = build.logs?.streamName;
    if (!group || !stream) return;
    let token: string | undefined;
    for (let attempt = 0; ; ) {
      try {
        stats.getLogEvents++;
        const page = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, nextToken: token }));
        for (const event of page.events ?? []) {
          events.log({ time: new Date(event.timestamp ?? Date.now()).toISOString(), stream: 'stdout', text: (event.message ?? '').replace(/\r?\n$/, '') });
        }
        if (!page.nextForwardToken || page.nextForwardToken === token) return;
        token = page.nextForwardToken;
      } catch (error) {
        if (!isTransient(error) || attempt++ > 8) {
          events.log({ time: new Date().toISOString(), stream: 'system', text: `[Tessera] could not read the build's logs from CloudWatch Logs: ${(error as Error).message}` });
          return;
        }
        await sleep(delay(attempt));
      }
    }
  }

  function reportPhases(build: Build, t: Tracked) {
    (build.phases ?? []).forEach((phase, i) => {
      const type = phase.phaseType as PhaseType;
      if (type === 'SUBMITTED' || type === 'QUEUED') return;
      if (!t.queuedClosed) {
        t.events.phase('QUEUED', 'SUCCEEDED', phase.startTime ?? new Date());
        t.queuedClosed = true;
      }
      if ((t.seen[i] ?? 0) < 1) {
        t.events.phase(type, 'IN_PROGRESS', phase.startTime ?? new Date());
        t.seen[i] = 1;
      }
      if (t.seen[i] === 1 && phase.phaseStatus && phase.endTime) {
        const message = phase.contexts?.map((c) => [c.statusCode, c.message].filter(Boolean).join(': ')).filter(Boolean).join('; ');
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

  async function pollOnce() {
    stats.ticks++;
    let changed = false;
    const ids = [...tracked.keys()];
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      let builds: Build[] = [];
      try {
        stats.batchGetBuilds++;
        stats.batchGetBuildsIds.push(chunk.length);
        builds = (await codebuild.send(new BatchGetBuildsCommand({ ids: chunk }))).builds ?? [];
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
      for (const build of builds) {
        const t = tracked.get(build.id!);
        if (!t) continue;
        const before = t.seen.join();
        reportPhases(build, t);
        if (t.seen.join() !== before) changed = true;
        if (build.buildComplete) {
          tracked.delete(build.id!);
          changed = true;
          void readLogs(build, t.events).then(() => {
            const status = TERMINAL[build.buildStatus ?? 'FAULT'] ?? 'FAULT';
            t.resolve({ status, buildId: build.id!, ...(status === 'SUCCEEDED' ? {} : { error: `CodeBuild build ${status}${build.phases?.find((p) => p.phaseStatus && p.phaseStatus !== 'SUCCEEDED')?.phaseType ? ` in ${build.phases.find((p) => p.phaseStatus && p.phaseStatus !== 'SUCCEEDED')!.phaseType}` : ''}` }) });
          });
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

  return {
    name: 'codebuild',
    defaultConcurrency: 20,
    stats,
    async run(job, events, signal): Promise<JobOutcome> {
      events.phase('QUEUED', 'IN_PROGRESS', new Date());
      let buildId: string | null = null;
      for (let attempt = 0; !buildId; attempt++) {
        if (signal.aborted) return { status: 'STOPPED', buildId: null };
        try {
          stats.startBuild++;
          const started = await codebuild.send(
            new StartBuildCommand({
              projectName: options.project,
              sourceVersion: job.sourceVersion,
              idempotencyToken: `${job.runId}-${job.app}`.slice(0, 64),
              computeTypeOverride: (COMPUTE[job.computeType] ?? job.computeType) as never,
              timeoutInMinutesOverride: Math.max(5, Math.ceil(job.timeoutMs / 60_000)),
              environmentVariablesOverride: Object.entries(job.env).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' })),
            }),
          );
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
        tracked.set(id, { events, seen: [], queuedClosed: false, resolve });
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
      if (!options.codebuild) codebuild.destroy();
      if (!options.logs) logs.destroy();
    },
  };
}
