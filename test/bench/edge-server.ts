/**
 * A server for the edge benchmark, in its own process so that the load generator does not
 * share its event loop: `tsx edge-server.ts edge STORE_DIR` (the edge on that store) or
 * `tsx edge-server.ts bare FILE` (a bare node:http server answering every request with the
 * file, held in memory). Prints its URL on stdout.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { computeRoutes } from '../../tools/src/edge/resolve-route.js';
import { startEdge } from '../../tools/src/edge/start-edge.js';
import { createFsStore } from '../../tools/src/store/fs-store.js';

const [mode, path] = process.argv.slice(2);
// Exit through process.exit so --cpu-prof and similar flags can write their files.
process.on('SIGINT', () => process.exit(0));
if (mode === 'edge') {
  const edge = await startEdge({ store: createFsStore(path!), routes: computeRoutes(['web'], {}), port: 0, retentionMs: 86_400_000 });
  process.stdout.write(`${edge.url}\n`);
} else {
  const body = readFileSync(path!);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'content-length': body.byteLength });
    res.end(body);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
}
