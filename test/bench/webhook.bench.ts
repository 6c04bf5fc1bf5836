/**
 * The `webhook` section: bursts of signed deliveries against `tessera serve`.
 *
 * The service runs as it does in production (the compiled CLI, a child process, its own
 * clone of a local bare remote, SQLite in WAL mode, the local executor), in one process
 * (`--role both`) and as a receiver plus a worker process. Each burst is BURST signed push
 * deliveries, one per branch, all arriving at once and forwarded over C keep-alive
 * connections (as a reverse proxy's upstream pool holds them), for C in CONCURRENCY, ROUNDS
 * times; the figures are medians over the rounds. A bare node:http server that only checks
 * the signature and parses the JSON gets the same bursts: the ceiling on this machine. Later
 * bursts push the same branches again, so they supersede the open deliveries of earlier ones;
 * after the last burst `/metrics` is sampled until the queue is empty: time to process a
 * burst, and the queue depth over time. Builds are tiny (one `echo` per app) so the figures
 * are the service's own cost: fetch, range, checkout, affected analysis, plan, fan-out.
 * Branches reuse DISTINCT contents, so most apps' versions are already built (CACHED) by
 * the time their delivery runs: the same inputs never build twice.
 *
 * Standalone: `npx tsx test/bench/webhook.bench.ts` prints the table and the notes.
 *
 *   TESSERA_BENCH_WEBHOOK_BURST=500        deliveries per burst
 *   TESSERA_BENCH_WEBHOOK_ACK_ONLY=1       stop after the acknowledgements (no waiting for the
 *                                          queue to drain): for iterating on the receiver only
 *   TESSERA_BENCH_WEBHOOK_CPU_PROF=DIR     run the services under `node --cpu-prof` into DIR
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeliveriesStore } from '../../tools/src/webhook/deliveries-store.js';
import { WEBHOOK_PATH } from '../../tools/src/webhook/webhook-route.js';
import { createRemote, createTinyRepo, deliveryHeaders, pushPayload, ZERO } from '../support/webhook-fixtures.js';
import { BurstConnection, sendBurst, serializeRequest, type BurstAnswer } from './burst-client.js';
import { median, readProcessCpuMs } from './measure.js';
import type { BenchContext, Section } from './run.js';

const BURST = Number(process.env.TESSERA_BENCH_WEBHOOK_BURST ?? 500);
/** Distinct contents the branches cycle through: versions to build per app. */
const DISTINCT = 20;
/** Connections a burst is forwarded over; the last is also the drain burst's. */
const CONCURRENCY = [16, 32, 64] as const;
const SOCKETS = CONCURRENCY.at(-1)!;
const ROUNDS = 5;
const TARGET_P99_MS = 50;
const SECRET = 'bench-secret';
const SAMPLE_MS = 500;
const ACK_ONLY = process.env.TESSERA_BENCH_WEBHOOK_ACK_ONLY === '1';
const CPU_PROF = process.env.TESSERA_BENCH_WEBHOOK_CPU_PROF;

