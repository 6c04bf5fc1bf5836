import { execFile, spawn } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRelease } from '../../tools/src/release/update-release.js';
import { createFsStore } from '../../tools/src/store/fs-store.js';
import type { Store } from '../../tools/src/store/store.js';
import { publishTestBundle } from '../support/publish-test-bundle.js';
import { createEmptyRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

const bin = join(REPO_ROOT, 'tools/bin/tessera.js');
const run = promisify(execFile);

/** Runs the built CLI in the test workspace; resolves with the exit code instead of throwing. */
async function tessera(repo: TestRepo, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: repo.dir, env: { ...process.env, TESSERA_ACTOR: 'ci', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let repo: TestRepo;
let store: Store;

beforeAll(async () => {
  repo = createEmptyRepo();
  repo.write('nx.json', '{}');
  repo.write('package.json', '{"name":"ws","private":true}');
  repo.write('apps/web/project.json', JSON.stringify({ name: 'web', projectType: 'application', sourceRoot: 'apps/web/src' }));
  repo.write('apps/web/src/main.tsx', 'export {};\n');
  repo.write('tessera.config.json', JSON.stringify({ apps: { web: { route: '/shop' } }, release: { retention: '1h' } }));
  repo.commit('workspace');
  store = createFsStore(join(repo.dir, '.tessera/store'));
  for (const v of ['v1', 'v2', 'v3']) await publishTestBundle(store, 'web', v, {});
});

afterAll(() => repo.cleanup());

describe('tessera release', () => {
  it('walks a release through start, canary, promote, rollback and previews, with every step in the history', async () => {
    expect((await tessera(repo, ['release', 'start', 'web', 'v1'])).code).toBe(0);
    const canary = await tessera(repo, ['release', 'start', 'web', 'v2', '--weight', '10', '--json']);
    expect(JSON.parse(canary.stdout)).toMatchObject({ app: 'web', route: '/shop/', live: { version: 'v1' }, candidate: { version: 'v2', weight: 10 } });
    expect((await tessera(repo, ['release', 'shift', 'web', '--weight', '50'])).code).toBe(0);
    expect((await tessera(repo, ['release', 'promote', 'web'])).code).toBe(0);
    expect((await tessera(repo, ['release', 'preview', 'web', 'v3', '--key', 'pr-12', '--ttl', '7d'])).code).toBe(0);
    expect((await tessera(repo, ['release', 'rollback', 'web'])).code).toBe(0);
    const status = JSON.parse((await tessera(repo, ['release', 'status', 'web', '--json'])).stdout);
    expect(status.live.version).toBe('v1');
    expect(status.previews['pr-12'].version).toBe('v3');
    expect(status.history.map((h: { action: string; actor: string }) => `${h.action}:${h.actor}`)).toEqual(['start:ci', 'start:ci', 'shift:ci', 'promote:ci', 'preview:ci', 'rollback:ci']);
    expect(Object.keys(status.retired)).toEqual(['v2']);
    // The human view shows the newest three of the six entries and says what it left out.
    const human = (await tessera(repo, ['release', 'status', 'web'])).stdout;
    expect(human).toContain('history: the newest 3 of 6 (tessera release status web --all for every entry)');
    expect(human.match(/\(ci\)$/gm)).toHaveLength(3);
    const all = (await tessera(repo, ['release', 'status', 'web', '--all'])).stdout;
    expect(all).not.toContain('newest');
    expect(all.match(/\(ci\)$/gm)).toHaveLength(6);
    expect((await tessera(repo, ['release', 'unpreview', 'web', '--key', 'pr-12'])).code).toBe(0);
  });

  it('tessera edge --json prints one document once listening; SIGTERM stops the edge router and says so', async () => {
    const child = spawn(process.execPath, [bin, 'edge', '--port', '0', '--json'], { cwd: repo.dir, env: { ...process.env, TESSERA_ACTOR: 'ci' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The human lines follow the document, so once they are there the document is complete.
    while (!stderr.includes('/healthz')) {
      if (child.exitCode !== null) throw new Error(`tessera edge exited ${child.exitCode}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const doc = JSON.parse(stdout) as { listening: string; health: string; routes: { app: string; prefix: string; url: string }[] };
    expect(doc.routes).toEqual([{ app: 'web', prefix: '/shop/', host: null, url: `${doc.listening}/shop/` }]);
    const health = (await (await fetch(doc.health)).json()) as { status: string; apps: Record<string, unknown> };
    expect({ status: health.status, apps: Object.keys(health.apps) }).toEqual({ status: 'ok', apps: ['web'] });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toEqual(doc);
    expect(stderr).toContain('SIGTERM: stopping the edge router (press Ctrl-C again to exit at once)');
    expect(stderr).not.toContain('every started build');
  });

  it('under --json an error is one JSON document on stdout, with the same exit status', async () => {
    const result = await tessera(repo, ['release', 'promote', 'nope', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'TESSERA_UNKNOWN_APP', message: 'No app named "nope" in this workspace', hint: 'Apps: web', problems: [] } });
    expect(result.stderr).toContain('TESSERA_UNKNOWN_APP');
    const usage = await tessera(repo, ['release', 'shift', 'web', '--weight', '150', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout).error).toMatchObject({ code: 'TESSERA_USAGE', message: expect.stringContaining('received "150"') });
    const located = await tessera(repo, ['release', 'start', 'web', 'v9', '--json']);
    expect(JSON.parse(located.stdout).error).toMatchObject({ code: 'TESSERA_VERSION_NOT_PUBLISHED', problems: [{ text: 'version v9 is not published', location: { file: 'releases/web.json', key: 'candidate.version' } }] });
  });

  it('refuses bad input with a located error and leaves the manifest unchanged', async () => {
    const before = await store.readTagged('releases/web.json');
    const cases: Array<[string[], RegExp]> = [
      [['release', 'start', 'web', 'v9'], /TESSERA_VERSION_NOT_PUBLISHED[\s\S]*releases\/web\.json \(candidate\.version\)/],
      [['release', 'shift', 'web', '--weight', '150'], /TESSERA_USAGE.*--weight takes whole percents from 0 to 100; received "150"/],
      [['release', 'shift', 'web', '--weight', '20'], /TESSERA_RELEASE_INVALID.*no candidate to shift/],
      [['release', 'promote', 'nope'], /TESSERA_UNKNOWN_APP/],
      [['release', 'start', 'web', 'v2', '--steps', '50,10', '--interval', '5m'], /TESSERA_RELEASE_INVALID.*--steps must rise/],
      [['release', 'start', 'web', 'v2', '--steps', '10,50', '--interval', 'soon'], /TESSERA_USAGE.*--interval takes a duration/],
      [['release', 'preview', 'web', 'v3', '--key', '../x'], /TESSERA_RELEASE_INVALID.*preview key/],
      [['release', 'frobnicate'], /TESSERA_USAGE.*Unknown release action/],
    ];
    for (const [args, message] of cases) {
      const result = await tessera(repo, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    expect((await store.readTagged('releases/web.json'))!.etag).toBe(before!.etag);
  });

  it('loses no update when 10 processes shift one app at once', async () => {
    expect((await tessera(repo, ['release', 'start', 'web', 'v2', '--weight', '1'])).code).toBe(0);
    const before = (await readRelease(store, 'web')).manifest.history.length;
    const weights = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50];
    const results = await Promise.all(weights.map((w) => tessera(repo, ['release', 'shift', 'web', '--weight', String(w)], { TESSERA_ACTOR: `p${w}` })));
    results.forEach((r) => expect(r.stderr).toBe(''));
    const { manifest } = await readRelease(store, 'web');
    const shifts = manifest.history.slice(before);
    expect(shifts).toHaveLength(10);
    expect(shifts.map((h) => h.actor).sort()).toEqual(weights.map((w) => `p${w}`).sort());
    // Each shift starts from the weight the previous one left: a chain, no update lost.
    const chain = shifts.map((h) => /weight (\d+)% → (\d+)%/.exec(h.detail)!.slice(1).map(Number));
    chain.forEach(([from], i) => expect(from).toBe(i === 0 ? 1 : chain[i - 1]![1]));
    expect(manifest.candidate!.weight).toBe(chain.at(-1)![1]);
  });

  it('advance moves stepped canaries, and a failing health command aborts them', async () => {
    await tessera(repo, ['release', 'abort', 'web']);
    expect((await tessera(repo, ['release', 'start', 'web', 'v3', '--steps', '10,50,100', '--interval', '1ms'])).code).toBe(0);
    const moved = await tessera(repo, ['release', 'advance', '--json']);
    expect(JSON.parse(moved.stdout)).toEqual([{ app: 'web', outcome: expect.stringMatching(/weight 10% → 50%/) }]);
    const aborted = await tessera(repo, ['release', 'advance', '--health-command', 'test "$TESSERA_VERSION" != v3']);
    expect(aborted.stdout).toMatch(/web: aborted v3: the health command exited 1/);
    expect((await readRelease(store, 'web')).manifest.candidate).toBeNull();
  });

  it('prune keeps what is in use or inside the retention window, and --dry-run deletes nothing', async () => {
    await publishTestBundle(store, 'web', 'old', {});
    // Published two hours ago, never released: outside the 1h window of tessera.config.json.
    const manifest = JSON.parse((await store.get('apps/web/old/manifest.json'))!.toString());
    manifest.builtAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
    await store.delete('apps/web/old/manifest.json');
    await store.putIfAbsent('apps/web/old/manifest.json', Buffer.from(JSON.stringify(manifest)), { contentType: 'application/json', cacheControl: 'no-cache' });

    const dry = JSON.parse((await tessera(repo, ['release', 'prune', '--dry-run', '--json'])).stdout);
    expect(dry.remove.map((d: { version: string }) => d.version)).toEqual(['old']);
    expect(await store.get('apps/web/old/manifest.json')).not.toBeNull();
    const done = await tessera(repo, ['release', 'prune']);
    expect(done.stdout).toMatch(/deleted\s+web@old/);
    expect(await store.listObjects('apps/web/old/')).toEqual([]);
    expect((await store.listChildren('apps/web/')).sort()).toEqual(['v1', 'v2', 'v3']);
  });

  it('prune removes an upload that stopped before its manifest once it is an hour idle, and leaves one that may be under way', async () => {
    const headers = { contentType: 'text/javascript', cacheControl: 'no-cache' };
    for (const version of ['dead', 'busy']) await store.putIfAbsent(`apps/web/${version}/main-abc.js`, Buffer.from('x'), headers);
    const old = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(join(repo.dir, '.tessera/store/apps/web/dead/main-abc.js'), old, old);
    const listed = JSON.parse((await tessera(repo, ['versions', 'web', '--json'])).stdout);
    expect(listed.versions.map((v: { version: string }) => v.version)).not.toContain('dead'); // not a version: no manifest
    const done = await tessera(repo, ['release', 'prune']);
    expect(done.stdout).toMatch(/deleted\s+web@dead\s+\(unfinished upload \(no manifest\), last written 2\.0 h ago\)/);
    expect(done.stdout).toMatch(/kept\s+web@busy\s+\(unfinished upload .*may still be under way\)/);
    expect((await store.listChildren('apps/web/')).sort()).toEqual(['busy', 'v1', 'v2', 'v3']);
    await store.delete('apps/web/busy/main-abc.js');
  });
});
