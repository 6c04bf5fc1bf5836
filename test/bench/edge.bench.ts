/**
 * The `edge` section: requests per second and latency of `tessera edge` serving an app's
 * shell with weighted routing (a live version and a 10% candidate), against a bare
 * node:http server answering with the same file from memory, in the same run, both driven
 * by autocannon on 127.0.0.1. Standalone: `npx tsx test/bench/edge.bench.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { updateRelease } from '../../tools/src/release/update-release.js';
import { createFsStore } from '../../tools/src/store/fs-store.js';
import { publishTestBundle } from '../support/publish-test-bundle.js';
import type { BenchContext, Section } from './run.js';

const CONNECTIONS = 10;
const DURATION_S = 5;
/** Rounds of every load, interleaved, so a noisy moment hits all servers alike; medians are reported. */
const ROUNDS = 3;
const here = dirname(fileURLToPath(import.meta.url));

interface Load { rps: number; p50: number; p99: number; errors: number; non2xx: number; requests: number }

async function startServer(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'edge-server.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { url, child };
}

async function load(url: string, headers: Record<string, string>): Promise<Load> {
  // A short warm-up so both servers are measured with a hot JIT.
  await autocannon({ url, connections: CONNECTIONS, duration: 2, headers });
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, requests: r.requests.total };
}

export async function run(ctx: BenchContext): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-edge-bench-'));
  const children: ChildProcess[] = [];
  try {
    const store = createFsStore(join(dir, 'store'));
    // A shell the size of the sample apps' (≈ 600 B) and one hashed script per version.
    const shell = (v: string) => `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8">\n    <meta name="viewport" content="width=device-width, initial-scale=1">\n    <title>web ${v}</title>\n    <link rel="stylesheet" href="./main-${v === 'v1' ? 'BBBBBBBB' : 'CCCCCCCC'}.css" integrity="sha384-x" crossorigin="anonymous">\n    <script type="module" src="./main-${v === 'v1' ? 'BBBBBBBB' : 'CCCCCCCC'}.js" integrity="sha384-x" crossorigin="anonymous"></script>\n  </head>\n  <body>\n    <div id="root"></div>\n  </body>\n</html>\n`;
    for (const v of ['v1', 'v2']) await publishTestBundle(store, 'web', v, { 'index.html': shell(v), [`main-${v === 'v1' ? 'BBBBBBBB' : 'CCCCCCCC'}.js`]: 'export {};' });
    await updateRelease(store, 'web', { type: 'start', version: 'v1' }, { actor: 'bench' });
    await updateRelease(store, 'web', { type: 'start', version: 'v2', weight: 10 }, { actor: 'bench' });
    writeFileSync(join(dir, 'shell.html'), shell('v1'));

    const bare = await startServer(['bare', join(dir, 'shell.html')]);
    const edge = await startServer(['edge', join(dir, 'store')]);
    children.push(bare.child, edge.child);
    const rounds: Record<'bare' | 'sticky' | 'fresh' | 'asset', Load[]> = { bare: [], sticky: [], fresh: [], asset: [] };
    const returning = { cookie: 'tessera-visitor=benchvisitor0001' };
    for (let round = 1; round <= ROUNDS; round++) {
      ctx.log(`edge: round ${round}/${ROUNDS}`);
      rounds.bare.push(await load(`${bare.url}/web/`, {}));
      rounds.sticky.push(await load(`${edge.url}/web/`, returning));
      rounds.fresh.push(await load(`${edge.url}/web/`, {}));
      rounds.asset.push(await load(`${edge.url}/web/main-BBBBBBBB.js`, returning));
    }
    const pick = (loads: Load[]): Load => {
      const m = (f: (l: Load) => number) => loads.map(f).sort((x, y) => x - y)[Math.floor(loads.length / 2)]!;
      return { rps: m((l) => l.rps), p50: m((l) => l.p50), p99: m((l) => l.p99), errors: loads.reduce((n, l) => n + l.errors, 0), non2xx: loads.reduce((n, l) => n + l.non2xx, 0), requests: loads.reduce((n, l) => n + l.requests, 0) };
    };
    const [bareLoad, sticky, fresh, asset] = [pick(rounds.bare), pick(rounds.sticky), pick(rounds.fresh), pick(rounds.asset)];

    const row = (name: string, l: Load, target: string) =>
      `| ${name} | ${Math.round(l.rps).toLocaleString('en')} | ${(l.rps / bareLoad.rps).toFixed(2)}× | ${l.p50} ms | ${l.p99} ms | ${l.errors + l.non2xx} | ${target} |`;
    const ok = (l: Load) => (l.rps / bareLoad.rps >= 0.7 && l.p99 <= 10 ? '✅' : '❌');
    const table = [
      `| server (GET, ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION_S} s) | requests/s | vs bare | p50 | p99 | errors | target ≥ 0.7× bare, p99 ≤ 10 ms |`,
      '|---|---|---|---|---|---|---|',
      `| bare node:http, the shell from memory | ${Math.round(bareLoad.rps).toLocaleString('en')} | 1.00× | ${bareLoad.p50} ms | ${bareLoad.p99} ms | ${bareLoad.errors + bareLoad.non2xx} | – |`,
      row('tessera edge: shell, returning visitor (weighted choice)', sticky, ok(sticky)),
      row('tessera edge: shell, new visitor (id + Set-Cookie each time)', fresh, ok(fresh)),
      row('tessera edge: hashed asset (immutable)', asset, ok(asset)),
    ].join('\n');
    const notes = [
      `autocannon, ${CONNECTIONS} connections with keep-alive, ${ROUNDS} interleaved rounds of ${DURATION_S} s (each after a 2 s warm-up) per load; medians of the rounds. Each server runs in its own Node process on 127.0.0.1; the machine's 2 cores are shared by autocannon and the server.`,
      'The edge serves app `web` from a file-system store with a live version and a 10% candidate: every shell request parses the cookie, hashes the visitor into a bucket, picks the version, finds the shell in its in-memory cache and adds a <base> for the route. The bare server writes the same shell bytes from memory with the same headers: the ceiling for any Node server.',
      'node:http rather than a framework for the edge: one hot path, no routing table beyond prefix matching, and the throughput target is relative to bare node:http.',
      `Requests: bare ${bareLoad.requests.toLocaleString('en')}, returning ${sticky.requests.toLocaleString('en')}, new ${fresh.requests.toLocaleString('en')}, asset ${asset.requests.toLocaleString('en')}.`,
    ];
    return { title: 'Edge router: throughput and latency', table, notes };
  } finally {
    for (const c of children) c.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const section = await run({ repoRoot: join(here, '..', '..'), tesseraBin: '', nodeModules: '', sizes: [], log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${section.table}\n\n${section.notes.map((n) => `- ${n}`).join('\n')}\n`);
}