type Mode = 'both' | 'split' | 'bare';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function readMetrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return new Map([...text.matchAll(/^(tessera_[a-z_]+(?:\{[^}]*\})?) (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

/** One burst's figures. */
interface BurstStats {
  p50: number;
  p99: number;
  /** Answers other than 202. */
  refused: number;
  /** From the burst's start to the last acknowledgement. */
  allMs: number;
  /** CPU time per delivery: the receiving process (null off Linux), and the sender (this process). */
  serverCpuMs: number | null;
  senderCpuMs: number;
}

interface ModeResult {
  /** Per concurrency, one entry per round. */
  warm: Map<number, BurstStats[]>;
  /** A burst over SOCKETS connections opened by the burst itself. */
  fresh: BurstStats;
  /** After the last burst (not for bare). */
  drain: { seconds: number; samples: { t: number; queued: number; running: number; done: number }[]; states: Record<string, number>; jobs: Record<string, number> } | null;
}

function spawnService(ctx: BenchContext, mode: Mode, cwd: string, env: NodeJS.ProcessEnv, role: string): { child: ChildProcess; ready: Promise<string> } {
  const prof = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF, '--cpu-prof-name', `${mode}-${role}.cpuprofile`] : [];
  if (CPU_PROF) mkdirSync(CPU_PROF, { recursive: true });
  const args = mode === 'bare'
    ? ['--import', 'tsx', join(import.meta.dirname, 'webhook-bare-server.ts'), SECRET]
    : [ctx.tesseraBin, 'serve', '--port', '0', '--host', '127.0.0.1', '--role', role];
  // tsx resolves from the working directory: the bare server runs from the repository.
  const child = spawn(process.execPath, [...prof, ...args], { cwd: mode === 'bare' ? ctx.repoRoot : cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      const m = /: (listening on (http:\/\/127\.0\.0\.1:\d+)|working)/.exec(stderr);
      if (m) resolve(m[2] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`${mode} ${role} exited (${code}):\n${stderr}`)));
  });
  return { child, ready };
}

async function measureBurst(connections: BurstConnection[], requests: Buffer[], serverPid: number): Promise<{ stats: BurstStats; answers: BurstAnswer[] }> {
  const serverBefore = readProcessCpuMs(serverPid);
  const senderBefore = process.cpuUsage();
  const answers = await sendBurst(connections, requests);
  const sender = process.cpuUsage(senderBefore);
  const serverAfter = readProcessCpuMs(serverPid);
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    answers,
    stats: {
      p50: percentile(latencies, 50), p99: percentile(latencies, 99), refused: answers.filter((a) => a.status !== 202).length,
      allMs: Math.max(...answers.map((a) => a.totalMs)),
      serverCpuMs: serverBefore === null || serverAfter === null ? null : (serverAfter - serverBefore) / requests.length,
      senderCpuMs: (sender.user + sender.system) / 1000 / requests.length,
    },
  };
}

/**
 * All bursts against one fresh service (or the bare server): a burst over SOCKETS new
 * connections, then ROUNDS rounds of one burst per CONCURRENCY over the connections the
 * warm-up opened, then (not for bare, nor with ACK_ONLY) the wait until the queue is empty.
 */
