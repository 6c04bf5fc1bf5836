import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunsStore, type RunsStore } from '../../tools/src/runs/runs-store.js';
import { buildApp } from '../../tools/src/webhook/build-app.js';
import { createDeliveriesStore, type DeliveriesStore } from '../../tools/src/webhook/deliveries-store.js';
import { createWebhookHandler } from '../../tools/src/webhook/webhook-route.js';
import { createReportLinks, deriveReportKey } from '../../tools/src/webhook/report-access.js';
import { deliveryHeaders, examplePayload, pullRequestPayload, pushPayload, REPO_FULL_NAME, sign } from '../support/webhook-fixtures.js';

const SECRET = 'it-is-a-secret';
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

let dir: string;
let deliveries: DeliveriesStore;
let runs: RunsStore;
let app: FastifyInstance;
let queued: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-receive-'));
  deliveries = createDeliveriesStore(join(dir, 'tessera.db'), { busyTimeoutMs: 200 });
  runs = createRunsStore(join(dir, 'tessera.db'));
  queued = 0;
  app = await buildApp({ secret: SECRET, deliveries, runs, maxBodyBytes: 1024 * 1024, onQueued: () => queued++ });
  await app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  await app.close();
  deliveries.close();
  runs.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A POST to the listening app over a real socket (the webhook route is a node:http handler, not reachable by inject). */
function send(headers: Record<string, string>, body: string | Buffer): Promise<{ statusCode: number; headers: Record<string, string | string[] | undefined>; json(): any }> {
  const port = (app.server.address() as { port: number }).port;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/github', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ statusCode: res.statusCode!, headers: res.headers, json: () => JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function post(event: string, payload: unknown, overrides: Record<string, string | undefined> = {}, id?: string) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers = { ...deliveryHeaders(SECRET, event, body, id), ...overrides };
  for (const [k, v] of Object.entries(headers)) if (v === undefined) delete headers[k];
  return send(headers as Record<string, string>, body);
}
const stored = () => deliveries.list({ limit: 1000 });

