import { TesseraError } from '../../errors/tessera-error.js';
import { computeRoutes } from '../../edge/resolve-route.js';
import { startEdge } from '../../edge/start-edge.js';
import { parseDuration } from '../../release/parse-duration.js';
import { openStore } from '../../store/open-store.js';
import { readWorkspace } from '../../workspace/read-workspace.js';
import type { Command } from '../command.js';
import { readStringFlag, readWorkspaceDir } from '../resolve-flags.js';

/** `tessera edge`: the HTTP edge router that serves every app's released versions. */
export const edgeCommand: Command = {
  summary: "The edge router: serves each app's live version, its canary by weight and its previews, from the store or through an upstream.",
  usage: 'tessera edge [--port 8080] [--host 127.0.0.1] [--store URL] [--upstream URL --domain DOMAIN] [--poll 2s] [--json] [--cwd DIR]',
  options: { port: { type: 'string' }, host: { type: 'string' }, store: { type: 'string' }, upstream: { type: 'string' }, domain: { type: 'string' }, poll: { type: 'string' }, json: { type: 'boolean' } },
  stopping: 'the edge router',
  async run(values, _positionals, io) {
    const root = readWorkspaceDir(values, io);
    const workspace = await readWorkspace(root);
    const portText = readStringFlag(values, io, 'port', 'TESSERA_EDGE_PORT') ?? '8080';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) throw new TesseraError('TESSERA_USAGE', `--port must be a port number from 0 to 65535; received "${portText}"`);
    const pollText = readStringFlag(values, io, 'poll', 'TESSERA_EDGE_POLL') ?? '2s';
    const pollMs = parseDuration(pollText);
    if (pollMs === null) throw new TesseraError('TESSERA_USAGE', `--poll takes a duration such as 2s or 500ms; received "${pollText}"`);
    const retentionMs = parseDuration(workspace.config.release.retention)!;
    const upstreamText = readStringFlag(values, io, 'upstream', 'TESSERA_EDGE_UPSTREAM');
    let upstream: URL | undefined;
    if (upstreamText) {
      try {
        upstream = new URL(upstreamText);
      } catch {
        throw new TesseraError('TESSERA_USAGE', `--upstream must be a URL such as http://10.0.0.5:8080; received "${upstreamText}"`);
      }
    }
    const apps = workspace.apps.map((a) => a.name).sort();
    const routes = computeRoutes(apps, workspace.config.apps);
    const store = await openStore(root, workspace.config.store, readStringFlag(values, io, 'store', 'TESSERA_STORE'));
    const edge = await startEdge({
      store,
      routes,
      port,
      host: readStringFlag(values, io, 'host', 'TESSERA_EDGE_HOST'),
      pollMs,
      retentionMs,
      upstream,
      domain: readStringFlag(values, io, 'domain', 'TESSERA_EDGE_DOMAIN'),
      onError: (error, url) => io.stderr.write(`edge: ${url}: ${(error as Error).message}\n`),
    });
    // --json: one document once listening (a script reads the port it asked 0 for); no events follow.
    if (values.json) {
      const doc = {
        listening: edge.url, store: store.location, upstream: upstream?.origin ?? null, pollMs,
        routes: routes.map((r) => ({ app: r.app, prefix: r.prefix, host: r.host ?? null, url: `${edge.url}${r.prefix}` })),
        health: `${edge.url}/healthz`, metrics: `${edge.url}/metrics`,
      };
      io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    }
    io.stderr.write(`Edge router on ${edge.url} (store ${store.location}${upstream ? `, proxying to ${upstream.origin}` : ''}); Ctrl-C stops it.\n`);
    for (const r of routes) io.stderr.write(`  ${edge.url}${r.prefix}${r.host ? ` (host ${r.host})` : ''} → ${r.app}\n`);
    io.stderr.write(`  ${edge.url}/healthz, ${edge.url}/metrics\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await edge.close();
    await store.close();
    return 0;
  },
};
