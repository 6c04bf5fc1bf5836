/**
 * The ceiling for the webhook benchmark, in its own process: a bare node:http server doing
 * the least a webhook receiver can (read the body, check its HMAC-SHA256 signature, parse
 * the JSON, answer 202) and storing nothing. `tsx webhook-bare-server.ts SECRET`; prints
 * `listening on URL` on stderr, as `tessera serve` does.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const secret = process.argv[2]!;
process.on('SIGTERM', () => process.exit(0));
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    const given = Buffer.from(String(request.headers['x-hub-signature-256'] ?? ''));
    const verified = given.length === expected.length && timingSafeEqual(given, expected);
    if (verified) JSON.parse(body.toString('utf8'));
    const json = JSON.stringify(verified ? { id: request.headers['x-github-delivery'], state: 'queued', superseded: 0 } : { error: { code: 'signature_invalid' } });
    response.writeHead(verified ? (request.headers['x-github-event'] === 'ping' ? 200 : 202) : 401, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
    response.end(json);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => process.stderr.write(`bare webhook server: listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