async function runMode(ctx: BenchContext, mode: Mode): Promise<ModeResult> {
  const repo = createTinyRepo();
  const remote = createRemote(repo);
  const home = mkdtempSync(join(tmpdir(), 'tessera-bench-webhook-'));
  const children: ChildProcess[] = [];
  const connections: BurstConnection[] = [];
  try {
    const heads: string[] = [];
    if (mode !== 'bare') {
      ctx.log(`webhook: preparing ${BURST} branches`);
      for (let v = 0; v < DISTINCT; v++) {
        repo.git('checkout', '-q', '-B', `content-${v}`, 'main');
        repo.write('libs/shared/src/greet.ts', `export const greet = (who: string): string => \`v${v} \${who}\`;\n`);
        repo.write('apps/beta/src/main.tsx', `export const page = 'beta ${v}';\n`);
        heads.push(repo.commit(`content ${v}`));
      }
      // One branch per delivery, pointing at one of the DISTINCT commits.
      const refspecs = Array.from({ length: BURST }, (_, i) => `${heads[i % DISTINCT]}:refs/heads/b${i}`);
      for (let i = 0; i < refspecs.length; i += 100) repo.git('push', '-q', 'origin', ...refspecs.slice(i, i + 100));
    } else {
      heads.push(...Array.from({ length: DISTINCT }, (_, v) => v.toString(16).padStart(40, 'a')));
    }

    const db = join(home, 'tessera.db');
    const env = { ...process.env, CI: '1', TESSERA_WEBHOOK_SECRET: SECRET, TESSERA_WEBHOOK_SOURCE: remote.dir, TESSERA_WEBHOOK_CLONE_DIR: join(home, 'clone'), TESSERA_WEBHOOK_DB: db, TESSERA_WEBHOOK_POLL_MS: '100' };
    const receiver = spawnService(ctx, mode, repo.dir, env, mode === 'split' ? 'receive' : 'both');
    children.push(receiver.child);
    const url = await receiver.ready;
    const origin = new URL(url);
    if (mode === 'split') {
      const worker = spawnService(ctx, mode, repo.dir, env, 'work');
      children.push(worker.child);
      await worker.ready;
    }
    // Signed before the clock starts: the sender shares the machine's cores with the service,
    // and its own work during a burst would be counted as the service's latency.
    let burstNo = 0;
    const prepare = () => {
      const n = burstNo++;
      return Array.from({ length: BURST }, (_, i) => {
        const body = JSON.stringify(pushPayload({ ref: `refs/heads/b${i}`, before: ZERO, after: heads[i % DISTINCT]! }));
        return serializeRequest(origin, WEBHOOK_PATH, deliveryHeaders(SECRET, 'push', body, `bench-${n}-${i}`), body);
      });
    };

    // A burst that opens its own connections first, while the service has not been warmed.
    ctx.log(`webhook: ${mode}: a burst over ${SOCKETS} new connections`);
    const freshRequests = prepare();
    const fresh = await Promise.all(Array.from({ length: SOCKETS }, () => BurstConnection.open(origin)));
    const freshStats = (await measureBurst(fresh, freshRequests, receiver.child.pid!)).stats;
    for (const c of fresh) c.close();

    // Warm both sides up (JIT of the HTTP paths in the sender and the service, the first SQLite
    // statements) as a long-running service and proxy would be: signed pings, which the
    // service verifies and answers without storing. Their connections carry the bursts.
    connections.push(...(await Promise.all(Array.from({ length: SOCKETS }, () => BurstConnection.open(origin)))));
    const ping = JSON.stringify({ zen: 'warm', hook_id: 1 });
    await Promise.all(connections.map(async (c, k) => {
      for (let i = 0; i < 4; i++) await c.send(serializeRequest(origin, WEBHOOK_PATH, deliveryHeaders(SECRET, 'ping', ping, `ping-${k}-${i}`), ping));
    }));
    // The queue-depth sampler uses fetch, whose first call loads undici: tens of ms of the
    // sender's CPU that would otherwise land in a burst.
    if (mode !== 'bare') await readMetrics(url);

    const warm = new Map<number, BurstStats[]>(CONCURRENCY.map((c) => [c, []]));
    let lastStarted = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of CONCURRENCY) {
        ctx.log(`webhook: ${mode}: round ${round + 1}, a burst of ${BURST} over ${c} connections`);
        const requests = prepare();
        lastStarted = performance.now();
        warm.get(c)!.push((await measureBurst(connections.slice(0, c), requests, receiver.child.pid!)).stats);
      }
    }

    let drain: ModeResult['drain'] = null;
    if (mode !== 'bare' && !ACK_ONLY) {
      ctx.log(`webhook: ${mode}: waiting for the queue to empty`);
      const samples: NonNullable<ModeResult['drain']>['samples'] = [];
      for (;;) {
        const m = await readMetrics(url);
        const sample = { t: (performance.now() - lastStarted) / 1000, queued: m.get('tessera_webhook_queue_depth') ?? 0, running: m.get('tessera_webhook_deliveries{state="running"}') ?? 0, done: m.get('tessera_webhook_deliveries{state="done"}') ?? 0 };
        samples.push(sample);
        if (sample.queued === 0 && sample.running === 0) break;
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
      }
      const store = createDeliveriesStore(db);
      const stats = store.readStats();
      store.close();
      drain = { seconds: samples.at(-1)!.t, samples, states: stats.byState, jobs: stats.buildsByStatus };
    }
    return { warm, fresh: freshStats, drain };
  } finally {
    for (const c of connections) c.close();
    for (const child of children) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    }
    repo.cleanup();
    remote.cleanup();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Runs the section. */
