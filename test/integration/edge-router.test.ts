import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, Agent, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeRoutes } from '../../tools/src/edge/resolve-route.js';
import { startEdge, type Edge } from '../../tools/src/edge/start-edge.js';
import { updateRelease } from '../../tools/src/release/update-release.js';
import { createFsStore } from '../../tools/src/store/fs-store.js';
import type { Store } from '../../tools/src/store/store.js';
import { publishTestBundle } from '../support/publish-test-bundle.js';
import { createSeededRandom } from '../support/seeded-random.js';

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
interface Reply { status: number; headers: IncomingHttpHeaders; body: string }

function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends a request line exactly as written (no client-side normalisation of `..` or `%2e`). */
function rawGet(url: string, path: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

const actor = 'test';
const hashOf = (version: string) => `${'BCD'[Number(version.slice(1)) - 1]}AAAAAAA`;
let dir: string;
let store: Store;
let edge: Edge;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-edge-'));
  store = createFsStore(join(dir, 'store'));
  // Hashed names (esbuild's 8 base32 characters) are immutable assets; robots.txt is not.
  for (const v of ['v1', 'v2', 'v3']) await publishTestBundle(store, 'web', v, { [`main-${hashOf(v)}.js`]: `console.log("${v}")`, 'robots.txt': `robots ${v}` });
  await publishTestBundle(store, 'docs', 'd1', {});
  await updateRelease(store, 'web', { type: 'start', version: 'v1' }, { actor });
  await updateRelease(store, 'web', { type: 'start', version: 'v2', weight: 10 }, { actor });
  await updateRelease(store, 'docs', { type: 'start', version: 'd1' }, { actor });
  edge = await startEdge({ store, routes: computeRoutes(['web', 'docs', 'empty'], { docs: { route: '/help' } }), port: 0, pollMs: 25, retentionMs: 3_600_000 });
});

