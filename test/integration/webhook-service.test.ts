import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunsStore } from '../../tools/src/runs/runs-store.js';
import { readRelease } from '../../tools/src/release/update-release.js';
import { createFsStore } from '../../tools/src/store/fs-store.js';
import { DEFAULT_CONFIG, type ResolvedConfig, validateConfig } from '../../tools/src/workspace/config.js';
import { createReportLinks } from '../../tools/src/webhook/report-access.js';
import { main } from '../../tools/src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { dumpBuildspec, findSecretLeaks, readTree, SECRETS } from '../support/secret-scan.js';
import { REPO_ROOT } from '../support/sample-repo.js';
import { startService, type Service } from '../../tools/src/pipelines/start-service.js';
import { resolveWebhookSettings, type WebhookSettings } from '../../tools/src/webhook/webhook-settings.js';
import type { TestRepo } from '../support/sample-repo.js';
import { createRemote, createTinyRepo, deliveryHeaders, eventually, FORK_FULL_NAME, pullRequestPayload, pushPayload, startFakeGitHub, ZERO } from '../support/webhook-fixtures.js';

const SECRET = 'service-secret';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

interface Harness {
  repo: TestRepo;
  remote: string;
  service: Service;
  github: Awaited<ReturnType<typeof startFakeGitHub>>;
  logs: string[];
  db: string;
  /** The service's own directory: its clone (with the runs' logs and reports) and its database. */
  home: string;
  settings: WebhookSettings;
  send(event: string, payload: unknown, id?: string): Promise<Response>;
  waitDone(id: string): Promise<ReturnType<Service['deliveries']['read']>>;
  readRun(id: string): ReturnType<ReturnType<typeof createRunsStore>['readRun']>;
}

