import { describe, expect, it } from 'vitest';
import type { Executor, JobOutcome, JobSpec } from '../../../tools/src/executors/executor.js';
import { runFanout } from '../../../tools/src/fanout/run-fanout.js';
import { TERMINAL_JOB_STATUSES, type JobRecord, type RunRecord } from '../../../tools/src/records/run-record.js';

/** An executor whose builds finish when the test says so: counts what is in flight. */
function createControlledExecutor() {
  const pending = new Map<string, (o: JobOutcome['status']) => void>();
  const started: string[] = [];
  const specs: JobSpec[] = [];
  const stats = { inFlight: 0, maxInFlight: 0, attempts: new Map<string, number>() };
  let waiters: (() => void)[] = [];
  const executor: Executor = {
    name: 'local',
    defaultConcurrency: 2,
    run(job: JobSpec, events, signal) {
      started.push(job.app);
      specs.push(job);
      stats.attempts.set(job.app, (stats.attempts.get(job.app) ?? 0) + 1);
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      events.started(`test:${job.app}`);
      events.phase('BUILD', 'IN_PROGRESS', new Date());
      waiters.splice(0).forEach((w) => w());
      return new Promise<JobOutcome>((resolve) => {
        const finish = (status: JobOutcome['status']) => {
          pending.delete(job.app);
          stats.inFlight--;
          events.phase('BUILD', status === 'SUCCEEDED' ? 'SUCCEEDED' : status === 'STOPPED' ? 'STOPPED' : 'FAILED', new Date());
          resolve({ status, buildId: `test:${job.app}` });
        };
        pending.set(job.app, finish);
        signal.addEventListener('abort', () => finish('STOPPED'), { once: true });
      });
    },
    async close() {},
  };
  /** Resolves once `n` builds have started. */
  const whenStarted = async (n: number) => {
    while (started.length < n) await new Promise<void>((r) => waiters.push(r));
  };
  const finish = (app: string, status: JobOutcome['status'] = 'SUCCEEDED') => pending.get(app)!(status);
  return { executor, started, specs, stats, pending, whenStarted, finish };
}

function createRun(apps: string[]): { run: RunRecord; specs: Map<string, JobSpec> } {
  const jobs = apps.map((app): JobRecord => ({ app, version: `v-${app}`, executor: 'local', status: 'QUEUED', buildId: null, computeType: 'small', retries: 0, estimatedCost: null, expectedMs: null, phases: [], logFile: null, error: null }));
  const specs = new Map(apps.map((app) => [app, { runId: 'r1', app, version: `v-${app}`, sourceVersion: 'abc', computeType: 'small', env: {}, timeoutMs: 60_000 }]));
  return { run: { id: 'r1', trigger: 'test', base: null, head: 'abc', status: 'IN_PROGRESS', start: new Date().toISOString(), end: null, jobs }, specs };
}

const apps = (n: number) => Array.from({ length: n }, (_, i) => `app${String(i).padStart(2, '0')}`);

