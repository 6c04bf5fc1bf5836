import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../tools/src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

/** A sample repo whose buildspec runs `build` (a shell snippet) instead of the real type-check and bundle. */
function repoWithBuildspec(build: string, extra = ''): TestRepo {
  repo = createSampleRepo();
  repo.write(
    'buildspec.yml',
    `version: 0.2\nphases:\n  install:\n    commands:\n      - echo installing $TESSERA_APP\n  build:\n    commands:\n      - ${build}\n  post_build:\n    commands:\n      - echo "post $CODEBUILD_BUILD_SUCCEEDING"\nartifacts:\n  base-directory: out\n  files:\n    - "**/*"\n${extra}`,
  );
  repo.commit('buildspec');
  return repo;
}

async function build(args: string[], env: Record<string, string> = {}) {
  const io = captureIo(repo.dir, env);
  const code = await main(['build', ...args], io);
  return { code, io, doc: args.includes('--json') ? JSON.parse(io.out() || 'null') : null };
}

describe('tessera build on the local executor', () => {
  it('builds each app in its own worktree at the commit, records phases, logs and artifacts, and cleans up', async () => {
    repoWithBuildspec('mkdir -p out && echo "$TESSERA_APP $TESSERA_VERSION $(git rev-parse HEAD)" > out/info.txt && printf "\\033[32mgreen\\033[0m\\n"');
    repo.write('apps/profile/src/dirty.ts', 'export const dirty = 1;\n'); // uncommitted: must not be in the build
    const { code, doc } = await build(['profile', 'search', '--json', '--concurrency', '2']);
    expect(code).toBe(0);
    expect(doc).toMatchObject({ status: 'SUCCEEDED', trigger: 'cli' });
    expect(doc.jobs.map((j: { app: string }) => j.app).sort()).toEqual(['profile', 'search']);
    const job = doc.jobs.find((j: { app: string }) => j.app === 'profile');
    expect(job.phases.map((p: { type: string }) => p.type)).toEqual(['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED']);
    expect(job.phases.every((p: { status: string; end: string | null }) => p.status === 'SUCCEEDED' && p.end)).toBe(true);
    const info = repo.read(`.tessera/artifacts/${doc.id}/profile/info.txt`).trim().split(' ');
    expect(info).toEqual(['profile', job.version, repo.git('rev-parse', 'HEAD')]);
    expect(repo.read(job.logFile)).toContain('\u001b[32mgreen\u001b[0m');
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
    expect(readdirSync(join(repo.dir, '.tessera/worktrees'))).toEqual([]);

    const io = captureIo(repo.dir);
    expect(await main(['runs', 'show', doc.id.slice(0, 12)], io)).toBe(0);
    expect(io.out()).toMatch(/BUILD\s+SUCCEEDED/);
  });

  it('isolates a failing app, runs POST_BUILD with CODEBUILD_BUILD_SUCCEEDING=0, and exits 1', async () => {
    repoWithBuildspec('test "$TESSERA_APP" != checkout || { echo "\\033[31mtype error in checkout\\033[0m"; exit 2; }');
    const { code, doc } = await build(['--json']);
    expect(code).toBe(1);
    expect(doc.status).toBe('FAILED');
    const statuses = Object.fromEntries(doc.jobs.map((j: { app: string; status: string }) => [j.app, j.status]));
    expect(statuses).toEqual({ catalog: 'SUCCEEDED', checkout: 'FAILED', 'course-page': 'SUCCEEDED', 'learner-home': 'SUCCEEDED', profile: 'SUCCEEDED', search: 'SUCCEEDED' });
    const checkout = doc.jobs.find((j: { app: string }) => j.app === 'checkout');
    expect(checkout.phases.find((p: { type: string }) => p.type === 'BUILD')).toMatchObject({ status: 'FAILED', message: expect.stringContaining('exit status 2') });
    expect(repo.read(checkout.logFile)).toContain('post 0');
  });

  it('times out a build that never ends, killing its processes', async () => {
    repoWithBuildspec('sleep 1000 & sleep 1000');
    repo.write('tessera.config.json', JSON.stringify({ timeoutMinutes: 0.02 }));
    repo.commit('timeout');
    const { code, doc } = await build(['profile', '--json']);
    expect(code).toBe(1);
    expect(doc.jobs[0]).toMatchObject({ status: 'TIMED_OUT' });
    expect(doc.jobs[0].phases.find((p: { type: string }) => p.type === 'BUILD').status).toBe('TIMED_OUT');
  });

  it('removes a worktree left behind by a crashed run', async () => {
    repoWithBuildspec('true');
    const stale = join(repo.dir, '.tessera/worktrees/20200101-000000-dead-profile');
    repo.git('worktree', 'add', '--detach', stale, 'HEAD');
    writeFileSync(`${stale}.pid`, '999999');
    const { code } = await build(['profile']);
    expect(code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('--dry-run prints the plan and starts nothing; bad input exits 2 with a coded error', async () => {
    repoWithBuildspec('true');
    const dry = await build(['--affected', '--base', 'HEAD', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(dry.doc.plan).toEqual([]);
    const all = await build(['--dry-run']);
    expect(all.io.err()).toMatch(/Build plan .*6 job\(s\)/);
    expect(existsSync(join(repo.dir, '.tessera/logs'))).toBe(false);
    const unknown = await build(['nope']);
    expect([unknown.code, unknown.io.err()]).toEqual([2, expect.stringContaining('TESSERA_UNKNOWN_APP')]);
    const zero = await build(['--concurrency', '0']);
    expect([zero.code, zero.io.err()]).toEqual([2, expect.stringContaining('received "0"')]);
    repo.write('buildspec.yml', 'version: 0.1\nphases:\n  build:\n    commands: run\n');
    const invalid = await build(['profile']);
    expect(invalid.code).toBe(2);
    expect(invalid.io.err()).toContain('TESSERA_BUILDSPEC_INVALID');
    expect(invalid.io.err()).toMatch(/buildspec\.yml:1/);
  });
});

describe('interrupting tessera build', () => {
  it('SIGINT stops every started build, records them STOPPED and exits 130 with nothing left running', async () => {
    repoWithBuildspec('echo started; sleep 1000 & sleep 1000');
    const marker = `tessera-sigint-${process.pid}`;
    const child = spawn(process.execPath, [join(REPO_ROOT, 'tools/bin/tessera.js'), 'build', 'profile', 'search', '--concurrency', '1'], {
      cwd: repo.dir,
      env: { ...process.env, CI: '1', TESSERA_TEST_MARKER: marker },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const logs = join(repo.dir, '.tessera/logs');
    // Wait (without a clock) until the first build's command has started.
    while (!(existsSync(logs) && readdirSync(logs).some((run) => readdirSync(join(logs, run)).some((f) => /started/.test(repo.read(`.tessera/logs/${run}/${f}`)))))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('SIGINT: stopping every started build (press Ctrl-C again to exit at once)');
    const io = captureIo(repo.dir);
    await main(['runs', 'show', 'latest', '--json'], io);
    const run = JSON.parse(io.out());
    expect(run.status).toBe('STOPPED');
    expect(run.jobs.map((j: { status: string }) => j.status).sort()).toEqual(['STOPPED', 'STOPPED']);
    const { execFileSync } = await import('node:child_process');
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(repo.dir) || l.includes(marker));
    expect(left).toEqual([]);
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
  });
});
