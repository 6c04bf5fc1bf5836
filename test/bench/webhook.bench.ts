/**
 * The `webhook` section: a burst of signed deliveries against `tessera serve`.
 *
 * The service runs as it does in production (the compiled CLI, a child process, its own
 * clone of a local bare remote, SQLite in WAL mode, the local executor). The benchmark
 * sends BURST signed push deliveries at once over 127.0.0.1 (up to SOCKETS connections),
 * each for its own branch, and measures how long each took to be acknowledged (202: stored
 * in SQLite), then samples `/metrics` until every delivery is processed: time to drain the
 * queue and the queue depth over time. Builds are tiny (one `echo` per app) so the figures
 * are the service's own cost: fetch, range, checkout, affected analysis, plan, fan-out.
 * Branches reuse DISTINCT contents, so most apps' versions are already built (CACHED) by
 * the time their delivery runs: the same inputs never build twice.
 *
 * Standalone: `npx tsx test/bench/webhook.bench.ts` prints the table and the notes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeliveriesStore } from '../../tools/src/webhook/deliveries-store.js';
import { createRunsStore } from '../../tools/src/runs/runs-store.js';
import { createRemote, createTinyRepo, deliveryHeaders, pushPayload, ZERO } from '../support/webhook-fixtures.js';
import type { BenchContext, Section } from './run.js';

const BURST = Number(process.env.TESSERA_BENCH_WEBHOOK_BURST ?? 500);
/** Distinct contents the branches cycle through: versions to build per app. */
const DISTINCT = 20;
const SOCKETS = 64;
const SECRET = 'bench-secret';
const SAMPLE_MS = 500;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function post(agent: Agent, port: number, body: string, headers: Record<string, string>): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/github', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function readMetrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return new Map([...text.matchAll(/^(tessera_[a-z_]+(?:\{[^}]*\})?) (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