describe('runFanout', () => {
  it('never has more than N builds in flight, starts them in plan order, and ends every job exactly once', async () => {
    const x = createControlledExecutor();
    const { run, specs } = createRun(apps(12));
    const ends = new Map<string, number>();
    const done = runFanout({ run, specs, executor: x.executor, concurrency: 3, onEvent: (_r, e) => e.type === 'job-end' && ends.set(e.app, (ends.get(e.app) ?? 0) + 1) });
    for (let finished = 0; finished < 12; finished++) {
      await x.whenStarted(Math.min(12, finished + 3));
      expect(x.stats.inFlight).toBeLessThanOrEqual(3);
      x.finish(x.started[finished]!);
    }
    await done;
    expect(x.stats.maxInFlight).toBe(3);
    expect(x.started).toEqual(apps(12));
    expect([...ends.values()].every((n) => n === 1) && ends.size === 12).toBe(true);
    expect(run.jobs.every((j) => TERMINAL_JOB_STATUSES.includes(j.status))).toBe(true);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.jobs[0]!.phases.map((p) => p.type)).toEqual(['SUBMITTED', 'QUEUED', 'BUILD', 'COMPLETED']);
  });

  it('isolates failures: one failing app does not stop its neighbours', async () => {
    const x = createControlledExecutor();
    const { run, specs } = createRun(apps(4));
    const done = runFanout({ run, specs, executor: x.executor, concurrency: 4 });
    await x.whenStarted(4);
    x.finish('app01', 'FAILED');
    for (const app of ['app00', 'app02', 'app03']) x.finish(app);
    await done;
    expect(run.jobs.map((j) => j.status)).toEqual(['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(run.status).toBe('FAILED');
  });

  it('--fail-fast stops running builds and never starts queued ones', async () => {
    const x = createControlledExecutor();
    const { run, specs } = createRun(apps(5));
    const done = runFanout({ run, specs, executor: x.executor, concurrency: 2, failFast: true });
    await x.whenStarted(2);
    x.finish('app00', 'FAILED');
    await done;
    expect(run.jobs.map((j) => j.status)).toEqual(['FAILED', 'STOPPED', 'STOPPED', 'STOPPED', 'STOPPED']);
    expect(x.started).toEqual(['app00', 'app01']);
  });

  it('cancellation stops every started build and records STOPPED', async () => {
    const x = createControlledExecutor();
    const { run, specs } = createRun(apps(3));
    const controller = new AbortController();
    const done = runFanout({ run, specs, executor: x.executor, concurrency: 2, signal: controller.signal });
    await x.whenStarted(2);
    controller.abort();
    await done;
    expect(run.jobs.map((j) => j.status)).toEqual(['STOPPED', 'STOPPED', 'STOPPED']);
    expect(run.status).toBe('STOPPED');
    expect(x.pending.size).toBe(0);
  });

  it('retries a FAULT build with backoff and counts it', async () => {
    const x = createControlledExecutor();
    const { run, specs } = createRun(['only']);
    const done = runFanout({ run, specs, executor: x.executor, concurrency: 1, retryDelayMs: 1 });
    await x.whenStarted(1);
    x.finish('only', 'FAULT');
    await x.whenStarted(2);
    x.finish('only', 'SUCCEEDED');
    await done;
    expect(run.jobs[0]).toMatchObject({ status: 'SUCCEEDED', retries: 1, attempt: 2 });
    expect(x.stats.attempts.get('only')).toBe(2);
    // Each build is asked for as its own attempt (CodeBuild's idempotency token is keyed on it).
    expect(x.specs.map((s) => s.attempt)).toEqual([1, 2]);
    // Both attempts stay on the job, the second tagged, the first's end saying what became of it.
    const phases = run.jobs[0]!.phases.map((p) => [p.type, p.status, p.attempt ?? 1]);
    expect(phases).toEqual([['SUBMITTED', 'SUCCEEDED', 1], ['QUEUED', 'SUCCEEDED', 1], ['BUILD', 'FAILED', 1], ['COMPLETED', 'FAULT', 1], ['BUILD', 'SUCCEEDED', 2], ['COMPLETED', 'SUCCEEDED', 2]]);
    expect(run.jobs[0]!.phases[3]!.message).toMatch(/^build test:only ended FAULT; attempt 2 starts a new build$/);
  });

  it('a resumed job goes on from its stored attempt, and its earlier attempts count against the retries', async () => {
    const x = createControlledExecutor();
    const { run, specs } = createRun(['only']);
    run.jobs[0]!.attempt = 2;
    const done = runFanout({ run, specs, executor: x.executor, concurrency: 1, retryDelayMs: 1, maxFaultRetries: 1 });
    await x.whenStarted(1);
    x.finish('only', 'FAULT');
    await done;
    expect(x.specs.map((s) => s.attempt)).toEqual([2]);
    expect(run.jobs[0]).toMatchObject({ status: 'FAULT', attempt: 2, retries: 0 });
    expect(run.jobs[0]!.phases.every((p) => p.attempt === 2)).toBe(true);
  });

  it('rejects a concurrency that is not a whole number of at least 1, quoting it', async () => {
    const x = createControlledExecutor();
    const { run, specs } = createRun(['a']);
    await expect(runFanout({ run, specs, executor: x.executor, concurrency: 0 })).rejects.toMatchObject({ code: 'TESSERA_USAGE', message: expect.stringContaining('received 0') });
  });
});