afterAll(async () => {
  await edge.close();
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('the edge router', () => {
  it('serves the live shell with no-cache and the app and version headers, and issues a visitor cookie', async () => {
    const r = await get(edge.url, '/help/');
    expect(r.status).toBe(200);
    expect(r.headers['x-tessera-app']).toBe('docs');
    expect(r.headers['x-tessera-version']).toBe('d1');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['set-cookie']?.[0]).toMatch(/^tessera-visitor=[0-9a-f-]{36}; Path=\//);
    expect(r.body).toContain('<base href="/help/">');
    // Client-side routes get the shell too.
    expect((await get(edge.url, '/help/guides/intro')).body).toContain('docs d1');
  });

  it('honours the weight within binomial bounds over 10,000 visitors, and keeps each visitor sticky', async () => {
    const random = createSeededRandom(20261129);
    const ids = Array.from({ length: 10_000 }, () => `visitor${Math.floor(random() * 1e12).toString(36)}`);
    const versions: string[] = [];
    for (let i = 0; i < ids.length; i += 200) {
      const batch = await Promise.all(ids.slice(i, i + 200).map((id) => get(edge.url, '/web/', { cookie: `tessera-visitor=${id}` })));
      versions.push(...batch.map((r) => r.headers['x-tessera-version'] as string));
    }
    const onCandidate = versions.filter((v) => v === 'v2').length;
    // n = 10,000, p = 0.1: mean 1,000, sd 30; ±5 sd.
    expect(onCandidate).toBeGreaterThan(850);
    expect(onCandidate).toBeLessThan(1150);
    expect(versions.filter((v) => v !== 'v1' && v !== 'v2')).toEqual([]);

    // The same visitors ask again: every one gets the same version.
    const sample = ids.slice(0, 500);
    const again = await Promise.all(sample.map((id) => get(edge.url, '/web/', { cookie: `tessera-visitor=${id}` })));
    again.forEach((r, i) => expect(r.headers['x-tessera-version']).toBe(versions[i]));

    // 10% → 50%: whoever had the candidate keeps it; only live visitors move.
    await updateRelease(store, 'web', { type: 'shift', weight: 50 }, { actor });
    await edge.refresh();
    const after = await Promise.all(sample.map((id) => get(edge.url, '/web/', { cookie: `tessera-visitor=${id}` })));
    after.forEach((r, i) => {
      if (versions[i] === 'v2') expect(r.headers['x-tessera-version']).toBe('v2');
    });
    const moved = after.filter((r, i) => r.headers['x-tessera-version'] !== versions[i]).length;
    expect(moved).toBeGreaterThan(100); // ~40% of 500
    await updateRelease(store, 'web', { type: 'shift', weight: 10 }, { actor });
    await edge.refresh();
  });

  it('serves a preview by header or cookie, and ignores a malformed one', async () => {
    await updateRelease(store, 'web', { type: 'preview', key: 'pr-12', version: 'v3' }, { actor });
    await edge.refresh();
    const cookie = 'tessera-visitor=stickyvisitor01';
    const normal = (await get(edge.url, '/web/', { cookie })).headers['x-tessera-version'];
    expect((await get(edge.url, '/web/', { cookie, 'x-tessera-preview': 'web@pr-12' })).headers).toMatchObject({ 'x-tessera-version': 'v3', 'x-tessera-slot': 'preview' });
    expect((await get(edge.url, '/web/', { cookie: `${cookie}; tessera-preview=web@pr-12` })).headers['x-tessera-version']).toBe('v3');
    for (const bad of ['web@', 'web@pr-99', '<script>', 'web@pr-12@x', 'docs@pr-12']) {
      expect((await get(edge.url, '/web/', { cookie, 'x-tessera-preview': bad })).headers['x-tessera-version'], bad).toBe(normal);
    }
  });

  it('shows a promote and a rollback within the polling interval, and keeps serving retired assets', async () => {
    const cookie = 'tessera-visitor=rollbackvisitor1';
    await updateRelease(store, 'web', { type: 'shift', weight: 0 }, { actor });
    await updateRelease(store, 'web', { type: 'promote' }, { actor });
    const waitFor = async (version: string) => {
      for (let i = 0; i < 400; i++) {
        if ((await get(edge.url, '/web/', { cookie })).headers['x-tessera-version'] === version) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    };
    expect(await waitFor('v2')).toBe(true);
    // v1's hashed asset is still served (v1 stopped being live inside the retention window)...
    const old = await get(edge.url, `/web/main-${hashOf('v1')}.js`, { cookie });
    expect(old.status).toBe(200);
    expect(old.body).toBe('console.log("v1")');
    expect(old.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // ...but not its unhashed files: those are the current version's.
    expect((await get(edge.url, '/web/robots.txt', { cookie })).body).toBe('robots v2');
    await updateRelease(store, 'web', { type: 'rollback' }, { actor });
    expect(await waitFor('v1')).toBe(true);
  });

  it('refuses path traversal in every encoding without reading outside the store', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET');
    for (const path of [
      '/web/../secret.txt',
      '/web/../../secret.txt',
      '/web/%2e%2e/%2e%2e/secret.txt',
      '/web/%2E%2E%2F%2E%2E%2Fsecret.txt',
      '/web/%252e%252e/%252e%252e/secret.txt',
      '/web/..%5c..%5csecret.txt',
      '/web/..\\..\\secret.txt',
      '/web/main.js%00.txt',
      '/web/%c0%ae%c0%ae/secret.txt',
      '/web/./index.html',
    ]) {
      const reply = await rawGet(edge.url, path);
      expect(reply, path).not.toContain('TOP-SECRET');
      expect(reply.split('\r\n')[0], path).toMatch(/^HTTP\/1\.1 (400|404)/);
    }
  });

  it('answers 404 for unknown apps, versions and files, and 405 for writes', async () => {
    expect((await get(edge.url, '/nope/')).status).toBe(404);
    expect((await get(edge.url, '/empty/')).status).toBe(404);
    expect((await get(edge.url, '/web/missing-ZZZZZZZZ.js')).status).toBe(404);
    const post = await new Promise<number>((resolve) => request(`${edge.url}/web/`, { method: 'POST', agent }, (res) => { res.resume(); resolve(res.statusCode!); }).end());
    expect(post).toBe(405);
  });

  it('keeps serving the last good manifest when one is corrupt, and says so on /healthz', async () => {
    const before = (await get(edge.url, '/help/')).headers['x-tessera-version'];
    writeFileSync(join(dir, 'store', 'releases', 'docs.json'), '{ not json');
    await edge.refresh();
    expect((await get(edge.url, '/help/')).headers['x-tessera-version']).toBe(before);
    const health = JSON.parse((await get(edge.url, '/healthz')).body);
    expect(health.status).toBe('degraded');
    expect(health.problems).toEqual([expect.objectContaining({ app: 'docs', servingLastGood: true, error: expect.stringMatching(/not valid JSON/) })]);
  });

  it('counts requests by app, version and status on /metrics', async () => {
    const metrics = (await get(edge.url, '/metrics')).body;
    expect(metrics).toMatch(/^tessera_edge_requests_total\{app="web",version="v2",slot="candidate",status="200"\} \d+$/m);
    expect(metrics).toMatch(/^tessera_edge_requests_total\{app="web",version="v1",slot="live",status="404"\} \d+$/m);
  });
});

describe('proxy mode', () => {
  it('forwards with the Host header rewritten to <app>-<version>.<domain>', async () => {
    const seen: string[] = [];
    const upstream = createServer((req, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      res.end('from upstream');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const port = (upstream.address() as { port: number }).port;
    const proxy = await startEdge({ store, routes: computeRoutes(['docs', 'web'], {}), port: 0, retentionMs: 0, upstream: new URL(`http://127.0.0.1:${port}`), domain: 'apps.internal' });
    try {
      await updateRelease(store, 'docs', { type: 'start', version: 'd1' }, { actor }).catch(() => undefined);
      const reply = await get(proxy.url, '/web/some/page?x=1');
      expect(reply.body).toBe('from upstream');
      expect(reply.headers['x-tessera-app']).toBe('web');
      expect(seen).toEqual([`web-${reply.headers['x-tessera-version']}.apps.internal /web/some/page?x=1`]);
    } finally {
      await proxy.close();
      upstream.close();
    }
  });
});