async function start(options: { build?: string; env?: Record<string, string>; token?: boolean; config?: ResolvedConfig } = {}): Promise<Harness> {
  const repo = createTinyRepo(options.build);
  cleanups.push(() => repo.cleanup());
  const remote = createRemote(repo);
  cleanups.push(() => remote.cleanup());
  const github = await startFakeGitHub();
  cleanups.push(() => github.close());
  const home = mkdtempSync(join(tmpdir(), 'tessera-service-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const env = {
    TESSERA_WEBHOOK_SECRET: SECRET, TESSERA_WEBHOOK_SOURCE: remote.dir, TESSERA_WEBHOOK_CLONE_DIR: join(home, 'clone'), TESSERA_WEBHOOK_DB: join(home, 'tessera.db'),
    TESSERA_GITHUB_API_URL: github.url, TESSERA_PUBLIC_URL: 'http://tessera.example', TESSERA_WEBHOOK_POLL_MS: '50', TESSERA_WEBHOOK_FETCH_BACKOFF_MS: '10', TESSERA_WEBHOOK_FETCH_ATTEMPTS: '2',
    ...(options.token === false ? {} : { TESSERA_GITHUB_TOKEN: 'test-token' }),
    ...options.env,
  };
  const settings = resolveWebhookSettings({ config: options.config ?? DEFAULT_CONFIG, root: repo.dir, repoRoot: repo.dir, env, flags: { port: '0', host: '127.0.0.1' } });
  const secret = env.TESSERA_WEBHOOK_SECRET;
  const logs: string[] = [];
  const service = await startService({ settings, log: (l) => logs.push(l) });
  cleanups.push(() => service.close());
  let n = 0;
  return {
    repo, remote: remote.dir, service, github, logs, db: settings.database, home, settings,
    send(event, payload, id = `d${++n}`) {
      const body = JSON.stringify(payload);
      return fetch(`${service.url!}/webhooks/github`, { method: 'POST', headers: deliveryHeaders(secret, event, body, id), body });
    },
    waitDone: (id) => eventually(() => {
      const d = service.deliveries.read(id);
      return ['done', 'failed', 'superseded', 'ignored'].includes(d.state) && d;
    }, `delivery ${id} to finish`),
    readRun(id) {
      const runs = createRunsStore(settings.database);
      try {
        return runs.readRun(id);
      } finally {
        runs.close();
      }
    },
  };
}

/** Commits `files` on `branch` (created from `from` when new) and pushes it; returns [before, after]. */
function pushCommit(h: Harness, branch: string, files: Record<string, string>, options: { from?: string; force?: boolean } = {}): [string, string] {
  const before = h.repo.git('ls-remote', 'origin', `refs/heads/${branch}`).split('\t')[0] || ZERO;
  h.repo.git('checkout', '-q', ...(options.from ? ['-B', branch, options.from] : [branch]));
  for (const [path, content] of Object.entries(files)) h.repo.write(path, content);
  const after = h.repo.commit(`change on ${branch}`);
  h.repo.git('push', '-q', ...(options.force ? ['--force'] : []), 'origin', `${branch}:refs/heads/${branch}`);
  return [before, after];
}

const SHARED = { 'libs/shared/src/greet.ts': "export const greet = (who: string): string => `hi ${who}`;\n" };
const BETA = { 'apps/beta/src/main.tsx': "export const page = 'beta 2';\n" };

describe('tessera serve, end to end through a real socket', () => {
  it('a signed push builds the affected apps of before..after and reports commit statuses at the fake GitHub', async () => {
    const h = await start();
    const [, base] = pushCommit(h, 'feat', {}, { from: 'main' });
    const [before, after] = pushCommit(h, 'feat', SHARED);
    expect(before).toBe(base);
    const res = await h.send('push', pushPayload({ ref: 'refs/heads/feat', before, after }), 'push-1');
    expect(res.status).toBe(202);
    const d = await h.waitDone('push-1');
    expect(d).toMatchObject({ state: 'done', runId: expect.any(String), attempts: 1 });
    const run = h.readRun(d.runId!);
    expect(run).toMatchObject({ trigger: 'webhook:push', base: before, status: 'SUCCEEDED' });
    expect(run.jobs.map((j) => [j.app, j.status])).toEqual([['alpha', 'SUCCEEDED']]);
    expect(d.notes.map((n) => n.text)).toContain(`comparing ${before} .. ${after}`);

    const statuses = h.github.statuses.map((s) => [s.owner, s.repo, s.sha, s.context, s.state]);
    expect(statuses).toEqual([['acme', 'tiny', after, 'tessera/alpha', 'pending'], ['acme', 'tiny', after, 'tessera/alpha', 'success']]);
    expect(h.github.statuses[1]).toMatchObject({ target_url: expect.stringMatching(new RegExp(`^http://tessera\\.example/runs/${run.id}\\?token=[0-9a-z]+\\.[\\w-]{43}$`)), authorization: 'token test-token' });
    // The same signed link is in the service's log.
    const link = new URL(h.github.statuses[1]!.target_url!);
    expect(h.logs).toContain(`push-1: run ${run.id}: ${link.href}`);

    // The link in the status opens the run's HTML report, whose log sidecars the service serves with the same token.
    const local = (path: string) => `${h.service.url}${path}${link.search}`;
    const served = await (await fetch(`${local(`/runs/${run.id}`)}&format=json`)).json();
    expect(served).toMatchObject({ id: run.id, jobs: [{ app: 'alpha', status: 'SUCCEEDED' }] });
    const page = await fetch(local(`/runs/${run.id}`));
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain(run.id);
    const sidecar = /"([^"\s]*-logs\/[^"\s]+\.js)"/.exec(html);
    expect(sidecar, 'the report names a log sidecar').not.toBeNull();
    const logPath = new URL(sidecar![1]!, `${h.service.url}/runs/${run.id}`).pathname;
    expect((await fetch(local(logPath))).status).toBe(200);
    // Without the token, neither the report nor its log.
    expect((await fetch(`${h.service.url}/runs/${run.id}`)).status).toBe(401);
    expect((await fetch(`${h.service.url}${logPath}`)).status).toBe(401);
    expect((await fetch(`${h.service.url}/runs/..%2f..%2fsecret/x.js`)).status).toBe(401);
    expect(await (await fetch(`${h.service.url}/metrics`)).text()).toContain('tessera_builds{status="SUCCEEDED"} 1');
  });

  it('a new branch, a forced push and a before missing from the clone compare with the merge-base of main; a deleted branch builds nothing', async () => {
    const h = await start();
    const [zero, created] = pushCommit(h, 'new', BETA, { from: 'main' });
    expect(zero).toBe(ZERO);
    await h.send('push', pushPayload({ ref: 'refs/heads/new', before: ZERO, after: created }), 'created');
    const c = await h.waitDone('created');
    expect(h.readRun(c.runId!).jobs.map((j) => j.app)).toEqual(['beta']);

    // Rewrite the branch: its new head changes shared (alpha) instead of beta.
    const [old, forced] = pushCommit(h, 'new', SHARED, { from: 'main', force: true });
    expect(old).toBe(created);
    await h.send('push', pushPayload({ ref: 'refs/heads/new', before: old, after: forced, forced: true }), 'forced');
    const f = await h.waitDone('forced');
    expect(h.readRun(f.runId!).jobs.map((j) => j.app)).toEqual(['alpha']);

    const [, next] = pushCommit(h, 'new', BETA);
    await h.send('push', pushPayload({ ref: 'refs/heads/new', before: 'f'.repeat(40), after: next }), 'unknown-before');
    const u = await h.waitDone('unknown-before');
    expect(u.notes.map((n) => n.text).join('\n')).toContain(`before ${'f'.repeat(12)} is not in the clone`);
    expect(h.readRun(u.runId!).jobs.map((j) => j.app).sort()).toEqual(['alpha', 'beta']);

    h.repo.git('push', '-q', 'origin', ':refs/heads/new');
    await h.send('push', pushPayload({ ref: 'refs/heads/new', before: next, after: ZERO }), 'deleted');
    const del = await h.waitDone('deleted');
    expect(del.state).toBe('done');
    expect(del.runId).toBeUndefined();
  });

  it('the default branch forced back to its root commit builds every app: there is nothing before it to compare with', async () => {
    const h = await start();
    const [old] = pushCommit(h, 'main', BETA);
    const root = h.repo.git('rev-list', '--max-parents=0', 'HEAD');
    h.repo.git('push', '-q', '--force', 'origin', `${root}:refs/heads/main`);
    await h.send('push', pushPayload({ ref: 'refs/heads/main', before: old, after: root, forced: true }), 'to-root');
    const d = await h.waitDone('to-root');
    expect(d.state).toBe('done');
    expect(d.notes.map((n) => n.text)).toContain(`${root.slice(0, 12)} is a root commit with nothing before it: building every app`);
    expect(h.readRun(d.runId!).jobs.map((j) => j.app).sort()).toEqual(['alpha', 'beta']);
  });

  it('a pull request from a fork builds its affected apps from refs/pull/N/head; closed builds nothing', async () => {
    const h = await start();
    // The fork: a clone of the repository with its own commit, published by "GitHub" only as refs/pull/3/head.
    const forkDir = mkdtempSync(join(tmpdir(), 'tessera-fork-'));
    cleanups.push(() => rmSync(forkDir, { recursive: true, force: true }));
    execFileSync('git', ['clone', '-q', h.remote, forkDir]);
    writeFileSync(join(forkDir, 'apps/beta/src/main.tsx'), "export const page = 'from a fork';\n");
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=F', '-c', 'user.email=f@x', ...args], { cwd: forkDir, encoding: 'utf8' }).trim();
    git('commit', '-qam', 'fork change');
    const head = git('rev-parse', 'HEAD');
    git('push', '-q', h.remote, 'HEAD:refs/pull/3/head');

    await h.send('pull_request', pullRequestPayload('opened', { number: 3, headSha: head, fork: true }), 'pr-open');
    const opened = await h.waitDone('pr-open');
    expect(opened.state).toBe('done');
    // Untrusted code: the run says so, the statuses say what was withheld, and nothing is released.
    expect(h.readRun(opened.runId!)).toMatchObject({ trigger: 'webhook:pull_request:fork', jobs: [{ app: 'beta', status: 'SUCCEEDED' }] });
    expect(h.github.statuses.filter((s) => s.sha === head).map((s) => [s.state, s.description])).toEqual([
      ['pending', 'queued (fork: built without secrets, not published)'],
      ['success', 'built (fork: built without secrets, not published)'],
    ]);
    expect(opened.notes.map((n) => n.text)).toEqual(expect.arrayContaining([`pull request from ${FORK_FULL_NAME}: built without secrets, not published`]));

    await h.send('pull_request', pullRequestPayload('closed', { number: 3, headSha: head, fork: true }), 'pr-close');
    expect(await h.waitDone('pr-close')).toMatchObject({ state: 'done' });
    expect(h.service.deliveries.read('pr-close').runId).toBeUndefined();
  });

  it('a newer push to the same branch stops the running build of the older one', async () => {
    const gate = join(mkdtempSync(join(tmpdir(), 'tessera-gate-')), 'open');
    cleanups.push(() => rmSync(join(gate, '..'), { recursive: true, force: true }));
    const started = `${gate}.started`;
    const h = await start({ build: `touch ${started}; while [ ! -f ${gate} ]; do sleep 0.05; done` });
    const [b1, a1] = pushCommit(h, 'main', SHARED);
    await h.send('push', pushPayload({ ref: 'refs/heads/main', before: b1, after: a1 }), 'older');
    // The build itself says it started: run records are saved at most every 250 ms.
    await eventually(() => existsSync(started), 'the older build to start');
    const running = h.service.deliveries.read('older').runId!;
    const [b2, a2] = pushCommit(h, 'main', BETA);
    await h.send('push', pushPayload({ ref: 'refs/heads/main', before: b2, after: a2 }), 'newer');
    await eventually(() => h.readRun(running).status === 'STOPPED', 'the older run to stop');
    expect(h.service.deliveries.read('older')).toMatchObject({ state: 'superseded', reason: 'superseded by delivery newer' });
    expect(await eventually(() => h.github.statuses.find((s) => s.sha === a1 && s.state === 'error'), 'the stopped status')).toMatchObject({ context: 'tessera/alpha' });
    writeFileSync(gate, '');
    const newer = await h.waitDone('newer');
    expect(newer.state).toBe('done');
    expect(h.readRun(newer.runId!).jobs.map((j) => [j.app, j.status])).toEqual([['beta', 'SUCCEEDED']]);
  });

  it('never builds one version twice: the same inputs on another branch, or a replay, are CACHED', async () => {
    const h = await start();
    const [b1, a1] = pushCommit(h, 'one', SHARED, { from: 'main' });
    await h.send('push', pushPayload({ ref: 'refs/heads/one', before: ZERO, after: a1 }), 'one');
    expect(b1).toBe(ZERO);
    const first = await h.waitDone('one');
    const [, a2] = pushCommit(h, 'two', SHARED, { from: 'main' });
    await h.send('push', pushPayload({ ref: 'refs/heads/two', before: ZERO, after: a2 }), 'two');
    const second = await h.waitDone('two');
    const [j1] = h.readRun(first.runId!).jobs;
    const [j2] = h.readRun(second.runId!).jobs;
    expect(j2).toMatchObject({ app: 'alpha', version: j1!.version, status: 'CACHED' });
    expect(h.github.statuses.filter((s) => s.sha === a2).map((s) => s.state)).toEqual(['success']);

    // `tessera deliveries replay`: the delivery runs again, in a new run, and builds nothing twice.
    h.service.deliveries.replay('one');
    h.service.worker!.wake();
    const replayed = await eventually(() => {
      const d = h.service.deliveries.read('one');
      return d.state === 'done' && Boolean(d.runId) && d.runId !== first.runId ? d : undefined;
    }, 'the replayed delivery to finish');
    expect(h.readRun(replayed.runId!).jobs.map((j) => [j.app, j.status])).toEqual([['alpha', 'CACHED']]);
  });

  it('a fetch that keeps failing is retried with backoff, visible on the delivery, and fails it', async () => {
    const h = await start();
    const [before, after] = pushCommit(h, 'main', BETA);
    renameSync(h.remote, `${h.remote}-gone`);
    cleanups.push(() => rmSync(`${h.remote}-gone`, { recursive: true, force: true }));
    await h.send('push', pushPayload({ ref: 'refs/heads/main', before, after }), 'no-fetch');
    const d = await h.waitDone('no-fetch');
    expect(d).toMatchObject({ state: 'failed', error: expect.stringContaining('TESSERA_WEBHOOK_FETCH_FAILED') });
    expect(d.notes.map((n) => n.text).join('\n')).toMatch(/fetch attempt 1\/2 failed, retrying in 10 ms/);
  });

  it('without a token, skips statuses with one warning and still builds', async () => {
    const h = await start({ token: false });
    const [before, after] = pushCommit(h, 'main', BETA);
    await h.send('push', pushPayload({ ref: 'refs/heads/main', before, after }), 'x');
    expect(await h.waitDone('x')).toMatchObject({ state: 'done' });
    expect(h.github.statuses).toEqual([]);
    expect(h.logs.filter((l) => l.includes('commit statuses are skipped'))).toHaveLength(1);
  });

  it('publishes what it builds; the default branch starts canaries, a pull request gets its preview until it is closed', async () => {
    const bin = join(REPO_ROOT, 'tools/bin/tessera.js');
    const h = await start({
      build: `node ${bin} bundle --app $TESSERA_APP && node ${bin} publish --app $TESSERA_APP`,
      config: { ...DEFAULT_CONFIG, release: { ...DEFAULT_CONFIG.release, canary: { weight: 10 } } },
    });
    const store = createFsStore(join(h.repo.dir, '.tessera/store'));
    const release = async (app: string) => (await readRelease(store, app)).manifest;

    // main: beta's first version goes live at once; its next one becomes a 10% candidate.
    let [before, after] = pushCommit(h, 'main', BETA);
    await h.send('push', pushPayload({ ref: 'refs/heads/main', before, after }), 'main-1');
    const first = h.readRun((await h.waitDone('main-1')).runId!).jobs.find((j) => j.app === 'beta')!;
    expect((await release('beta')).live?.version).toBe(first.version);
    [before, after] = pushCommit(h, 'main', { 'apps/beta/src/main.tsx': "export const page = 'beta 3';\n" });
    await h.send('push', pushPayload({ ref: 'refs/heads/main', before, after }), 'main-2');
    const second = h.readRun((await h.waitDone('main-2')).runId!).jobs.find((j) => j.app === 'beta')!;
    expect(second.version).not.toBe(first.version);
    expect((await release('beta')).candidate).toMatchObject({ version: second.version, weight: 10 });

    // A pull request: alpha's build is previewed as pr-7, and closing the PR removes it.
    const [, head] = pushCommit(h, 'feature', SHARED, { from: 'main' });
    h.repo.git('push', '-q', 'origin', `${head}:refs/pull/7/head`);
    await h.send('pull_request', pullRequestPayload('opened', { number: 7, headSha: head }), 'pr-7');
    const pr = h.readRun((await h.waitDone('pr-7')).runId!).jobs.find((j) => j.app === 'alpha')!;
    expect((await release('alpha')).previews['pr-7']).toMatchObject({ version: pr.version, expires: expect.any(String) });
    await h.send('pull_request', pullRequestPayload('closed', { number: 7, headSha: head }), 'pr-7-closed');
    expect((await h.waitDone('pr-7-closed')).notes.map((n) => n.text)).toContain('release alpha: preview pr-7 removed');
    expect((await release('alpha')).previews).toEqual({});
    expect((await release('alpha')).history.map((e) => `${e.action}:${e.actor}`)).toEqual([expect.stringMatching(/^preview:tessera serve \(delivery pr-7\)$/), 'unpreview:tessera serve']);
  });
});

describe('tessera serve keeps its secrets and its runs to itself', () => {
  /** A fork of the remote with `files` committed, published by "GitHub" as refs/pull/<n>/head; returns the head commit. */
  function openForkPullRequest(h: Harness, n: number, files: Record<string, string>): string {
    const forkDir = mkdtempSync(join(tmpdir(), 'tessera-fork-'));
    cleanups.push(() => rmSync(forkDir, { recursive: true, force: true }));
    execFileSync('git', ['clone', '-q', h.remote, forkDir]);
    for (const [path, content] of Object.entries(files)) writeFileSync(join(forkDir, path), content);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=F', '-c', 'user.email=f@x', ...args], { cwd: forkDir, encoding: 'utf8' }).trim();
    git('commit', '-qam', 'fork change');
    git('push', '-q', h.remote, `HEAD:refs/pull/${n}/head`);
    return git('rev-parse', 'HEAD');
  }

  it('a build that prints its environment, plain and base64, sees no secret of the service; none is stored, logged or served', async () => {
    const saved = { ...process.env };
    // The service's process has them too: nothing may take a build's environment from it.
    Object.assign(process.env, SECRETS);
    cleanups.push(() => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    });
    const { config } = validateConfig({ build: { env: { pass: ['NPM_TOKEN'], secret: ['SENTRY_AUTH_TOKEN'] } } });
    const h = await start({ config: config!, env: { ...SECRETS, TESSERA_GITHUB_TOKEN: SECRETS.TESSERA_GITHUB_TOKEN } });
    // A new buildspec affects every app.
    const [before, after] = pushCommit(h, 'main', { 'buildspec.yml': dumpBuildspec() });
    await h.send('push', pushPayload({ ref: 'refs/heads/main', before, after }), 'trusted');
    const trusted = await h.waitDone('trusted');
    const head = openForkPullRequest(h, 5, { 'apps/alpha/src/main.tsx': "export const page = 'fork';\n" });
    await h.send('pull_request', pullRequestPayload('opened', { number: 5, headSha: head, fork: true }), 'fork');
    const fork = await h.waitDone('fork');
    const runs = [h.readRun(trusted.runId!), h.readRun(fork.runId!)];
    expect(runs.map((r) => [r.trigger, r.status, r.jobs.map((j) => j.app)])).toEqual([['webhook:push', 'SUCCEEDED', ['alpha', 'beta']], ['webhook:pull_request:fork', 'SUCCEEDED', ['alpha']]]);

    const logOf = (run: (typeof runs)[number]) => readFileSync(join(h.settings.cloneDir, run.jobs[0]!.logFile!), 'utf8');
    const names = (run: (typeof runs)[number]) => /\tstdout\tNAMES (.*)/.exec(logOf(run))![1]!.trim().split(' ');
    // The trusted build got the token passed by name (masked in its log); the fork's got nothing of the service's.
    expect(names(runs[0]!)).toEqual(expect.arrayContaining(['PATH', 'HOME', 'FROM_SPEC', 'TESSERA_APP', 'NPM_TOKEN']));
    expect(names(runs[1]!)).toEqual(expect.arrayContaining(['PATH', 'HOME', 'FROM_SPEC', 'TESSERA_APP']));
    expect(names(runs[0]!).filter((n) => n in SECRETS && n !== 'NPM_TOKEN')).toEqual([]);
    expect(names(runs[1]!).filter((n) => n in SECRETS)).toEqual([]);
    expect(logOf(runs[0]!)).toMatch(/NPM \*\*\* \*\*\*/);
    expect(logOf(runs[1]!)).toMatch(/\tstdout\tNPM  $/m);

    // Everything the service served for those runs, with the credentials it accepts.
    const bearer = { authorization: `Bearer ${SECRETS.TESSERA_READ_TOKEN}` };
    const served: string[] = [];
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${h.service.url}${path}`, { headers });
      const answered: string[] = [];
      res.headers.forEach((value, name) => answered.push(`${name}: ${value}`));
      served.push(`${res.status} ${answered.join('\n')}\n${await res.text()}`);
      return res;
    };
    expect((await get('/runs', bearer)).status).toBe(200);
    for (const status of h.github.statuses) {
      const link = new URL(status.target_url!);
      expect((await get(`${link.pathname}${link.search}`)).status).toBe(200);
      expect((await get(`${link.pathname}${link.search}&format=json`)).status).toBe(200);
      expect((await get(`${link.pathname}-logs/0000.js${link.search}`)).status).toBe(200);
    }
    await get('/metrics');
    await get('/healthz');
    const leaks = [
      ...readTree(h.home).filter((f) => !f.path.includes('/.git/')).flatMap((f) => findSecretLeaks(f.text, SECRETS, f.path)),
      ...findSecretLeaks(served.join('\n'), SECRETS, 'served responses'),
      ...findSecretLeaks(JSON.stringify([h.service.deliveries.read('trusted'), h.service.deliveries.read('fork')]), SECRETS, 'deliveries'),
      ...findSecretLeaks(h.logs.join('\n'), SECRETS, 'the service log'),
      // What the statuses say and link to (their Authorization header is where the token belongs).
      ...findSecretLeaks(JSON.stringify(h.github.statuses.map(({ authorization: _, ...s }) => s)), SECRETS, 'commit statuses'),
    ];
    expect(leaks).toEqual([]);
    expect(served.join('\n')).toContain('NPM ***');
  });

  it('answers /runs, a report and its logs only with the read token or a signed, unexpired link to that run', async () => {
    const readToken = 'r'.repeat(8) + '-read-token-of-the-service';
    const h = await start({ env: { TESSERA_READ_TOKEN: readToken } });
    const [before, after] = pushCommit(h, 'main', BETA);
    await h.send('push', pushPayload({ ref: 'refs/heads/main', before, after }), 'p');
    const run = h.readRun((await h.waitDone('p')).runId!);
    const url = (path: string) => `${h.service.url}${path}`;
    const status = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(url(path), { headers });
      const body = await res.text();
      // A refusal says nothing of the run: not its id, not whether it exists.
      if (res.status === 401) expect(body).not.toContain(run.id.slice(0, 8));
      return res.status;
    };
    const links = createReportLinks({ key: h.settings.reportKey });
    const token = links.sign(run.id);
    const logs = `/runs/${run.id}-logs/0000.js`;

    expect(await status(`/runs/${run.id}?token=${token}`)).toBe(200);
    expect(await status(`${logs}?token=${token}`)).toBe(200);
    for (const path of ['/runs', `/runs/${run.id}`, `/runs/${run.id}?format=json`, logs, '/runs/latest', '/runs/nope']) expect(await status(path), path).toBe(401);
    // A link to another run, an expired one, a forged one, one signed with another key: refused.
    expect(await status(`/runs/${run.id}?token=${links.sign('20260101-000000-abcd')}`)).toBe(401);
    expect(await status(`/runs/${run.id.slice(0, 10)}?token=${token}`)).toBe(401);
    expect(await status(`/runs/${run.id}?token=${createReportLinks({ key: h.settings.reportKey, ttlMs: 1000, now: () => new Date(Date.now() - 60_000) }).sign(run.id)}`)).toBe(401);
    expect(await status(`/runs/${run.id}?token=${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`)).toBe(401);
    expect(await status(`/runs/${run.id}?token=${createReportLinks({ key: 'another-key-entirely' }).sign(run.id)}`)).toBe(401);
    expect(await status(`/runs/${run.id}`, { authorization: 'Bearer wrong-token' })).toBe(401);
    // The read token opens everything, prefixes and `latest` included.
    const bearer = { authorization: `Bearer ${readToken}` };
    for (const path of ['/runs', `/runs/${run.id}`, '/runs/latest?format=json', `/runs/${run.id.slice(0, 10)}`, logs]) expect(await status(path, bearer), path).toBe(200);
    expect(await status('/runs/nope', bearer)).toBe(404);

    // `tessera runs link` signs the same kind of link, from the service's settings, for whoever should read the run.
    const io = captureIo(h.repo.dir, { TESSERA_WEBHOOK_SECRET: SECRET, TESSERA_WEBHOOK_DB: h.db, TESSERA_PUBLIC_URL: h.service.url! });
    expect(await main(['runs', 'link', run.id.slice(0, 10), '--expires', '1h'], io), io.err()).toBe(0);
    const printed = new URL(io.out().trim());
    expect(printed.pathname).toBe(`/runs/${run.id}`);
    expect((await fetch(printed)).status).toBe(200);
    // --expires 1h: still valid half an hour on, not two hours on.
    const later = (ms: number) => createReportLinks({ key: h.settings.reportKey, now: () => new Date(Date.now() + ms) });
    expect([later(1_800_000), later(7_200_000)].map((l) => l.verify(run.id, printed.searchParams.get('token')))).toEqual([true, false]);
    // --json: the same kind of link, with the run's full id and the moment it stops working.
    const asJson = captureIo(h.repo.dir, { TESSERA_WEBHOOK_SECRET: SECRET, TESSERA_WEBHOOK_DB: h.db, TESSERA_PUBLIC_URL: h.service.url! });
    expect(await main(['runs', 'link', run.id.slice(0, 10), '--expires', '1h', '--json'], asJson), asJson.err()).toBe(0);
    const doc = JSON.parse(asJson.out()) as { run: string; url: string; expires: string };
    expect(doc.run).toBe(run.id);
    expect((await fetch(doc.url)).status).toBe(200);
    const linkToken = new URL(doc.url).searchParams.get('token')!;
    expect(parseInt(linkToken.split('.')[0]!, 36) * 1000).toBe(Date.parse(doc.expires));

    // Health and metrics stay open, and name no repository, ref or app.
    expect(await status('/healthz')).toBe(200);
    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toContain('tessera_builds{status="SUCCEEDED"} 1');
    for (const word of ['acme', 'tiny', 'main', 'beta', run.id]) expect(metrics).not.toContain(word);
  });

  it('webhook.forks: "build-and-preview" previews a fork\'s build, "skip" builds nothing; a fork\'s build never counts as built for a trusted push', async () => {
    const bin = join(REPO_ROOT, 'tools/bin/tessera.js');
    const build = `node ${bin} bundle --app $TESSERA_APP && node ${bin} publish --app $TESSERA_APP`;
    const h = await start({ build, config: validateConfig({ webhook: { forks: 'build-and-preview' } }).config! });
    const store = createFsStore(join(h.repo.dir, '.tessera/store'));
    const change = { 'apps/beta/src/main.tsx': "export const page = 'same content';\n" };
    const head = openForkPullRequest(h, 8, change);
    await h.send('pull_request', pullRequestPayload('opened', { number: 8, headSha: head, fork: true }), 'fork-preview');
    const previewed = h.readRun((await h.waitDone('fork-preview')).runId!).jobs[0]!;
    expect((await readRelease(store, 'beta')).manifest.previews['pr-8']).toMatchObject({ version: previewed.version });
    expect(h.github.statuses.filter((s) => s.sha === head).map((s) => s.description)).toEqual(['queued (fork: built without secrets)', 'built (fork: built without secrets)']);

    const h2 = await start({ build: 'echo built', config: validateConfig({ webhook: { forks: 'skip' } }).config! });
    const skipped = openForkPullRequest(h2, 9, change);
    const res = await h2.send('pull_request', pullRequestPayload('opened', { number: 9, headSha: skipped, fork: true }), 'fork-skip');
    expect(await res.json()).toMatchObject({ state: 'ignored', reason: 'pull request #9 comes from someone/tiny, and webhook.forks is "skip"' });

    // The default ("build"): a fork's successful build of a version is not "already built" for the push of the same content.
    const h3 = await start({ build: 'echo built' });
    const forked = openForkPullRequest(h3, 10, change);
    await h3.send('pull_request', pullRequestPayload('opened', { number: 10, headSha: forked, fork: true }), 'fork-build');
    const untrusted = h3.readRun((await h3.waitDone('fork-build')).runId!).jobs[0]!;
    const [b, a] = pushCommit(h3, 'same', change, { from: 'main' });
    await h3.send('push', pushPayload({ ref: 'refs/heads/same', before: b, after: a }), 'trusted-same');
    const trusted = h3.readRun((await h3.waitDone('trusted-same')).runId!).jobs[0]!;
    expect([trusted.app, trusted.version, trusted.status]).toEqual(['beta', untrusted.version, 'SUCCEEDED']);
  });
});
