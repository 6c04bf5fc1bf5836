import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { listReferencedVersions, type ReleaseManifest } from '../release/release-manifest.js';
import type { BundleCache, CachedFile } from './bundle-cache.js';
import { chooseVersion, parseCookies, readPreviewKey, readVisitorId, type VersionChoice } from './choose-version.js';
import type { EdgeMetrics } from './edge-metrics.js';
import { matchRoute, resolveBundlePath, type EdgeRoute } from './resolve-route.js';
import type { ReleaseWatcher } from './watch-releases.js';

/** What the edge's request handler needs; `startEdge` wires the real ones. */
export interface EdgeHandlerOptions {
  routes: readonly EdgeRoute[];
  releases: ReleaseWatcher;
  bundles: BundleCache;
  metrics: EdgeMetrics;
  /** Versions that stopped being live less than this long ago still serve their assets. */
  retentionMs: number;
  /** Proxy mode: forward to this origin with Host `<app>-<version>.<domain>` instead of serving from the store. */
  upstream?: URL;
  domain?: string;
  now?: () => number;
  /** Where request failures are reported (a store that cannot be read). */
  onError?: (error: unknown, url: string) => void;
}

const VISITOR_COOKIE = 'tessera-visitor';
const YEAR_S = 365 * 24 * 3600;

/**
 * The edge router's request handler (node:http: measured faster than a framework for this
 * one hot path, see BENCHMARKS.md). Path → app; cookie, preview and weight → version; then
 * the file from the store, or the request forwarded to the upstream in proxy mode.
 */
