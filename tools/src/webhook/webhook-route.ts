import { Webhooks } from '@octokit/webhooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTesseraError } from '../errors/tessera-error.js';
import type { DeliveriesStore } from './deliveries-store.js';
import { computeWorkKey, planDelivery, type PlanDeliveryOptions } from './plan-delivery.js';
import { createReceiveBatcher } from './receive-batcher.js';
import type { ReceiverActivity } from './receiver-activity.js';

/** Options of {@link registerWebhookRoute}. */
export interface WebhookRouteOptions {
  secret: string;
  deliveries: DeliveriesStore;
  planOptions: PlanDeliveryOptions;
  /**
   * Called after a delivery was queued: wakes the worker. `superseded` counts the older
   * deliveries it replaced (one of them may be the worker's current delivery).
   */
  onQueued(superseded: number): void;
  /** @default () => new Date() */
  now?: () => Date;
  /** Told when a delivery request starts and ends (a worker in the same process waits for quiet). */
  activity?: ReceiverActivity;
}

const reject = (reply: FastifyReply, status: number, code: string, message: string) => reply.code(status).send({ error: { code, message } });

/**
 * `POST /webhooks/github`: verify, then store, then answer. Nothing is stored before the
 * signature checks out, and 202 is sent only once the delivery is committed to SQLite, so
 * GitHub redelivers anything the service did not keep. The body arrives as raw bytes (see
 * buildApp) because the signature is over the bytes, not over a re-serialised object.
 */
export function registerWebhookRoute(app: FastifyInstance, options: WebhookRouteOptions): void {
  // GitHub sends its payloads as UTF-8 JSON, so the decoded text is the signed bytes; a body
  // that is not UTF-8 cannot be a genuine delivery and fails the check.
  const webhooks = new Webhooks({ secret: options.secret });
  const batcher = createReceiveBatcher(options.deliveries);
  const now = options.now ?? (() => new Date());
  const { activity } = options;
  app.post('/webhooks/github', async (request, reply) => {
    if (!activity) return handle(request, reply);
    activity.enter();
    try {
      return await handle(request, reply);
    } finally {
      activity.leave();
    }
  });

  async function handle(request: FastifyRequest, reply: FastifyReply) {
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' && value !== '' ? value : null;
    };
    const signature = header('x-hub-signature-256');
    if (!signature) return reject(reply, 401, 'signature_missing', 'X-Hub-Signature-256 is missing: configure the webhook with a secret');
    const body = request.body;
    if (!Buffer.isBuffer(body)) return reject(reply, 400, 'body_missing', 'the request has no body');
    const text = body.toString('utf8');
    const verified = await webhooks.verify(text, signature).catch(() => false);
    if (!verified) return reject(reply, 401, 'signature_invalid', 'X-Hub-Signature-256 does not match the body and the secret');
    const event = header('x-github-event');
    const id = header('x-github-delivery');
    if (!event || !id) return reject(reply, 400, 'header_missing', `${event ? 'X-GitHub-Delivery' : 'X-GitHub-Event'} is missing`);
    if (id.length > 200) return reject(reply, 400, 'header_invalid', 'X-GitHub-Delivery is longer than 200 characters');
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (error) {
      return reject(reply, 400, 'json_invalid', `the body is not valid JSON: ${(error as Error).message}`);
    }
    // GitHub's check that the hook works; nothing to keep.
    if (event === 'ping') return reply.code(200).send({ ok: true, event });
    const work = planDelivery(event, payload, options.planOptions);
    const action = typeof (payload as { action?: unknown })?.action === 'string' ? ((payload as { action: string }).action) : null;
    let result;
    try {
      result = await batcher.receive({
        id, event, action, key: computeWorkKey(work), payload: text, receivedAt: now().toISOString(),
        state: work.kind === 'ignore' ? 'ignored' : 'queued', reason: work.kind === 'ignore' ? work.reason : null,
      });
    } catch (error) {
      // Locked by another process past the busy timeout, or a full disk: not stored, so
      // not acknowledged; GitHub (or the sender) redelivers.
      request.log.error(error);
      return reply.code(503).header('retry-after', '5').send({ error: { code: isTesseraError(error) ? error.code : 'store_failed', message: (error as Error).message } });
    }
    if (!result.inserted) return reply.code(200).send({ id, duplicate: true });
    if (work.kind !== 'ignore') options.onQueued(result.superseded);
    return reply.code(202).send({ id, state: work.kind === 'ignore' ? 'ignored' : 'queued', ...(work.kind === 'ignore' ? { reason: work.reason } : {}), superseded: result.superseded });
  }
}
