import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhooks } from '@octokit/webhooks';
import { isTesseraError } from '../errors/tessera-error.js';
import type { DeliveriesStore } from './deliveries-store.js';
import { computeWorkKey, planDelivery, type PlanDeliveryOptions } from './plan-delivery.js';
import { createReceiveBatcher } from './receive-batcher.js';
import type { ReceiverActivity } from './receiver-activity.js';

/** Where GitHub posts its deliveries. */
export const WEBHOOK_PATH = '/webhooks/github';

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  secret: string;
  deliveries: DeliveriesStore;
  planOptions: PlanDeliveryOptions;
  /** Larger bodies are refused with 413; one announced by Content-Length is refused before it is read. */
  maxBodyBytes: number;
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

/** The receiving end of `POST /webhooks/github`. */
export interface WebhookHandler {
  /** True for the requests {@link handle} answers: every method on its path (all but POST get 405). */
  matches(request: IncomingMessage): boolean;
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** From now on every delivery is answered 503 (GitHub redelivers it): the service is stopping. */
  close(): void;
}

type Answer = { status: number; body: object; headers?: Record<string, string> };
const refuse = (status: number, code: string, message: string, headers?: Record<string, string>): Answer => ({ status, body: { error: { code, message } }, headers });

/**
 * `POST /webhooks/github`: verify, then store, then answer. Nothing is stored before the
 * signature checks out, and 202 is sent only once the delivery is committed to SQLite, so
 * GitHub redelivers anything the service did not keep. The signature is over the raw bytes,
 * so the body is kept as bytes, never re-serialised.
 *
 * A plain node:http handler rather than a Fastify route (buildApp puts it in front of
 * Fastify): this is the one hot path of the service. During a burst the acknowledgement
 * latency is the number of requests in flight times the CPU each costs, and Fastify's
 * request and reply objects, hooks and content-type parsing were a fifth of that cost.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  // GitHub sends its payloads as UTF-8 JSON, so the decoded text is the signed bytes; a body
  // that is not UTF-8 cannot be a genuine delivery and fails the check.
  const webhooks = new Webhooks({ secret: options.secret });
  const batcher = createReceiveBatcher(options.deliveries);
  const now = options.now ?? (() => new Date());
  const { activity, maxBodyBytes } = options;
  /** What a refused sender may still send, read and dropped, before its connection is cut. */
  const drainBytes = Math.max(maxBodyBytes, 8 * 1024 * 1024);
  let closing = false;

  const header = (request: IncomingMessage, name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' && value !== '' ? value : null;
  };

  /** What the request's headers alone decide: an answer, or null to read the body. */
  function checkHeaders(request: IncomingMessage): Answer | null {
    if (closing) return refuse(503, 'closing', 'the service is stopping; redeliver later', { 'retry-after': '5', connection: 'close' });
    const length = request.headers['content-length'] === undefined ? null : Number(request.headers['content-length']);
    if (length === 0 || (length === null && request.headers['transfer-encoding'] === undefined)) return refuse(400, 'body_missing', 'the request has no body');
    const type = header(request, 'content-type')?.split(';', 1)[0]!.trim().toLowerCase();
    if (type !== 'application/json') return refuse(415, 'media_type_unsupported', `Content-Type must be application/json (received ${type ?? 'none'}): set the webhook's content type to application/json`, { connection: 'close' });
    if (length !== null && length > maxBodyBytes) return refuse(413, 'body_too_large', `the body is ${length} bytes; the limit is ${maxBodyBytes} (webhook.maxBodyBytes)`);
    return null;
  }

  async function answer(request: IncomingMessage, body: Buffer): Promise<Answer> {
    const signature = header(request, 'x-hub-signature-256');
    if (!signature) return refuse(401, 'signature_missing', 'X-Hub-Signature-256 is missing: configure the webhook with a secret');
    const text = body.toString('utf8');
    const verified = await webhooks.verify(text, signature).catch(() => false);
    if (!verified) return refuse(401, 'signature_invalid', 'X-Hub-Signature-256 does not match the body and the secret');
    const event = header(request, 'x-github-event');
    const id = header(request, 'x-github-delivery');
    if (!event || !id) return refuse(400, 'header_missing', `${event ? 'X-GitHub-Delivery' : 'X-GitHub-Event'} is missing`);
    if (id.length > 200) return refuse(400, 'header_invalid', 'X-GitHub-Delivery is longer than 200 characters');
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (error) {
      return refuse(400, 'json_invalid', `the body is not valid JSON: ${(error as Error).message}`);
    }
    // GitHub's check that the hook works; nothing to keep.
    if (event === 'ping') return { status: 200, body: { ok: true, event } };
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
      return refuse(503, isTesseraError(error) ? error.code : 'store_failed', (error as Error).message, { 'retry-after': '5' });
    }
    if (!result.inserted) return { status: 200, body: { id, duplicate: true } };
    if (work.kind !== 'ignore') options.onQueued(result.superseded);
    return { status: 202, body: { id, state: work.kind === 'ignore' ? 'ignored' : 'queued', ...(work.kind === 'ignore' ? { reason: work.reason } : {}), superseded: result.superseded } };
  }

  function send(response: ServerResponse, { status, body, headers }: Answer): void {
    if (response.headersSent || response.destroyed) return;
    const json = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), ...headers });
    response.end(json);
  }

  /**
   * Answers before the body was read (or read to its end), then reads and drops the rest of
   * it. A socket closed with unread bytes in it is reset by the kernel, and a sender still
   * writing its body then loses the answer (Node's fetch reports EPIPE rather than the 413);
   * a 413 without `connection: close` also lets a client that reads the answer early (Node's
   * http.request) finish sending instead of closing. The whole answer is written at once and
   * the response ends once the request has: the connection stays usable, or closes when the
   * answer says `connection: close`. A sender that does not stop after `drainBytes` more bytes,
   * or a body announced larger than that, is answered and cut off at once.
   */
  function refuseAndDrain(request: IncomingMessage, response: ServerResponse, answer: Answer): void {
    const cutOff: Answer = { ...answer, headers: { ...answer.headers, connection: 'close' } };
    if (Number(request.headers['content-length'] ?? 0) > drainBytes) return send(response, cutOff);
    const { status, body, headers } = answer;
    if (response.headersSent || response.destroyed) return;
    const json = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), ...headers });
    response.write(json);
    if (request.complete) return void response.end();
    let drained = 0;
    const end = () => {
      request.removeListener('data', drop);
      response.end();
    };
    function drop(chunk: Buffer) {
      drained += chunk.length;
      if (drained <= drainBytes) return;
      request.removeListener('end', end);
      end();
      request.destroy();
    }
    request.on('data', drop);
    request.once('end', end);
    request.resume();
  }

  return {
    matches: (request) => request.url === WEBHOOK_PATH || request.url?.startsWith(`${WEBHOOK_PATH}?`) === true,
    handle(request, response) {
      if (activity) {
        activity.enter();
        response.once('close', () => activity.leave());
      }
      // A sender that goes away mid-body: nothing was stored, nothing to answer.
      request.on('error', () => {});
      if (request.method !== 'POST') {
        return refuseAndDrain(request, response, refuse(405, 'method_not_allowed', `${WEBHOOK_PATH} accepts only POST: it is where GitHub delivers webhooks`, { allow: 'POST' }));
      }
      const early = checkHeaders(request);
      // Refused from its headers: answered without keeping a body that may be 30 MB.
      if (early) return refuseAndDrain(request, response, early);
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBodyBytes) return void chunks.push(chunk);
        // Over the limit while reading (a chunked body has no Content-Length to refuse early).
        chunks.length = 0;
        request.removeListener('data', onData).removeListener('end', onEnd);
        refuseAndDrain(request, response, refuse(413, 'body_too_large', `the body is over the limit of ${maxBodyBytes} bytes (webhook.maxBodyBytes)`));
      };
      const onEnd = () => {
        answer(request, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).then(
          (a) => send(response, a),
          (error: unknown) => send(response, refuse(500, 'internal', (error as Error).message)),
        );
      };
      request.on('data', onData);
      request.on('end', onEnd);
    },
    close() {
      closing = true;
    },
  };
}
