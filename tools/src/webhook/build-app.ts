import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isTesseraError } from '../errors/tessera-error.js';
import type { RunsStore } from '../runs/runs-store.js';
import type { DeliveriesStore } from './deliveries-store.js';
import type { PlanDeliveryOptions } from './plan-delivery.js';
import { renderMetrics } from './render-metrics.js';
import type { ReceiverActivity } from './receiver-activity.js';
import { createWebhookHandler } from './webhook-route.js';
import { DEFAULT_MAX_BODY_BYTES } from './webhook-settings.js';
import { checkReadToken, createReportLinks, deriveReportKey, LINK_TOKEN_PARAM, type ReportLinks } from './report-access.js';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** The webhook secret (TESSERA_WEBHOOK_SECRET). */
  secret: string;
  /** Larger deliveries are refused with 413 before they are read to the end. @default 26214400 */
  maxBodyBytes?: number;
  deliveries: DeliveriesStore;
  runs: RunsStore;
  planOptions?: PlanDeliveryOptions;
  /** Wakes the worker after a delivery was queued; `superseded` counts the older deliveries it replaced. */
  onQueued?: (superseded: number) => void;
  /** @default () => new Date() */
  now?: () => Date;
  /** Told when each delivery request starts and ends. */
  activity?: ReceiverActivity;
  /** Where the runs' HTML reports are (`<clone>/<cacheDir>/reports`); unset, /runs/:id answers JSON. */
  reportsDir?: string;
  /** Checks the signed links to one run (`?token=`). @default links signed with a key derived from `secret` */
  links?: ReportLinks;
  /** `Authorization: Bearer <it>` reads every run, and only it lists them (`GET /runs`). @default none */
  readToken?: string;
}

/**
 * The service's HTTP app, without a socket: `tessera serve` and tests call `listen()`.
 * `POST /webhooks/github` is answered by a plain node:http handler in front of Fastify (the
 * hot path, see createWebhookHandler); Fastify serves the rest (health, metrics, runs), and
 * `inject()` reaches only those. Only `application/json` deliveries are accepted (GitHub's
 * other choice, form-encoded, is refused with 415) and they are kept as raw bytes for the
 * signature.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const webhook = createWebhookHandler({
    secret: options.secret, deliveries: options.deliveries, planOptions: options.planOptions ?? {}, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    onQueued: options.onQueued ?? (() => {}), now, activity: options.activity,
  });
  const app = Fastify({
    logger: false,
    return503OnClosing: true,
    serverFactory: (fastify) => {
      const server = createServer((request, response) => (webhook.matches(request) ? webhook.handle(request, response) : fastify(request, response)));
      // Fastify's own default, which a server of our making does not get: longer than the
      // idle timeout of the load balancers in front of it, so they never reuse a closed socket.
      server.keepAliveTimeout = 72_000;
      return server;
    },
  });
  app.addHook('preClose', (done) => {
    webhook.close();
    done();
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    reply.code(status).send({ error: { code: error.code ?? 'internal', message: error.message } });
  });

  // Open, and about nothing but counts: a load balancer's health check and a scraper need no credential.
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/metrics', async (_request, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return renderMetrics(options.deliveries.readStats(), now());
  });

  // Runs, their reports and logs: only with the read token, or a signed link to that one run.
  const links = options.links ?? createReportLinks({ key: deriveReportKey(options.secret), now });
  const allowed = (request: FastifyRequest, runId: string | null) =>
    checkReadToken(request.headers.authorization, options.readToken) || (runId !== null && links.verify(runId, (request.query as Record<string, unknown>)[LINK_TOKEN_PARAM]));
  /** Refuses without saying anything of the run: not whether it exists, not its id. */
  const refuse = (reply: FastifyReply) =>
    reply.code(401).header('www-authenticate', 'Bearer realm="tessera runs"').send({ error: { code: 'unauthorized', message: 'Reading runs needs a signed link (the one in a commit status) or Authorization: Bearer <read token> (webhook.readToken)' } });
  app.addHook('onSend', async (request, reply) => {
    // What a credential opened stays private: not cached by a proxy, its URL (token and all)
    // never sent on as a Referer by the report's links.
    if (request.url.startsWith('/runs')) reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer').header('x-content-type-options', 'nosniff');
  });

  app.get('/runs', async (request, reply) => (allowed(request, null) ? options.runs.listRuns({ limit: 50 }) : refuse(reply)));
  // The run's HTML report (written next to the clone's runs by the build), with its log
  // sidecars under /runs/<id>-logs/; the run record as JSON with ?format=json. A signed link
  // names the run's full id; the read token may also use a unique prefix or `latest`.
  app.get<{ Params: { id: string }; Querystring: { format?: string } }>('/runs/:id', async (request, reply) => {
    if (!allowed(request, request.params.id)) return refuse(reply);
    try {
      const run = options.runs.readRun(request.params.id);
      if (request.query.format === 'json' || !options.reportsDir) return run;
      const html = await readFile(join(options.reportsDir, `${run.id}.html`)).catch(() => null);
      if (!html) return reply.code(404).type('text/plain; charset=utf-8').send(`The report of run ${run.id} is not in ${options.reportsDir}; its record: /runs/${run.id}?format=json\n`);
      return reply.type('text/html; charset=utf-8').send(html);
    } catch (error) {
      if (isTesseraError(error) && error.code === 'TESSERA_RUN_NOT_FOUND') return reply.code(404).send({ error: { code: error.code, message: error.message } });
      throw error;
    }
  });
  app.get<{ Params: { dir: string; file: string } }>('/runs/:dir/:file', async (request, reply) => {
    const { dir, file } = request.params;
    // Only `<run id>-logs/<name>.js` sidecars, by name: nothing else in reportsDir is reachable.
    const runId = /^([A-Za-z0-9_.-]+)-logs$/.exec(dir)?.[1] ?? null;
    if (!allowed(request, runId)) return refuse(reply);
    if (!options.reportsDir || !runId || !/^[A-Za-z0-9_.-]+\.js$/.test(file) || dir.startsWith('.') || file.startsWith('.')) return reply.code(404).send({ error: { code: 'not_found', message: 'No such report file' } });
    const body = await readFile(join(options.reportsDir, dir, file)).catch(() => null);
    if (!body) return reply.code(404).send({ error: { code: 'not_found', message: 'No such report file' } });
    return reply.type('text/javascript; charset=utf-8').send(body);
  });
  return app;
}
