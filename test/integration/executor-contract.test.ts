import { execFile, execFileSync } from 'node:child_process';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { readBuildspec } from '../../tools/src/buildspec/read-buildspec.js';
import { createCodeBuildExecutor } from '../../tools/src/executors/codebuild-executor.js';
import type { Executor, JobSpec } from '../../tools/src/executors/executor.js';
import { createLocalExecutor } from '../../tools/src/executors/local-executor.js';
import { runFanout } from '../../tools/src/fanout/run-fanout.js';
import type { JobRecord, LogLine, RunRecord } from '../../tools/src/records/run-record.js';
import { type CodeBuildServerOptions, startCodeBuildServer } from '../support/codebuild-server/server.js';
import { createEmptyRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A sleep only this test process starts, so the leftover check cannot see anyone else's. */
const SLEEP = `sleep 1000.${process.pid}`;

/** A repo whose buildspec fails for app "broken", hangs when TESSERA_TEST_HANG=1 (CodeBuild builds get TESSERA_* variables only), and otherwise says hello. */
function createRepo(): { repo: TestRepo; head: string } {
  const repo = createEmptyRepo();
  repo.write(
    'buildspec.yml',
    [
      'version: 0.2',
      'phases:',
      '  install:',
      '    commands:',
      '      - echo "installing $TESSERA_APP"',
      '  build:',
      '    commands:',
      '      - test "$TESSERA_APP" != broken || { echo "broken on purpose"; exit 3; }',
      `      - test "$TESSERA_TEST_HANG" != 1 || { echo hanging; ${SLEEP}; }`,
      '      - echo "hello $TESSERA_APP $TESSERA_VERSION"',
      '  post_build:',
      '    commands:',
      '      - echo "done $CODEBUILD_BUILD_SUCCEEDING"',
      '',
    ].join('\n'),
  );
  const head = repo.commit('buildspec');
  cleanups.push(() => repo.cleanup());
  return { repo, head };
}

const clientConfig = (url: string) => ({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

type Factory = (repo: TestRepo, server?: Partial<CodeBuildServerOptions>) => Promise<Executor>;
const FACTORIES: [string, Factory][] = [
  ['local', async (repo) => createLocalExecutor({ root: repo.dir, cacheDir: '.tessera', buildspec: readBuildspec(repo.dir).buildspec })],
  [
    'codebuild',
    async (repo, options = {}) => {
      const server = await startCodeBuildServer({ projects: [{ name: 'tessera', sourceDir: repo.dir }], ...options });
      const codebuild = new CodeBuildClient(clientConfig(server.url));
      const logs = new CloudWatchLogsClient(clientConfig(server.url));
      cleanups.push(() => server.close(), () => (codebuild.destroy(), logs.destroy()));
      const executor = await createCodeBuildExecutor({ project: 'tessera', codebuild, logs, poll: { minMs: 20, maxMs: 100 }, backoff: { baseMs: 5, maxMs: 50 } });
      cleanups.push(() => executor.close());
      return executor;
    },
  ],
];

function createRun(head: string, apps: string[], env: Record<string, string> = {}) {
  const jobs = apps.map((app): JobRecord => ({ app, version: `v-${app}`, executor: 'local', status: 'QUEUED', buildId: null, computeType: 'small', retries: 0, estimatedCost: null, expectedMs: null, phases: [], logFile: null, error: null }));
  const specs = new Map<string, JobSpec>(apps.map((app) => [app, { runId: `run${process.pid}`, app, version: `v-${app}`, sourceVersion: head, computeType: 'small', env: { TESSERA_APP: app, TESSERA_VERSION: `v-${app}`, ...env }, timeoutMs: 300_000 }]));
  const run: RunRecord = { id: `run${process.pid}`, trigger: 'test', base: null, head, status: 'IN_PROGRESS', start: new Date().toISOString(), end: null, jobs };
  return { run, specs };
}

describe.each(FACTORIES)('the %s executor', (name, create) => {
  it('runs a build to SUCCEEDED with CodeBuild phases in order and its log', async () => {
    const { repo, head } = createRepo();
    const executor = await create(repo);
    const { run, specs } = createRun(head, ['web']);
    const logs: LogLine[] = [];
    await runFanout({ run, specs, executor, concurrency: 1, onLog: (_app, line) => logs.push(line) });
    expect(run.jobs[0]!.status).toBe('SUCCEEDED');
    const types = run.jobs[0]!.phases.map((p) => p.type);
    for (const t of ['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'BUILD', 'POST_BUILD', 'FINALIZING', 'COMPLETED']) expect(types, name).toContain(t);
    expect(types.indexOf('INSTALL')).toBeLessThan(types.indexOf('BUILD'));
    expect(run.jobs[0]!.phases.every((p) => p.end !== null)).toBe(true);
    expect(logs.map((l) => l.text).join('\n')).toContain('hello web v-web');
    expect(run.jobs[0]!.buildId).toBeTruthy();
  });

  it('reports a failing build FAILED without touching its neighbours, and never exceeds the bound', async () => {
    const { repo, head } = createRepo();
    const executor = await create(repo);
    const { run, specs } = createRun(head, ['a', 'broken', 'c', 'd', 'e']);
    let inFlight = 0;
    let maxInFlight = 0;
    const ends = new Map<string, number>();
    await runFanout({
      run, specs, executor, concurrency: 2,
      onEvent(_r, e) {
        if (e.type === 'job-start') maxInFlight = Math.max(maxInFlight, ++inFlight);
        if (e.type === 'job-end') (inFlight--, ends.set(e.app, (ends.get(e.app) ?? 0) + 1));
      },
    });
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect([...ends.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(Object.fromEntries(run.jobs.map((j) => [j.app, j.status]))).toEqual({ a: 'SUCCEEDED', broken: 'FAILED', c: 'SUCCEEDED', d: 'SUCCEEDED', e: 'SUCCEEDED' });
  });

  it('stops a running build on abort: STOPPED, and no process left behind', async () => {
    const { repo, head } = createRepo();
    const executor = await create(repo);
    const { run, specs } = createRun(head, ['slow'], { TESSERA_TEST_HANG: '1' });
    const controller = new AbortController();
    const done = runFanout({ run, specs, executor, concurrency: 1, signal: controller.signal, onEvent: (_r, e) => e.type === 'phase' && e.phase === 'BUILD' && e.status === 'IN_PROGRESS' && setTimeout(() => controller.abort(), 200) });
    await done;
    expect(run.jobs[0]!.status).toBe('STOPPED');
    expect(run.status).toBe('STOPPED');
    const left = execFileSync('ps', ['-eo', 'stat,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(SLEEP) && !l.startsWith('Z'));
    expect(left).toEqual([]);
  });
});

describe('the codebuild executor under AWS limits', () => {
  it('throttling and a full build queue lead to success after counted retries', async () => {
    const { repo, head } = createRepo();
    const [, create] = FACTORIES[1]!;
    // One build runs, one waits in CodeBuild's queue, the others are refused until there is room.
    const executor = await create(repo, { throttleRate: 0.3, accountConcurrencyLimit: 1, queueLimit: 1, seed: 7 });
    const { run, specs } = createRun(head, ['a', 'b', 'c', 'd']);
    await runFanout({ run, specs, executor, concurrency: 4 });
    expect(run.jobs.map((j) => j.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(run.jobs.reduce((n, j) => n + j.retries, 0)).toBeGreaterThan(0);
  });

  it('a project that does not exist is a coded error naming it and the config key', async () => {
    const { repo } = createRepo();
    const server = await startCodeBuildServer({ projects: [{ name: 'tessera', sourceDir: repo.dir }] });
    cleanups.push(() => server.close());
    const codebuild = new CodeBuildClient(clientConfig(server.url));
    cleanups.push(() => codebuild.destroy());
    await expect(createCodeBuildExecutor({ project: 'missing-project', codebuild })).rejects.toMatchObject({ code: 'TESSERA_CODEBUILD_PROJECT_NOT_FOUND', message: expect.stringMatching(/missing-project.*codebuild\.project/) });
  });

  it('tessera build --executor codebuild gives the same run record shape, and missing credentials get a hint', async () => {
    const { repo, head } = createRepo();
    repo.write('tessera.config.json', JSON.stringify({ codebuild: { project: 'tessera' } }));
    repo.write('nx.json', JSON.stringify({ defaultBase: 'main' }));
    repo.write('apps/web/project.json', JSON.stringify({ name: 'web', projectType: 'application' }));
    repo.write('apps/web/src/main.ts', 'console.log("web");\n');
    repo.commit('a workspace');
    void head;
    const server = await startCodeBuildServer({ projects: [{ name: 'tessera', sourceDir: repo.dir }] });
    cleanups.push(() => server.close());
    const env: Record<string, string | undefined> = { ...process.env, AWS_ENDPOINT_URL_CODEBUILD: server.url, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: server.url, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', CI: '1' };
    const bin = join(REPO_ROOT, 'tools/bin/tessera.js');
    // The default store is a directory: refused, since on AWS the builds could not publish to it.
    delete env.TESSERA_ALLOW_LOCAL_STORE_WITH_CODEBUILD;
    const refused = await promisify(execFile)(process.execPath, [bin, 'build', '--executor', 'codebuild'], { cwd: repo.dir, env: { ...env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } }).catch((e) => e);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/TESSERA_CODEBUILD_LOCAL_STORE.*directory store .*\.tessera\/store[^]*hint.*s3:\/\/bucket/);
    expect(server.stats.calls.StartBuild ?? 0).toBe(0);
    // The test server builds on this machine, where the directory is: the override lets it through.
    Object.assign(env, { TESSERA_ALLOW_LOCAL_STORE_WITH_CODEBUILD: '1' });
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'build', '--executor', 'codebuild', '--json'], { cwd: repo.dir, env: { ...env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } });
    const doc = JSON.parse(stdout);
    expect(doc.status).toBe('SUCCEEDED');
    expect(doc.jobs[0]).toMatchObject({ app: 'web', executor: 'codebuild', status: 'SUCCEEDED', buildId: expect.stringMatching(/^tessera:/), estimatedCost: 0.005 });
    expect(doc.jobs[0].phases.map((p: { type: string }) => p.type)).toEqual(['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED']);

    const noCredentials = { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'tessera-none', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
    const failed = await promisify(execFile)(process.execPath, [bin, 'build', '--executor', 'codebuild'], { cwd: repo.dir, env: noCredentials }).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/TESSERA_AWS_CREDENTIALS_MISSING/);

    const noRegion: Record<string, string | undefined> = { ...env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_CONFIG_FILE: '/nonexistent' };
    delete noRegion.AWS_REGION;
    delete noRegion.AWS_DEFAULT_REGION;
    const regionless = await promisify(execFile)(process.execPath, [bin, 'build', '--executor', 'codebuild'], { cwd: repo.dir, env: noRegion }).catch((e) => e);
    expect(regionless.code).toBe(2);
    expect(regionless.stderr).toMatch(/TESSERA_AWS_REGION_MISSING.*\n.*hint.*AWS_REGION/);
  });
});
