import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../tools/src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

/**
 * The sample workspace with the real buildspec (`tessera bundle`, then `tessera publish`;
 * its type-check phase left out to keep the test fast) and Tessera's tools/ linked in, as
 * this repository has it (already compiled, so no job rebuilds the shared tools/dist).
 */
export function createBuildableRepo(): TestRepo {
  const r = createSampleRepo();
  const buildspec = readFileSync(join(REPO_ROOT, 'buildspec.yml'), 'utf8');
  expect(buildspec).toMatch(/tessera\.js bundle --app \$TESSERA_APP/);
  r.write('buildspec.yml', buildspec.replace(/ {2}pre_build:\n {4}commands:\n( {6}- .*\n)+/, ''));
  symlinkSync(join(REPO_ROOT, 'tools'), join(r.dir, 'tools'), 'dir');
  r.commit('buildspec and tools');
  return r;
}

async function build(args: string[], env: Record<string, string> = {}) {
  const io = captureIo(repo.dir, env);
  const code = await main(['build', ...args, '--json'], io);
  return { code, err: io.err(), doc: JSON.parse(io.out() || 'null') };
}

describe('tessera build publishes each app and skips what is published', () => {
  it('publishes under the planned version, rebuilds nothing when unchanged, and only the changed app after an edit', async () => {
    repo = createBuildableRepo();
    const first = await build(['catalog', 'profile']);
    const failedLogs = first.doc.jobs.filter((j: { status: string }) => j.status !== 'SUCCEEDED').map((j: { logFile: string }) => repo.read(j.logFile).slice(-3000));
    expect(first.code, failedLogs.join('\n')).toBe(0);
    for (const job of first.doc.jobs) {
      expect(job.status).toBe('SUCCEEDED');
      const manifest = JSON.parse(repo.read(`.tessera/store/apps/${job.app}/${job.version}/manifest.json`));
      expect(manifest).toMatchObject({ app: job.app, version: job.version, commit: repo.git('rev-parse', 'HEAD'), buildId: `local:${first.doc.id}:${job.app}` });
    }

    const second = await build(['catalog', 'profile']);
    expect(second.code).toBe(0);
    expect(second.doc.status).toBe('SUCCEEDED');
    expect(second.doc.jobs.map((j: { app: string; status: string; version: string; logFile: string | null }) => [j.app, j.status, j.logFile])).toEqual([
      ['catalog', 'CACHED', null],
      ['profile', 'CACHED', null],
    ].sort((a, b) => (second.doc.jobs.findIndex((j: { app: string }) => j.app === a[0]) - second.doc.jobs.findIndex((j: { app: string }) => j.app === b[0]))));
    expect(second.doc.jobs.map((j: { version: string }) => j.version).sort()).toEqual(first.doc.jobs.map((j: { version: string }) => j.version).sort());
    expect(second.doc.jobs.flatMap((j: { phases: unknown[] }) => j.phases)).toEqual([]); // nothing started

    repo.append('apps/profile/src/App.tsx', '\nexport const edited = true;\n');
    repo.commit('edit profile');
    const third = await build(['catalog', 'profile']);
    const status = Object.fromEntries(third.doc.jobs.map((j: { app: string; status: string }) => [j.app, j.status]));
    expect(status).toEqual({ catalog: 'CACHED', profile: 'SUCCEEDED' });
    const profile = third.doc.jobs.find((j: { app: string }) => j.app === 'profile');
    expect(profile.version).not.toBe(first.doc.jobs.find((j: { app: string }) => j.app === 'profile').version);
    const io = captureIo(repo.dir);
    expect(await main(['versions', 'profile', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out()).versions).toHaveLength(2);
  });

  it('a failing app is not published and is built again next time', async () => {
    repo = createBuildableRepo();
    repo.write('apps/search/src/App.tsx', 'export function App() {\n  return <div>broken</div\n}\n');
    repo.commit('break search');
    const run = await build(['search', '--logs', 'failed']);
    expect(run.code).toBe(1);
    expect(run.doc.jobs[0].status).toBe('FAILED');
    expect(existsSync(join(repo.dir, '.tessera/store/apps/search'))).toBe(false);
    expect(repo.read(run.doc.jobs[0].logFile)).toMatch(/App\.tsx\(3,\d+\)|App\.tsx:3:\d+/);
    const again = await build(['search', '--dry-run']);
    expect(again.doc.jobs[0].status).toBe('QUEUED');
  });
});

describe('the CodeBuild executor publishes the same way', () => {
  it('runs the same buildspec (bundle, then publish in post_build) and leaves the version in the store', async () => {
    const { startCodeBuildServer } = await import('../support/codebuild-server/server.js');
    const { CodeBuildClient } = await import('@aws-sdk/client-codebuild');
    const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
    const { createCodeBuildExecutor } = await import('../../tools/src/executors/codebuild-executor.js');
    const { runBuild } = await import('../../tools/src/pipelines/run-build.js');
    repo = createBuildableRepo();
    const server = await startCodeBuildServer({ projects: [{ name: 'tessera', sourceDir: repo.dir, nodeModulesDir: join(REPO_ROOT, 'node_modules') }] });
    const config = { endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    const codebuild = new CodeBuildClient(config);
    const logs = new CloudWatchLogsClient(config);
    const executor = await createCodeBuildExecutor({ project: 'tessera', codebuild, logs, poll: { minMs: 20, maxMs: 200 } });
    // The test server builds on this machine, so the directory store is where its builds publish too.
    const local = { allowLocalStore: true };
    try {
      // Without the override, a directory store is refused before anything is built.
      await expect(runBuild({ root: repo.dir, apps: ['checkout'], executor: 'codebuild', executorInstance: executor, trigger: 'test', signal: new AbortController().signal, env: {} })).rejects.toMatchObject({ code: 'TESSERA_CODEBUILD_LOCAL_STORE' });
      expect(server.stats.calls.StartBuild ?? 0).toBe(0);
      const first = await runBuild({ root: repo.dir, apps: ['checkout'], executor: 'codebuild', executorInstance: executor, trigger: 'test', signal: new AbortController().signal, ...local });
      const job = first.run.jobs[0]!;
      expect(job.status, job.logFile ? repo.read(job.logFile).slice(-3000) : '').toBe('SUCCEEDED');
      const manifest = JSON.parse(repo.read(`.tessera/store/apps/checkout/${job.version}/manifest.json`));
      expect(manifest.buildId).toBe(job.buildId); // CodeBuild's own build id, as CODEBUILD_BUILD_ID
      const second = await runBuild({ root: repo.dir, apps: ['checkout'], executor: 'codebuild', executorInstance: executor, trigger: 'test', signal: new AbortController().signal, ...local });
      expect(second.run.jobs[0]).toMatchObject({ status: 'CACHED', version: job.version });
    } finally {
      await executor.close();
      codebuild.destroy();
      logs.destroy();
      await server.close();
    }
  });
});
