import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TesseraError } from '../errors/tessera-error.js';
import type { Store } from '../store/store.js';
import { createBundleCache } from './bundle-cache.js';
import { createEdgeHandler } from './create-edge.js';
import { createEdgeMetrics } from './edge-metrics.js';
import type { EdgeRoute } from './resolve-route.js';
import { createReleaseWatcher } from './watch-releases.js';

export interface StartEdgeOptions {
  store: Store;
  routes: readonly EdgeRoute[];
  port: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** How often release manifests are re-read; a rollback is served within this. @default 2000 */
  pollMs?: number;
  retentionMs: number;
  upstream?: URL;
  domain?: string;
  /** Bytes of bundle files kept in memory in front of the store. @default 256 MiB */
  cacheBytes?: number;
  onError?: (error: unknown, url: string) => void;
}

/** A running edge router. */
export interface Edge {
  url: string;
  server: Server;
  /** Re-reads every release manifest now (tests and `release` commands need not wait for a poll). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the edge: reads every app's release manifest once, then listens and keeps polling.
 * `/healthz` says whether every manifest is readable (a corrupt one is reported while the last
 * good one keeps serving); `/metrics` counts requests in the Prometheus text format.
 */
export async function startEdge(options: StartEdgeOptions): Promise<Edge> {
  const apps = options.routes.map((r) => r.app);
  const releases = createReleaseWatcher(options.store, apps);
  await releases.refresh();
  const metrics = createEdgeMetrics();
  const handle = createEdgeHandler({ routes: options.routes, releases, bundles: createBundleCache(options.store, options.cacheBytes), metrics, retentionMs: options.retentionMs, upstream: options.upstream, domain: options.domain, onError: options.onError });

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const problems = apps.flatMap((app) => {
        const { error, manifest } = releases.get(app);
        return error ? [{ app, error, servingLastGood: manifest !== null }] : [];
      });
      const body = JSON.stringify({ status: problems.length ? 'degraded' : 'ok', store: options.store.location, apps: Object.fromEntries(apps.map((app) => [app, releases.get(app).manifest?.live?.version ?? null])), problems }, null, 2) + '\n';
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end(body);
    }
    if (path === '/metrics') {
      const live = apps.flatMap((app) => {
        const m = releases.get(app).manifest;
        return m?.candidate ? [`tessera_edge_candidate_weight{app="${app}",version="${m.candidate.version}"} ${m.candidate.weight}`] : [];
      });
      const extra = live.length ? ['# HELP tessera_edge_candidate_weight Percent of visitors sent to the candidate.', '# TYPE tessera_edge_candidate_weight gauge', ...live] : [];
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'cache-control': 'no-store' });
      return res.end(metrics.render(extra));
    }
    handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new TesseraError('TESSERA_EDGE_PORT_IN_USE', `The edge cannot listen on ${options.host ?? '127.0.0.1'}:${options.port} (${error.code})`, { cause: error })
          : error,
      );
    });
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  releases.start(options.pollMs ?? 2000);
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    server,
    refresh: () => releases.refresh(),
    async close() {
      releases.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