export async function run(ctx: BenchContext): Promise<Section> {
  const load = loadavg()[0]!.toFixed(1);
  const modes: Mode[] = ['both', 'split', 'bare'];
  const results = new Map<Mode, ModeResult>();
  for (const mode of modes) results.set(mode, await runMode(ctx, mode));
  const one = results.get('both')!;
  const two = results.get('split')!;
  const bare = results.get('bare')!;
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const mid = (list: BurstStats[], f: (s: BurstStats) => number) => median(list.map(f));
  const mark = (mode: Mode, p99: number) => (mode === 'bare' ? '' : p99 <= TARGET_P99_MS ? ' ✅' : ' ❌');
  const row = (name: string, f: (r: ModeResult, mode: Mode) => string) => `| ${name} | ${modes.map((m) => f(results.get(m)!, m)).join(' | ')} |`;
  const latencyRow = (c: number) =>
    row(`${c} connections: p50 / p99 (worst p99 of ${ROUNDS})`, (r, m) => {
      const list = r.warm.get(c)!;
      const p99 = mid(list, (s) => s.p99);
      return `${ms(mid(list, (s) => s.p50))} / ${ms(p99)}${mark(m, p99)} (${ms(Math.max(...list.map((s) => s.p99)))})`;
    });
  const depth = (r: ModeResult) => {
    const samples = r.drain?.samples ?? [];
    return samples.filter((_, i) => i % Math.max(1, Math.ceil(samples.length / 10)) === 0 || i === samples.length - 1);
  };
  const drainRow = (name: string, f: (d: NonNullable<ModeResult['drain']>) => string) => row(name, (r) => (r.drain ? f(r.drain) : '–'));
  const all = (r: ModeResult) => [...r.warm.values()].flat();
  const table = [
    `| ${BURST} signed pushes at once, acknowledgement latency on the wire (target p99 ≤ ${TARGET_P99_MS} ms) | one process (\`--role both\`) | receiver + worker processes | bare node:http (signature + JSON only, stores nothing) |`,
    '| --- | --- | --- | --- |',
    ...CONCURRENCY.map(latencyRow),
    row(`${SOCKETS} new connections, opened by the burst: p50 / p99`, (r) => `${ms(r.fresh.p50)} / ${ms(r.fresh.p99)}`),
    row(`all ${BURST} acknowledged after (${SOCKETS} connections)`, (r) => `${mid(r.warm.get(SOCKETS)!, (s) => s.allMs).toFixed(0)} ms`),
    row(`throughput vs bare (${SOCKETS} connections)`, (r) => `${(mid(bare.warm.get(SOCKETS)!, (s) => s.allMs) / mid(r.warm.get(SOCKETS)!, (s) => s.allMs)).toFixed(2)}×`),
    row('CPU per delivery during the bursts: service process / sender', (r) => `${r.warm.get(SOCKETS)![0]!.serverCpuMs === null ? '–' : ms(mid(all(r), (s) => s.serverCpuMs!))} / ${ms(mid(all(r), (s) => s.senderCpuMs))}`),
    row('answers other than 202', (r) => String([...all(r), r.fresh].reduce((n, s) => n + s.refused, 0))),
    drainRow('last burst processed after', (d) => `${d.seconds.toFixed(1)} s`),
    drainRow('deliveries done / superseded / failed', (d) => `${d.states.done} / ${d.states.superseded} / ${d.states.failed}`),
    drainRow('builds SUCCEEDED / CACHED', (d) => `${d.jobs.SUCCEEDED ?? 0} / ${d.jobs.CACHED ?? 0}`),
    ...([['one process', one], ['receiver + worker processes', two]] as const).flatMap(([name, r]) => r.drain ? [
      '',
      `### Queue depth after the last burst (${name})`,
      '',
      '| t (s) | queued | running | done |',
      '| --- | --- | --- | --- |',
      ...depth(r).map((s) => `| ${s.t.toFixed(1)} | ${s.queued} | ${s.running} | ${s.done} |`),
    ] : []),
  ].join('\n');
  return {
    title: 'Webhook service: bursts of signed deliveries',
    table,
    notes: [
      `Load average when the section started: ${load} on ${cpus().length} cores (the machine is shared; latencies scale with it).`,
      `Each delivery is a push of a branch (\`before\` all zeros: a new branch) pointing at one of ${DISTINCT} commits that change \`libs/shared\` and \`apps/beta\` (both apps affected). Every burst pushes the same ${BURST} branches, so it supersedes the open deliveries of the bursts before it; ${DISTINCT * 2} distinct versions are built once each, every later delivery of the same content finds its versions built (CACHED).`,
      `Per service: one burst over ${SOCKETS} new connections, then ${ROUNDS} rounds of one burst over each of ${CONCURRENCY.join(', ')} kept-alive connections (figures: medians of the rounds), then the wait until the queue is empty.`,
      'Acknowledgement = signature check (@octokit/webhooks, HMAC-SHA256 of the body) + JSON parse and plan + SQLite INSERT (WAL, synchronous = NORMAL, group commit: one transaction per event-loop turn), before the 202. WAL checkpoints run on a thread of their own, never inside those commits. The route is a node:http handler in front of Fastify. "On the wire" runs from writing the request to reading the whole response; with C requests in flight each also waits for the ones ahead of it, so the latency is about C × the service\'s cost per delivery: the number of connections a proxy forwards over decides it as much as the service does.',
      `The sender is a lean HTTP/1.1 client (test/bench/burst-client.ts): requests prepared and signed before the clock starts, written as one buffer each on connections opened and warmed (${4 * SOCKETS} signed pings) beforehand, about 0.1 ms of CPU per request. node:http's client and undici cost 0.4–0.6 ms per request on this machine, as much as the service, and doubled the measured latency.`,
      'A burst that opens its own connections is slower to acknowledge for a reason outside Tessera\'s code: Node\'s libuv (1.45 and later) accepts one new connection per turn of the event loop, and while earlier connections are being answered a turn takes milliseconds, so the last connections of the burst wait in the kernel\'s accept queue. The bare server shows the same. A keep-alive proxy in front of the service (docs/webhook.md) avoids it.',
      'In one process the worker claims a delivery, and the running delivery starts each stage of its pipeline, only once no request has been in flight for 20 ms (at most a second later), so during a burst the receiver has the event loop to itself apart from the stage under way; with `--role receive` plus `--role work` processes on one database the receiver only verifies and stores, and the worker competes with it and the sender for the 2 cores.',
      'CPU per delivery is the CPU time over the bursts of the service process (the scheduler\'s run time of all its threads, the checkpoint thread included; see readProcessCpuMs) and of the sender; unlike the latencies it does not depend on what else the shared machine runs.',
      'The worker runs one delivery at a time per process (its clone is checked out at the delivery\'s head); more `--role work` processes (each with its own `webhook.cloneDir`) drain the queue faster.',
      'The tiny workspace of test/support/webhook-fixtures.ts; the buildspec only echoes; the local executor builds each job in its own git worktree.',
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { resolve } = await import('node:path');
  const repoRoot = resolve(import.meta.dirname, '..', '..');
  const section = await run({ repoRoot, tesseraBin: join(repoRoot, 'tools/bin/tessera.js'), nodeModules: join(repoRoot, 'node_modules'), sizes: [], log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${section.table}\n\n${section.notes.map((n) => `- ${n}`).join('\n')}\n`);
}