/** Runs the section. */
export async function run(ctx: BenchContext): Promise<Section> {
  const repo = createTinyRepo();
  const remote = createRemote(repo);
  const home = mkdtempSync(join(tmpdir(), 'tessera-bench-webhook-'));
  ctx.log(`webhook: preparing ${BURST} branches`);
  const payloads: { id: string; body: string }[] = [];
  const heads: string[] = [];
  for (let v = 0; v < DISTINCT; v++) {
    repo.git('checkout', '-q', '-B', `content-${v}`, 'main');
    repo.write('libs/shared/src/greet.ts', `export const greet = (who: string): string => \`v${v} \${who}\`;\n`);
    repo.write('apps/beta/src/main.tsx', `export const page = 'beta ${v}';\n`);
    heads.push(repo.commit(`content ${v}`));
  }
  // One ref per delivery, pointing at one of the DISTINCT commits, pushed in one go.
  const refspecs = Array.from({ length: BURST }, (_, i) => `${heads[i % DISTINCT]}:refs/heads/b${i}`);
  for (let i = 0; i < refspecs.length; i += 100) repo.git('push', '-q', 'origin', ...refspecs.slice(i, i + 100));
  for (let i = 0; i < BURST; i++) payloads.push({ id: `bench-${i}`, body: JSON.stringify(pushPayload({ ref: `refs/heads/b${i}`, before: ZERO, after: heads[i % DISTINCT]! })) });

  const db = join(home, 'tessera.db');
  const child = spawn(process.execPath, [ctx.tesseraBin, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd: repo.dir,
    env: { ...process.env, CI: '1', TESSERA_WEBHOOK_SECRET: SECRET, TESSERA_WEBHOOK_SOURCE: remote.dir, TESSERA_WEBHOOK_CLONE_DIR: join(home, 'clone'), TESSERA_WEBHOOK_DB: db, TESSERA_WEBHOOK_POLL_MS: '100' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`tessera serve exited (${code}):\n${stderr}`)));
  });
  const port = Number(new URL(url).port);
  try {
    ctx.log(`webhook: burst of ${BURST} deliveries to ${url}`);
    const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS });
    const started = performance.now();
    const samples: { t: number; queued: number; running: number; done: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const m = await readMetrics(url);
        samples.push({ t: (performance.now() - started) / 1000, queued: m.get('tessera_webhook_queue_depth') ?? 0, running: m.get('tessera_webhook_deliveries{state="running"}') ?? 0, done: m.get('tessera_webhook_deliveries{state="done"}') ?? 0 });
        if (samples.at(-1)!.done >= BURST) break;
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
      }
    })();
    const acks = await Promise.all(payloads.map((p) => post(agent, port, p.body, deliveryHeaders(SECRET, 'push', p.body, p.id))));
    const ackedAllMs = performance.now() - started;
    const refused = acks.filter((a) => a.status !== 202).length;
    await sampler;
    sampling = false;
    const drainedS = (performance.now() - started) / 1000;
    agent.destroy();

    const latencies = acks.map((a) => a.ms).sort((a, b) => a - b);
    const store = createDeliveriesStore(db);
    const runs = createRunsStore(db);
    const states = store.readStats().byState;
    const jobs = store.readStats().buildsByStatus;
    store.close();
    runs.close();

    const depthRows = samples.filter((_, i) => i % Math.max(1, Math.ceil(samples.length / 12)) === 0 || _ === samples.at(-1));
    const table = [
      '| measure | value |',
      '| --- | --- |',
      `| deliveries in the burst | ${BURST} (${SOCKETS} connections, all sent at once) |`,
      `| acknowledged 202 | ${BURST - refused} (${refused} refused) |`,
      `| acknowledgement latency p50 | ${percentile(latencies, 50).toFixed(1)} ms |`,
      `| acknowledgement latency p99 | ${percentile(latencies, 99).toFixed(1)} ms (target ≤ 50 ms) |`,
      `| acknowledgement latency max | ${latencies.at(-1)!.toFixed(1)} ms |`,
      `| all ${BURST} acknowledged after | ${ackedAllMs.toFixed(0)} ms |`,
      `| all processed after | ${drainedS.toFixed(1)} s (${(drainedS * 1000 / BURST).toFixed(0)} ms per delivery) |`,
      `| deliveries done / failed | ${states.done} / ${states.failed} |`,
      `| builds SUCCEEDED / CACHED / other | ${jobs.SUCCEEDED ?? 0} / ${jobs.CACHED ?? 0} / ${Object.entries(jobs).filter(([k]) => k !== 'SUCCEEDED' && k !== 'CACHED').map(([k, v]) => `${k} ${v}`).join(', ') || '0'} |`,
      '',
      '### Queue depth over time',
      '',
      '| t (s) | queued | running | done |',
      '| --- | --- | --- | --- |',
      ...depthRows.map((s) => `| ${s.t.toFixed(1)} | ${s.queued} | ${s.running} | ${s.done} |`),
    ].join('\n');
    return {
      title: 'Webhook service: a burst of signed deliveries',
      table,
      notes: [
        `Each delivery is a push of a new branch (\`before\` all zeros) pointing at one of ${DISTINCT} commits that change \`libs/shared\` and \`apps/beta\` (both apps affected): ${DISTINCT * 2} distinct versions are built once each, every later delivery of the same content finds its versions built (CACHED).`,
        'Acknowledgement = HMAC check (@octokit/webhooks) + one SQLite INSERT in WAL mode, before the 202; measured by the sender, request written to response read, over keep-alive connections.',
        'The worker runs one delivery at a time per process (its clone is checked out at the delivery\'s head); per delivery it fetches, resolves the range, checks out, runs the affected analysis (graph cached by tree) and plans; run more `tessera serve` processes on one database (each with its own `webhook.cloneDir`) to drain faster.',
        'The tiny workspace of test/support/webhook-fixtures.ts; the buildspec only echoes; the local executor builds each job in its own git worktree.',
      ],
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    repo.cleanup();
    remote.cleanup();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { resolve } = await import('node:path');
  const repoRoot = resolve(import.meta.dirname, '..', '..');
  const section = await run({ repoRoot, tesseraBin: join(repoRoot, 'tools/bin/tessera.js'), nodeModules: join(repoRoot, 'node_modules'), sizes: [], log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${section.table}\n\n${section.notes.map((n) => `- ${n}`).join('\n')}\n`);
}
