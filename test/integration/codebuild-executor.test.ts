/**
 * The CodeBuild executor as CodeBuild behaves: retries as new builds, CodeBuild's own queue,
 * builds it no longer knows, logs while a build runs, the API's ranges, and what reaches a
 * build's environment. The real AWS SDK clients against the wire-protocol server on 127.0.0.1.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CodeBuildExecutorOptions, computeIdempotencyToken, createCodeBuildExecutor } from '../../tools/src/executors/codebuild-executor.js';
import type { JobSpec } from '../../tools/src/executors/executor.js';
import { runFanout } from '../../tools/src/fanout/run-fanout.js';
import { runBuild } from '../../tools/src/pipelines/run-build.js';
import type { JobRecord, LogLine, RunRecord } from '../../tools/src/records/run-record.js';
import { computeTimeline } from '../../tools/src/report/compute-timeline.js';
import { renderTrace } from '../../tools/src/report/render-trace.js';
import { createRunsStore } from '../../tools/src/runs/runs-store.js';
import { type CodeBuildServer, type CodeBuildServerOptions, startCodeBuildServer } from '../support/codebuild-server/server.js';
import { createEmptyRepo, type TestRepo } from '../support/sample-repo.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const BUILDSPEC = [
  'version: 0.2',
  'phases:',
  '  build:',
  '    commands:',
  '      - echo "started $TESSERA_APP"',
  // Waits (at most 10 s) for the test to say it has seen the first line while the build ran.
  '      - for i in $(seq 1 200); do test -z "$TESSERA_TEST_GATE" || test -f "$TESSERA_TEST_GATE" && break; sleep 0.05; done',
  '      - echo "finished $TESSERA_APP secret=${SECRET_TOKEN:-none} pass=${PASSED:-none}"',
  '',
].join('\n');

/** A workspace with one app, `web`, and the buildspec above, committed. */
function createRepo(): { repo: TestRepo; head: string } {
  const repo = createEmptyRepo();
  repo.write('buildspec.yml', BUILDSPEC);
  repo.write('nx.json', JSON.stringify({ defaultBase: 'main' }));
  repo.write('apps/web/project.json', JSON.stringify({ name: 'web', projectType: 'application' }));
  repo.write('apps/web/src/main.ts', 'console.log("web");\n');
  const head = repo.commit('a workspace');
  cleanups.push(() => repo.cleanup());
  return { repo, head };
}

