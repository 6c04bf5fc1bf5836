import Fastify, { type FastifyInstance } from 'fastify';
import { isTesseraError } from '../errors/tessera-error.js';
import type { RunsStore } from '../runs/runs-store.js';
import type { DeliveriesStore } from './deliveries-store.js';
import type { PlanDeliveryOptions } from './plan-delivery.js';
import { renderMetrics } from './render-metrics.js';
import { registerWebhookRoute } from './webhook-route.js';
import { DEFAULT_MAX_BODY_BYTES } from './webhook-settings.js';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** The webhook secret (TESSERA_WEBHOOK_SECRET). */
  secret: string;
  /** Larger bodies are refused with 413 before they are read to the end. @default 26214400 */
  maxBodyBytes?: number;
  deliveries: DeliveriesStore;
  runs: RunsStore;
  planOptions?: PlanDeliveryOptions;
  /** Wakes the worker after a delivery was queued. */
  onQueued?: () => void;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * The service's HTTP app, without a socket: tests drive it with `inject()`, `tessera serve`
 * calls `listen()`. Only `application/json` bodies are accepted (GitHub's other choice,
 * form-encoded, is refused with 415) and they are kept as raw bytes for the signature.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const app = Fastify({ logger: false, bodyLimit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, return503OnClosing: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    reply.code(status).send({ error: { code: error.code ?? 'internal', message: error.message } });
  });

  registerWebhookRoute(app, { secret: options.secret, deliveries: options.deliveries, planOptions: options.planOptions ?? {}, onQueued: options.onQueued ?? (() => {}), now });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/metrics', async (_request, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return renderMetrics(options.deliveries.readStats(), now());
  });
  app.get('/runs', async () => options.runs.listRuns({ limit: 50 }));
  // The run record as JSON; the HTML report (issue 4) replaces this handler.
  app.get<{ Params: { id: string } }>('/runs/:id', async (request, reply) => {
    try {
      return options.runs.readRun(request.params.id);
    } catch (error) {
      if (isTesseraError(error) && error.code === 'TESSERA_RUN_NOT_FOUND') return reply.code(404).send({ error: { code: error.code, message: error.message } });
      throw error;
    }
  });
  return app;
}