export function createEdgeHandler(options: EdgeHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const now = options.now ?? Date.now;
  const shells = new Map<string, Buffer>();

  function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  /** A hashed asset of the chosen version, or of any version still inside its retention window. */
  async function findAsset(app: string, manifest: ReleaseManifest, chosen: string, path: string): Promise<CachedFile | null> {
    const hit = await options.bundles.readFile(app, chosen, path);
    if (hit) return hit;
    const at = now();
    const candidates = new Set(listReferencedVersions(manifest, at));
    for (const [version, since] of Object.entries(manifest.retired)) if (at - Date.parse(since) < options.retentionMs) candidates.add(version);
    candidates.delete(chosen);
    for (const version of candidates) {
      const file = await options.bundles.readFile(app, version, path);
      // Only content-hashed files are shared across versions; another version's shell is not ours.
      if (file && file.entry.cacheControl.includes('immutable')) return file;
    }
    return null;
  }

  /** The shell with a <base> so its relative asset URLs resolve under the prefix at any depth. */
  function withBase(route: EdgeRoute, version: string, shell: CachedFile): Buffer {
    const key = `${route.app}/${version}/${route.prefix}`;
    let body = shells.get(key);
    if (!body) {
      const html = shell.body.toString('utf8');
      const base = `<base href="${route.prefix.replace(/"/g, '%22')}">`;
      body = Buffer.from(/<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}\n    ${base}`) : base + html);
      shells.set(key, body);
    }
    return body;
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const match = matchRoute(options.routes, rawPath, req.headers.host);
    if (!match) return send(res, 404, 'No app is routed here.\n');
    const { route } = match;
    const app = route.app;
    const manifest = options.releases.get(app).manifest;
    const cookies = parseCookies(req.headers.cookie);
    let visitorId = readVisitorId(cookies);
    const headers: Record<string, string | number> = { 'x-tessera-app': app };
    if (!visitorId) {
      // randomUUID draws from a pre-filled entropy pool: far cheaper per request than randomBytes.
      visitorId = randomUUID();
      headers['set-cookie'] = `${VISITOR_COOKIE}=${visitorId}; Path=/; Max-Age=${YEAR_S}; SameSite=Lax; HttpOnly`;
    }
    const header = req.headers['x-tessera-preview'];
    const previewKey = readPreviewKey(app, Array.isArray(header) ? header.join(',') : header, cookies.get('tessera-preview'));
    const choice: VersionChoice | null = manifest ? chooseVersion(manifest, { visitorId, previewKey, now: now() }) : null;
    if (!manifest || !choice) {
      options.metrics.count(app, 'none', 'none', 404);
      return send(res, 404, `${app} has no live version yet. Start one with \`tessera release start ${app} VERSION\`.\n`, headers as Record<string, string>);
    }
    headers['x-tessera-version'] = choice.version;
    headers['x-tessera-slot'] = choice.slot;
    const path = resolveBundlePath(match.rest);
    if (path === null) {
      options.metrics.count(app, choice.version, choice.slot, 404);
      return send(res, 404, 'Not found.\n', headers as Record<string, string>);
    }
    if (options.upstream) return forward(req, res, route, choice, headers as Record<string, string>);

    const isShellPath = path === '' || path === 'index.html' || !/\.[A-Za-z0-9]+$/.test(path);
    // Fast path: everything in memory (the common case once a version has been served once).
    const hit = findCached(route, choice.version, path, isShellPath);
    if (hit) return respond(req, res, app, choice, headers, hit);
    return respond(req, res, app, choice, headers, await findStored(route, manifest, choice.version, path, isShellPath));
  }

  /** What to send: the file, and the bytes (the shell's differ from the stored file: it gains a <base>). */
  interface Found { file: CachedFile; body: Buffer; shell: boolean }

  function findCached(route: EdgeRoute, version: string, path: string, isShellPath: boolean): Found | null {
    if (path !== '') {
      const file = options.bundles.peekFile(route.app, version, path);
      if (file) return { file, body: file.body, shell: false };
    }
    if (!isShellPath) return null;
    const html = options.bundles.peekManifest(route.app, version)?.entries.html;
    const shell = html === undefined ? undefined : options.bundles.peekFile(route.app, version, html);
    return shell ? { file: shell, body: withBase(route, version, shell), shell: true } : null;
  }

  async function findStored(route: EdgeRoute, manifest: ReleaseManifest, version: string, path: string, isShellPath: boolean): Promise<Found | null> {
    const file = path === '' ? null : await findAsset(route.app, manifest, version, path);
    if (file) return { file, body: file.body, shell: false };
    if (!isShellPath) return null;
    // The shell: for the prefix itself and for client-side routes (paths without an extension).
    const asset = await options.bundles.readManifest(route.app, version);
    const shell = asset ? await options.bundles.readFile(route.app, version, asset.entries.html) : null;
    return shell ? { file: shell, body: withBase(route, version, shell), shell: true } : null;
  }

  function respond(req: IncomingMessage, res: ServerResponse, app: string, choice: VersionChoice, headers: Record<string, string | number>, found: Found | null): void {
    if (!found) {
      options.metrics.count(app, choice.version, choice.slot, 404);
      return send(res, 404, 'Not found.\n', headers as Record<string, string>);
    }
    const etag = `"${found.file.entry.integrity}"`;
    const status = req.headers['if-none-match'] === etag ? 304 : 200;
    options.metrics.count(app, choice.version, choice.slot, status);
    headers['content-type'] = found.file.entry.contentType;
    headers['cache-control'] = found.file.entry.cacheControl;
    headers.etag = etag;
    if (found.shell) headers.vary = 'Cookie, X-Tessera-Preview';
    if (status === 200) headers['content-length'] = found.body.byteLength;
    res.writeHead(status, headers);
    res.end(status === 304 || req.method === 'HEAD' ? undefined : found.body);
  }

  function forward(req: IncomingMessage, res: ServerResponse, route: EdgeRoute, choice: VersionChoice, headers: Record<string, string>) {
    const upstream = options.upstream!;
    const host = `${route.app}-${choice.version}.${options.domain ?? upstream.hostname}`;
    const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
    const out = send(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host, 'x-forwarded-host': req.headers.host ?? '' } },
      (answer) => {
        options.metrics.count(route.app, choice.version, choice.slot, answer.statusCode ?? 502);
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...headers });
        answer.pipe(res);
      },
    );
    out.on('error', (error) => {
      options.metrics.count(route.app, choice.version, choice.slot, 502);
      if (!res.headersSent) send502(res, `The upstream ${upstream.origin} did not answer: ${error.message}\n`);
      else res.destroy();
    });
    req.pipe(out);
  }

  const send502 = (res: ServerResponse, message: string) => send(res, 502, message);

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !options.upstream) return send(res, 405, 'Method not allowed.\n', { allow: 'GET, HEAD' });
    serve(req, res).catch((error: unknown) => {
      options.onError?.(error, req.url ?? '');
      if (!res.headersSent) send(res, 502, 'The store could not be read.\n');
      else res.destroy();
    });
  };
}