describe('POST /webhooks/github', () => {
  const push = pushPayload({ ref: 'refs/heads/feat', before: A, after: B });

  it('stores a signed push before answering 202, and wakes the worker', async () => {
    const res = await post('push', push, {}, 'delivery-1');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id: 'delivery-1', state: 'queued' });
    expect(stored()).toEqual([{ id: 'delivery-1', event: 'push', state: 'queued', receivedAt: expect.any(String), attempts: 0 }]);
    expect(deliveries.read('delivery-1')).toMatchObject({ key: `push:${REPO_FULL_NAME}:refs/heads/feat`, payload: push });
    expect(queued).toBe(1);
  });

  it('answers a repeated delivery id 200 and queues nothing', async () => {
    expect((await post('push', push, {}, 'same')).statusCode).toBe(202);
    const again = await post('push', push, {}, 'same');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true });
    expect(stored()).toHaveLength(1);
    expect(queued).toBe(1);
  });

  it('stores a burst in groups and still answers a duplicate inside one group 200', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => pushPayload({ ref: `refs/heads/b${i}`, before: A, after: B }));
    const answers = await Promise.all([...bodies.map((b, i) => post('push', b, {}, `burst-${i}`)), post('push', bodies[0], {}, 'burst-0')]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, ...Array(20).fill(202)]);
    expect(stored()).toHaveLength(20);
    expect(queued).toBe(20);
  });

  it.each<[string, Record<string, string | undefined>, number]>([
    ['a wrong signature', { 'x-hub-signature-256': sign('another-secret', JSON.stringify(push)) }, 401],
    ['a malformed signature', { 'x-hub-signature-256': 'sha256=zz' }, 401],
    ['no signature', { 'x-hub-signature-256': undefined }, 401],
    ['no event header', { 'x-github-event': undefined }, 400],
    ['no delivery id', { 'x-github-delivery': undefined }, 400],
    ['a form-encoded body', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['no content type', { 'content-type': undefined }, 415],
  ])('refuses %s and stores nothing', async (_, headers, status) => {
    const res = await post('push', push, headers);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toEqual(expect.any(String));
    expect(stored()).toEqual([]);
    expect(queued).toBe(0);
  });

  it('refuses a body that is not UTF-8 (GitHub signs UTF-8 JSON), and stores nothing', async () => {
    const body = Buffer.concat([Buffer.from('{"zen":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const res = await send({ ...deliveryHeaders(SECRET, 'issues', '', 'raw-bytes'), 'x-hub-signature-256': signature }, body);
    expect(res.statusCode).toBe(401);
    expect(stored()).toEqual([]);
  });

  it('refuses a signed body that is not JSON, and stores nothing', async () => {
    const res = await post('push', '{"ref": "refs/heads/x", oops');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('json_invalid');
    expect(stored()).toEqual([]);
  });

  it('refuses a body over the limit with 413 and stores nothing', async () => {
    const huge = JSON.stringify({ ...push, padding: 'x'.repeat(2 * 1024 * 1024) });
    const res = await post('push', huge);
    expect(res.statusCode).toBe(413);
    expect(stored()).toEqual([]);
  });

  it('refuses a chunked body that grows over the limit with 413, which the sender reads once it has sent it all; stores nothing', async () => {
    const port = (app.server.address() as { port: number }).port;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const count = 48; // 3 MB against a 1 MB limit
    const outcome = await new Promise<{ status: number; code: string; written: number; finished: boolean; error: string | null }>((resolve) => {
      let status = 0;
      let code = '';
      let written = 0;
      let finished = false;
      // No Content-Length: the limit can only be found while reading.
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/github', headers: { ...deliveryHeaders(SECRET, 'push', '{}', 'chunked'), 'transfer-encoding': 'chunked' } }, (res) => {
        status = res.statusCode!;
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => (code = JSON.parse(Buffer.concat(parts).toString('utf8')).error.code));
      });
      req.on('finish', () => (finished = true));
      req.on('error', (e) => resolve({ status, code, written, finished, error: (e as NodeJS.ErrnoException).code ?? e.message }));
      req.on('close', () => resolve({ status, code, written, finished, error: null }));
      // One chunk at a time, each after the last was handed to the socket: a sender that keeps
      // writing after the answer, as a proxy streaming a body does.
      const next = () => {
        if (written === count) return void req.end();
        written++;
        req.write(chunk, () => setImmediate(next));
      };
      next();
    });
    expect(outcome).toEqual({ status: 413, code: 'body_too_large', written: count, finished: true, error: null });
    expect(stored()).toEqual([]);
  });

  it.each(['GET', 'HEAD', 'PUT', 'DELETE'])('answers %s on the webhook path 405 with Allow: POST', async (method) => {
    const port = (app.server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/github`, { method, ...(method === 'PUT' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    if (method !== 'HEAD') expect(((await res.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    expect(stored()).toEqual([]);
  });

  it.each(['refs/heads/a..b', 'refs/heads/-x', 'refs/heads/a b', 'refs/heads/'])('stores a push to %j as ignored, with the reason, and queues nothing', async (ref) => {
    const res = await post('push', pushPayload({ ref, before: A, after: B }), {}, 'bad-ref');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id: 'bad-ref', state: 'ignored', reason: expect.stringContaining('is not a valid git ref name') });
    expect(deliveries.read('bad-ref')).toMatchObject({ state: 'ignored', reason: expect.stringContaining(JSON.stringify(ref)) });
    expect(queued).toBe(0);
  });

  it('refuses a request without a body with 400, and answers a query string on the path like the bare path', async () => {
    expect((await send(deliveryHeaders(SECRET, 'push', '', 'empty'), '')).statusCode).toBe(400);
    const body = JSON.stringify(push);
    const port = (app.server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/github?source=proxy`, { method: 'POST', headers: deliveryHeaders(SECRET, 'push', body, 'with-query'), body });
    expect(res.status).toBe(202);
    expect(stored().map((d) => d.id)).toEqual(['with-query']);
  });

  it('answers 503 with Retry-After once the service is stopping, and stores nothing', async () => {
    const handler = createWebhookHandler({ secret: SECRET, deliveries, planOptions: {}, maxBodyBytes: 1024 * 1024, onQueued: () => queued++ });
    const server = createServer((req, res) => handler.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      handler.close();
      const body = JSON.stringify(push);
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/github`, { method: 'POST', headers: deliveryHeaders(SECRET, 'push', body, 'late'), body });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('closing');
      expect(stored()).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stores an unknown event as ignored, with the reason, and queues nothing', async () => {
    const res = await post('issues', examplePayload('issues'));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ state: 'ignored', reason: expect.stringContaining('"issues"') });
    expect(stored()[0]).toMatchObject({ event: 'issues', state: 'ignored' });
    expect(queued).toBe(0);
  });

  it('answers ping 200 without storing it', async () => {
    const res = await post('ping', examplePayload('ping'));
    expect(res.statusCode).toBe(200);
    expect(stored()).toEqual([]);
  });

  it('stores PR actions it does not act on as ignored, and a tag push as ignored', async () => {
    expect((await post('pull_request', examplePayload('pull_request', 'labeled'))).json()).toMatchObject({ state: 'ignored' });
    expect((await post('push', examplePayload('push'))).json()).toMatchObject({ state: 'ignored', reason: expect.stringContaining('tag') });
    expect(stored().map((d) => d.state)).toEqual(['ignored', 'ignored']);
  });

  it('supersedes queued work of the same branch, and of the same PR; a deleted branch supersedes too', async () => {
    await post('push', push, {}, 'p1');
    await post('push', pushPayload({ ref: 'refs/heads/other', before: A, after: B }), {}, 'o1');
    const second = await post('push', pushPayload({ ref: 'refs/heads/feat', before: B, after: C }), {}, 'p2');
    expect(second.json()).toMatchObject({ superseded: 1 });
    await post('pull_request', pullRequestPayload('opened', { number: 5, headSha: B }), {}, 'pr1');
    await post('pull_request', pullRequestPayload('synchronize', { number: 5, headSha: C }), {}, 'pr2');
    await post('push', pushPayload({ ref: 'refs/heads/other', before: B, after: '0'.repeat(40) }), {}, 'o2');
    const states = Object.fromEntries(stored().map((d) => [d.id, d.state]));
    expect(states).toEqual({ p1: 'superseded', p2: 'queued', o1: 'superseded', o2: 'queued', pr1: 'superseded', pr2: 'queued' });
    expect(deliveries.read('p1').reason).toBe('superseded by delivery p2');
  });

  it('answers 503 and stores nothing while another process holds the database, then accepts the redelivery', async () => {
    const holder = spawn(process.execPath, ['-e', `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(join(dir, 'tessera.db'))});
      db.exec('BEGIN IMMEDIATE');
      process.stdout.write('locked\\n');
      process.stdin.on('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
    `], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    const res = await post('push', push, {}, 'while-locked');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('TESSERA_RUNS_DB_FAILED');
    holder.stdin!.write('go\n');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(stored()).toEqual([]);
    expect((await post('push', push, {}, 'while-locked')).statusCode).toBe(202);
  });
});

describe('GET endpoints', () => {
  it('serves /healthz, /metrics, /runs and /runs/:id', async () => {
    await post('push', pushPayload({ ref: 'refs/heads/feat', before: A, after: B }));
    await post('issues', examplePayload('issues'));
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ ok: true });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('tessera_webhook_deliveries{state="queued"} 1');
    expect(metrics.body).toContain('tessera_webhook_deliveries{state="ignored"} 1');
    expect(metrics.body).toContain('tessera_webhook_queue_depth 1');
    runs.saveRun({ id: '20260101-000000-abcd', trigger: 'webhook:push', base: A, head: B, status: 'SUCCEEDED', start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:01.000Z', jobs: [] });
    // Runs need a credential: without a read token configured, only a signed link to one run (key derived from the secret).
    expect((await app.inject({ url: '/runs' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/runs/20260101-000000-abcd' })).statusCode).toBe(401);
    const token = createReportLinks({ key: deriveReportKey(SECRET) }).sign('20260101-000000-abcd');
    expect((await app.inject({ url: `/runs/20260101-000000-abcd?token=${token}` })).json()).toMatchObject({ id: '20260101-000000-abcd', trigger: 'webhook:push', jobs: [] });
    const withToken = await buildApp({ secret: SECRET, deliveries, runs, readToken: 'a-read-token-for-the-test' });
    const bearer = { authorization: 'Bearer a-read-token-for-the-test' };
    expect((await withToken.inject({ url: '/runs', headers: bearer })).json()).toMatchObject([{ id: '20260101-000000-abcd', status: 'SUCCEEDED' }]);
    expect((await withToken.inject({ url: '/runs/nope', headers: bearer })).statusCode).toBe(404);
    await withToken.close();
  });

  it('refuses a 30 MB body over a real socket without reading it all (default 25 MB limit)', async () => {
    const big = await buildApp({ secret: SECRET, deliveries, runs });
    await big.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (big.server.address() as { port: number }).port;
      const size = 30 * 1024 * 1024;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/github', headers: { 'content-type': 'application/json', 'content-length': size, 'x-github-event': 'push', 'x-github-delivery': 'big', 'x-hub-signature-256': 'sha256=00' } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const write = () => {
          while (sent < size) {
            sent += chunk.length;
            if (!req.write(chunk)) return req.once('drain', write);
          }
          req.end();
        };
        write();
      });
      expect(status).toBe(413);
      expect(stored()).toEqual([]);
    } finally {
      await big.close();
    }
  });
});