async function setup(server: Partial<CodeBuildServerOptions> = {}, executor: Partial<CodeBuildExecutorOptions> = {}) {
  const { repo, head } = createRepo();
  const cb = await startCodeBuildServer({ projects: [{ name: 'tessera', sourceDir: repo.dir }], ...server });
  const config = { endpoint: cb.url, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const codebuild = new CodeBuildClient(config);
  const logs = new CloudWatchLogsClient(config);
  cleanups.push(() => cb.close(), () => (codebuild.destroy(), logs.destroy()));
  const x = await createCodeBuildExecutor({ project: 'tessera', codebuild, logs, poll: { minMs: 20, maxMs: 100 }, backoff: { baseMs: 5, maxMs: 50 }, ...executor });
  cleanups.push(() => x.close());
  return { repo, head, server: cb, executor: x };
}

function createRun(head: string, apps: string[], env: Record<string, string> = {}, timeoutMs = 300_000) {
  const jobs = apps.map((app): JobRecord => ({ app, version: `v-${app}`, executor: 'codebuild', status: 'QUEUED', buildId: null, computeType: 'small', retries: 0, estimatedCost: null, expectedMs: null, phases: [], logFile: null, error: null }));
  const specs = new Map<string, JobSpec>(apps.map((app) => [app, { runId: `run${process.pid}`, app, version: `v-${app}`, sourceVersion: head, computeType: 'small', env: { TESSERA_APP: app, TESSERA_VERSION: `v-${app}`, ...env }, timeoutMs }]));
  const run: RunRecord = { id: `run${process.pid}`, trigger: 'test', base: null, head, status: 'IN_PROGRESS', start: new Date().toISOString(), end: null, jobs };
  return { run, specs };
}

const wire = (server: CodeBuildServer) => [...server.builds.values()].map((b) => b.build);

describe('a FAULT retry on CodeBuild', () => {
  it('starts a new build with a new idempotency token; the stored run and its timeline show both attempts', async () => {
    let builds = 0;
    const { repo, server, executor } = await setup({ faultBuild: () => ++builds === 1 });
    const result = await runBuild({ root: repo.dir, apps: ['web'], executor: 'codebuild', executorInstance: executor, trigger: 'test', signal: new AbortController().signal, allowLocalStore: true });
    const job = result.run.jobs[0]!;
    expect(job).toMatchObject({ status: 'SUCCEEDED', attempt: 2, retries: 1 });
    // Two StartBuild calls, two builds: the first FAULT, the second the one the job ended with.
    expect(server.stats.calls.StartBuild).toBe(2);
    expect(server.builds.size).toBe(2);
    const [first, second] = wire(server);
    expect([first!.buildStatus, second!.buildStatus]).toEqual(['FAULT', 'SUCCEEDED']);
    expect(job.buildId).toBe(second!.id);

    // What was stored, as `tessera runs show` and `tessera report` read it.
    const runs = createRunsStore(join(repo.dir, '.tessera/tessera.db'));
    const stored = runs.readRun(result.run.id);
    runs.close();
    const phases = stored.jobs[0]!.phases;
    expect(stored.jobs[0]!.attempt).toBe(2);
    expect(phases.filter((p) => p.type === 'PROVISIONING').map((p) => [p.status, p.attempt ?? 1])).toEqual([['FAULT', 1], ['SUCCEEDED', 2]]);
    expect(phases.find((p) => p.type === 'COMPLETED' && !p.attempt)!.message).toContain(`build ${first!.id} ended FAULT`);
    const timeline = computeTimeline(stored, Date.now());
    const segments = timeline.jobs[0]!.segments;
    expect(segments.filter((s) => s.type === 'QUEUED').map((s) => s.attempt ?? 1)).toEqual([1, 2]);
    expect(segments.find((s) => s.type === 'BUILD')!.attempt).toBe(2);
    // The job left the queue with its first build, before the first one faulted.
    expect(timeline.jobs[0]!.startedAt).toBe(segments.find((s) => s.type === 'PROVISIONING')!.start);
    expect(renderTrace(stored, Date.now()).traceEvents.filter((e) => e.name === 'PROVISIONING').map((e) => [e.args!.status, e.args!.attempt ?? 1])).toEqual([['FAULT', 1], ['SUCCEEDED', 2]]);
  });

  it('asks for the same build again when the same attempt is asked twice (a resumed run), a new one for the next attempt', async () => {
    const { head, server, executor } = await setup();
    const { specs } = createRun(head, ['web']);
    const spec = specs.get('web')!;
    const events = { phase() {}, log() {}, started() {}, retried() {} };
    const once = await executor.run({ ...spec, attempt: 1 }, events, new AbortController().signal);
    const again = await executor.run({ ...spec, attempt: 1 }, events, new AbortController().signal);
    const next = await executor.run({ ...spec, attempt: 2 }, events, new AbortController().signal);
    expect(again.buildId).toBe(once.buildId);
    expect(next.buildId).not.toBe(once.buildId);
    expect(server.builds.size).toBe(2);
    expect(computeIdempotencyToken(spec.runId, 'web', 1)).toBe(computeIdempotencyToken(spec.runId, 'web', 1));
  });
});

describe('a run resumed after a crash', () => {
  it("asks CodeBuild for the build its interrupted attempt started: same token, same build, no second one", async () => {
    const { repo, head, server, executor } = await setup();
    const version = (await runBuild({ root: repo.dir, apps: ['web'], executor: 'codebuild', executorInstance: executor, trigger: 'test', signal: new AbortController().signal, allowLocalStore: true, dryRun: true })).plan[0]!.version;
    // The crashed process: it started attempt 2 of run R's web build, stored that, and died (as markInterrupted leaves it).
    const runId = '20260101-000000-dead';
    const client = new CodeBuildClient({ endpoint: server.url, region: 'eu-west-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    cleanups.push(() => client.destroy());
    const crashed = await createCodeBuildExecutor({ project: 'tessera', codebuild: client, poll: { minMs: 20, maxMs: 100 } });
    const env = { TESSERA_APP: 'web', TESSERA_VERSION: version, TESSERA_RUN_ID: runId, TESSERA_STORE: join(repo.dir, '.tessera/store') };
    void crashed.run({ runId, app: 'web', version, sourceVersion: head, computeType: 'small', env, timeoutMs: 60 * 60_000, attempt: 2 }, { phase() {}, log() {}, started() {}, retried() {} }, new AbortController().signal);
    while (server.builds.size === 0) await new Promise((r) => setTimeout(r, 10));
    await crashed.close();
    const [started] = wire(server);
    const runs = createRunsStore(join(repo.dir, '.tessera/tessera.db'));
    const at = new Date().toISOString();
    runs.saveRun({
      id: runId, trigger: 'webhook:push', base: null, head, status: 'STOPPED', start: at, end: at,
      jobs: [{ app: 'web', version, executor: 'codebuild', status: 'STOPPED', buildId: started!.id, computeType: 'small', retries: 1, attempt: 2, estimatedCost: null, expectedMs: null, logFile: null, error: 'Interrupted', phases: [{ type: 'QUEUED', status: 'STOPPED', start: at, end: at, attempt: 2 }] }],
    });
    runs.close();

    const result = await runBuild({ root: repo.dir, apps: ['web'], executor: 'codebuild', executorInstance: executor, trigger: 'webhook:push', signal: new AbortController().signal, allowLocalStore: true, resumeRunId: runId });
    expect(result.run.id).toBe(runId);
    expect(result.run.jobs[0]).toMatchObject({ status: 'SUCCEEDED', attempt: 2, retries: 1, buildId: started!.id });
    expect(server.stats.calls.StartBuild).toBe(2);
    expect(server.builds.size).toBe(1);
    // A run that was not interrupted is not taken over: a new run, attempt 1, a new build.
    const fresh = await runBuild({ root: repo.dir, apps: ['web'], executor: 'codebuild', executorInstance: executor, trigger: 'test', signal: new AbortController().signal, allowLocalStore: true, resumeRunId: runId });
    expect(fresh.run.id).not.toBe(runId);
    expect(fresh.run.jobs[0]).toMatchObject({ status: 'SUCCEEDED' });
    expect(fresh.run.jobs[0]!.attempt ?? 1).toBe(1);
    expect(server.builds.size).toBe(2);
  });
});

describe("CodeBuild's queue", () => {
  it('over the concurrent-build limit the second build waits in QUEUED, then runs: no StartBuild refused', async () => {
    const { head, server, executor } = await setup({ accountConcurrencyLimit: 1, timeScale: 0.001 });
    const { run, specs } = createRun(head, ['a', 'b'], { TESSERA_SIMULATE_SECONDS: '200' });
    await runFanout({ run, specs, executor, concurrency: 2 });
    expect(run.jobs.map((j) => j.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(server.stats).toMatchObject({ maxConcurrentBuilds: 1, maxQueuedBuilds: 1, accountLimitRejections: 0 });
    expect(run.jobs.map((j) => j.retries)).toEqual([0, 0]);
    // Which of the two CodeBuild ran first is CodeBuild's business: the other one queued.
    const [firstBuilt, waited] = [...run.jobs].sort((x, y) => Date.parse(x.phases.find((p) => p.type === 'PROVISIONING')!.start) - Date.parse(y.phases.find((p) => p.type === 'PROVISIONING')!.start));
    const queued = waited!.phases.filter((p) => p.type === 'QUEUED');
    expect(queued).toHaveLength(1); // the fan-out's wait and CodeBuild's queue are one phase
    expect(Date.parse(queued[0]!.end!)).toBeGreaterThanOrEqual(Date.parse(firstBuilt!.phases.find((p) => p.type === 'FINALIZING')!.end!));
    expect(waited!.phases.map((p) => p.type)).toEqual(['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED']);
    // The timeline counts the time in CodeBuild's queue as waiting, not building.
    const t = computeTimeline(run, Date.now()).jobs[run.jobs.indexOf(waited!)]!;
    expect(t.startedAt).toBe(Date.parse(queued[0]!.end!) - Date.parse(run.start));
    expect(t.startedAt! - t.queuedAt!).toBeGreaterThanOrEqual(Date.parse(firstBuilt!.phases.find((p) => p.type === 'FINALIZING')!.end!) - Date.parse(queued[0]!.start));
  });
});

describe('a build CodeBuild does not know', () => {
  it('ends the job FAULT with TESSERA_CODEBUILD_BUILD_NOT_FOUND after its retry, instead of polling for ever', async () => {
    const { head, server, executor } = await setup({ loseBuild: () => true });
    const { run, specs } = createRun(head, ['web']);
    await runFanout({ run, specs, executor, concurrency: 1, retryDelayMs: 1 });
    expect(run.jobs[0]).toMatchObject({ status: 'FAULT', attempt: 2, error: expect.stringMatching(/^TESSERA_CODEBUILD_BUILD_NOT_FOUND: CodeBuild has no build tessera:[0-9a-f-]+ in eu-west-1/) });
    expect(server.stats.calls.StartBuild).toBe(2);
    // One BatchGetBuilds per build was enough to give up on it.
    expect(executor.stats.batchGetBuilds).toBe(2);
    for (const b of server.builds.values()) await b.done;
  });
});

describe('logs', () => {
  it('are read while the build is IN_PROGRESS, each line once, from where the last read stopped', async () => {
    const { head, server, executor } = await setup();
    const dir = mkdtempSync(join(tmpdir(), 'tessera-gate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const gate = join(dir, 'gate');
    const { run, specs } = createRun(head, ['web'], { TESSERA_TEST_GATE: gate });
    const lines: LogLine[] = [];
    let seenWhileRunning: { job: string; build: string } | null = null;
    await runFanout({
      run, specs, executor, concurrency: 1,
      onLog(_app, line) {
        lines.push(line);
        if (line.text === 'started web' && !seenWhileRunning) {
          seenWhileRunning = { job: run.jobs[0]!.status, build: wire(server)[0]!.buildStatus };
          writeFileSync(gate, '');
        }
      },
    });
    expect(existsSync(gate)).toBe(true);
    expect(seenWhileRunning).toEqual({ job: 'IN_PROGRESS', build: 'IN_PROGRESS' });
    expect(run.jobs[0]!.status).toBe('SUCCEEDED');
    const texts = lines.map((l) => l.text);
    expect(texts.filter((t) => t === 'started web')).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('finished web'))).toHaveLength(1);
    expect(texts.indexOf('started web')).toBeLessThan(texts.findIndex((t) => t.startsWith('finished web')));
    // Several reads, each forward token taken up by the next: the stream, in order, without repeats.
    expect(server.stats.calls.GetLogEvents).toBeGreaterThan(1);
    expect(new Set(texts.filter((t) => t.startsWith('[Container]'))).size).toBe(texts.filter((t) => t.startsWith('[Container]')).length);
  });
});

describe("StartBuild's ranges and environment", () => {
  it('clamps timeoutInMinutesOverride to 5-2160 and queuedTimeoutInMinutesOverride to 5-480, noting it in the log', async () => {
    const short = await setup({}, { queuedTimeoutMinutes: 1 });
    const a = createRun(short.head, ['web'], {}, 60_000);
    const logs: string[] = [];
    await runFanout({ ...a, executor: short.executor, concurrency: 1, onLog: (_app, l) => logs.push(l.text) });
    expect(a.run.jobs[0]!.status).toBe('SUCCEEDED');
    expect(wire(short.server)[0]).toMatchObject({ timeoutInMinutes: 5, queuedTimeoutInMinutes: 5 });
    expect(logs).toContain("[Tessera] timeoutMinutes 1 is outside CodeBuild's 5-2160 minutes: the build times out after 5");

    const long = await setup({}, { queuedTimeoutMinutes: 9999 });
    const b = createRun(long.head, ['web'], {}, 3000 * 60_000);
    await runFanout({ ...b, executor: long.executor, concurrency: 1 });
    expect(b.run.jobs[0]!.status).toBe('SUCCEEDED');
    expect(wire(long.server)[0]).toMatchObject({ timeoutInMinutes: 2160, queuedTimeoutInMinutes: 480 });
  });

  it("passes the job's TESSERA_* variables and the names passEnv lists, nothing else of the environment", async () => {
    const env = { PASSED: 'yes', SECRET_TOKEN: 'hunter2', AWS_SECRET_ACCESS_KEY: 'do-not-leak' };
    const { head, server, executor } = await setup({}, { passEnv: ['PASSED', 'UNSET'], env });
    const { run, specs } = createRun(head, ['web'], { SECRET_TOKEN: 'from-the-job' });
    const logs: string[] = [];
    await runFanout({ run, specs, executor, concurrency: 1, onLog: (_app, l) => logs.push(l.text) });
    expect(wire(server)[0]!.environment.environmentVariables.map((v) => v.name).sort()).toEqual(['PASSED', 'TESSERA_APP', 'TESSERA_VERSION']);
    expect(logs).toContain('finished web secret=none pass=yes');
  });
});
