/**
 * The `fanout` section: how well the fan-out schedules and how much it costs.
 *
 * CodeBuild part: 200 simulated builds (1–8 simulated minutes, log-normal) on the
 * CodeBuild wire-protocol test server (run in a child process, see fanout-server.ts) with
 * a time scale, through the real AWS SDK clients, `createCodeBuildExecutor` and
 * `runFanout` at concurrency 20: makespan against the lower bound in the plan's order
 * (longest expected first) and in submission order, BatchGetBuilds calls per poll tick
 * (also at concurrency 200, where every tick must split its ids into calls of ≤ 100), API
 * calls per build, and the CPU the benchmark process (Tessera alone) spends per job.
 *
 * Local part: the local executor's per-job overhead (worktree add, buildspec runner,
 * worktree remove) against running the same buildspec commands with `bash -c` directly.
 *
 * Standalone: `npx tsx test/bench/fanout.bench.ts` prints the table and the notes.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchGetBuildsCommand, BatchGetProjectsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { readBuildspec } from '../../tools/src/buildspec/read-buildspec.js';
import { createCodeBuildExecutor } from '../../tools/src/executors/codebuild-executor.js';
import type { Executor, JobSpec } from '../../tools/src/executors/executor.js';
import { createLocalExecutor } from '../../tools/src/executors/local-executor.js';
import { runFanout } from '../../tools/src/fanout/run-fanout.js';
import type { JobRecord, PhaseRecord, PhaseType, RunRecord } from '../../tools/src/runs/run-record.js';
import { createEmptyRepo, createSampleRepo, type TestRepo } from '../support/sample-repo.js';
import { startChildServer, type ServerSnapshot } from './fanout-server.js';
import { median } from './measure.js';
import type { BenchContext, Section } from './run.js';

// ---------------------------------------------------------------------------------------
// Parameters

const JOBS = 200;
const CONCURRENCY = 20;
/** Concurrency of the extra run that checks the ≤ 100 ids per BatchGetBuilds split. */
const WIDE_CONCURRENCY = 200;
const SEED = 20_240_611;
/** One simulated minute takes this many wall milliseconds. */
const SIM_MINUTE_MS = 500;
/** The server's timeScale: simulated seconds × 1000 × TIME_SCALE = wall ms. */
const TIME_SCALE = SIM_MINUTE_MS / 60_000;
/** The executor's defaults ({ 2000, 15000 } poll, { 1000, 30000 } backoff), scaled like the builds. */
const POLL = { minMs: Math.round(2000 * TIME_SCALE), maxMs: Math.round(15_000 * TIME_SCALE) };
const BACKOFF = { baseMs: Math.round(1000 * TIME_SCALE), maxMs: Math.round(30_000 * TIME_SCALE) };
/**
 * Simulated seconds every simulated build spends outside BUILD, as run-server-build.ts
 * simulates it: DOWNLOAD_SOURCE 2 + INSTALL 3 + PRE_BUILD 1 + POST_BUILD 1 +
 * UPLOAD_ARTIFACTS 1 + FINALIZING 1 (PROVISIONING is provisioningDelayMs, 0 here).
 */
const SIM_FIXED_SECONDS = 2 + 3 + 1 + 1 + 1 + 1;
/** Log-normal build durations: median and σ of ln(minutes), clipped to [1, 8] minutes. */
const DURATION = { medianMinutes: 2.2, sigma: 0.6, min: 1, max: 8 };

const LOCAL_JOBS = 20;
const LOCAL_ROUNDS = 3;
const LOCAL_WARMUP = 2;
const LOCAL_TARGET_MS = 150;
const LOCAL_COMMANDS = { install: ['echo "installing $TESSERA_APP"'], build: ['echo "building $TESSERA_APP $TESSERA_VERSION"', 'true'], post_build: ['echo "done $TESSERA_APP"'] };

const check = (ok: boolean) => (ok ? '✅' : '❌');
const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value)} ms`;
const simMin = (seconds: number) => `${(seconds / 60).toFixed(2)} min`;

// ---------------------------------------------------------------------------------------
// Helpers

/** mulberry32: a small seeded PRNG. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** BUILD durations in whole simulated seconds, in submission (generation) order. */
export function generateDurations(count = JOBS, seed = SEED): number[] {
  const random = createRandom(seed);
  const out: number[] = [];
  while (out.length < count) {
    // Box–Muller: one standard normal from two uniforms.
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const minutes = Math.min(DURATION.max, Math.max(DURATION.min, DURATION.medianMinutes * Math.exp(DURATION.sigma * z)));
    out.push(Math.round(minutes * 60));
  }
  return out;
}

/** Greedy list scheduling with zero overhead (each job goes to the machine free first): the ideal makespan of an order. */
function listSchedule(durations: number[], machines: number): number {
  const free = new Array<number>(machines).fill(0);
  for (const d of durations) {
    let best = 0;
    for (let i = 1; i < machines; i++) if (free[i]! < free[best]!) best = i;
    free[best]! += d;
  }
  return Math.max(...free);
}

function timeout(ms: number, controller: AbortController): () => void {
  const timer = setTimeout(() => controller.abort(), ms);
  return () => clearTimeout(timer);
}

function createRun(runId: string, head: string, apps: string[], envOf: (app: string) => Record<string, string>, executor: 'local' | 'codebuild', timeoutMs: number) {
  const jobs = apps.map((app): JobRecord => ({ app, version: `v-${app}`, executor, status: 'QUEUED', buildId: null, computeType: 'small', retries: 0, estimatedCost: null, expectedMs: null, phases: [], logFile: null, error: null }));
  const specs = new Map<string, JobSpec>(apps.map((app) => [app, { runId, app, version: `v-${app}`, sourceVersion: head, computeType: 'small', env: { TESSERA_APP: app, TESSERA_VERSION: `v-${app}`, TESSERA_RUN_ID: runId, ...envOf(app) }, timeoutMs }]));
  const run: RunRecord = { id: runId, trigger: 'bench', base: null, head, status: 'IN_PROGRESS', start: new Date().toISOString(), end: null, jobs };
  return { run, specs };
}

const phaseMs = (p: PhaseRecord | undefined) => (p?.end ? Date.parse(p.end) - Date.parse(p.start) : 0);
const phasesMs = (job: JobRecord, types: PhaseType[]) => job.phases.filter((p) => types.includes(p.type)).reduce((sum, p) => sum + phaseMs(p), 0);

// ---------------------------------------------------------------------------------------
// CodeBuild part

interface TickCall {
  tick: number;
  ids: number;
}

interface CodeBuildRun {
  label: string;
  concurrency: number;
  order: number[];
  wallMs: number;
  /** First SUBMITTED start → last COMPLETED end in the run record, ms. */
  recordMs: number;
  statuses: Record<string, number>;
  stats: { startBuild: number; batchGetBuilds: number; batchGetBuildsIds: number[]; stopBuild: number; getLogEvents: number; throttled: number; ticks: number };
  batchGetProjects: number;
  calls: TickCall[];
  /** BatchGetBuilds calls that started while another was in flight (polls overlapping). */
  overlappingCalls: number;
  cpuUs: number;
  server: ServerSnapshot;
  timedOut: boolean;
}

async function runCodeBuild(label: string, durations: number[], order: number[], concurrency: number, log: (line: string) => void): Promise<CodeBuildRun> {
  // The server never checks out source for simulated builds; any directory will do.
  const server = await startChildServer({ projects: [{ name: 'tessera-bench', sourceDir: process.cwd() }], timeScale: TIME_SCALE, provisioningDelayMs: 0, seed: 1 });
  const config = { endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const codebuild = new CodeBuildClient(config);
  const logs = new CloudWatchLogsClient(config);
  let executor: (Executor & { stats: CodeBuildRun['stats'] }) | null = null;
  try {
    // Count BatchGetBuilds per poll tick by tagging each call with the executor's tick counter.
    const calls: TickCall[] = [];
    let inFlight = 0;
    let overlappingCalls = 0;
    let batchGetProjects = 0;
    const send = codebuild.send.bind(codebuild) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
    (codebuild as unknown as { send: typeof send }).send = async (command, ...rest) => {
      if (command instanceof BatchGetBuildsCommand) {
        if (inFlight > 0) overlappingCalls++;
        calls.push({ tick: executor?.stats.ticks ?? -1, ids: command.input.ids?.length ?? 0 });
        inFlight++;
        try {
          return await send(command, ...rest);
        } finally {
          inFlight--;
        }
      }
      if (command instanceof BatchGetProjectsCommand) batchGetProjects++;
      return send(command, ...rest);
    };
    executor = await createCodeBuildExecutor({ project: 'tessera-bench', codebuild, logs, poll: POLL, backoff: BACKOFF });

    const runId = `bench-${label}-${process.pid}`;
    const apps = order.map((i) => `app-${String(i).padStart(3, '0')}`);
    const { run, specs } = createRun(runId, 'HEAD', apps, (app) => ({ TESSERA_SIMULATE_SECONDS: String(durations[Number(app.slice(4))]) }), 'codebuild', 60 * 60_000);

    // Bound the run: 4× the lower bound in wall time, and at least a minute.
    const total = durations.reduce((a, b) => a + b + SIM_FIXED_SECONDS, 0);
    const lbWallMs = Math.max(Math.max(...durations) + SIM_FIXED_SECONDS, total / concurrency) * 1000 * TIME_SCALE;
    const controller = new AbortController();
    const clear = timeout(Math.max(60_000, 4 * lbWallMs), controller);
    log(`fanout: ${label}: ${JOBS} simulated builds at concurrency ${concurrency} (lower bound ≈ ${(lbWallMs / 1000).toFixed(1)} s wall)`);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    run.start = new Date().toISOString();
    await runFanout({ run, specs, executor, concurrency, signal: controller.signal, maxFaultRetries: 0 });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clear();

    const starts = run.jobs.flatMap((j) => j.phases.filter((p) => p.type === 'SUBMITTED').map((p) => Date.parse(p.start)));
    const ends = run.jobs.flatMap((j) => j.phases.filter((p) => p.type === 'COMPLETED' && p.end).map((p) => Date.parse(p.end!)));
    const statuses: Record<string, number> = {};
    for (const j of run.jobs) statuses[j.status] = (statuses[j.status] ?? 0) + 1;
    const snapshot = await server.snapshot();
    log(`fanout: ${label}: ${(wallMs / 1000).toFixed(1)} s wall, ${JSON.stringify(statuses)}`);
    return {
      label,
      concurrency,
      order,
      wallMs,
      recordMs: Math.max(...ends) - Math.min(...starts),
      statuses,
      stats: { ...executor.stats, batchGetBuildsIds: [...executor.stats.batchGetBuildsIds] },
      batchGetProjects,
      calls,
      overlappingCalls,
      cpuUs: cpu.user + cpu.system,
      server: snapshot,
      timedOut: controller.signal.aborted,
    };
  } finally {
    await executor?.close();
    codebuild.destroy();
    logs.destroy();
    await server.close();
  }
}

interface TickCheck {
  ticks: number;
  calls: number;
  maxIds: number;
  /** Ticks whose call count was not ceil(running / 100). */
  badTicks: number;
  /** Largest number of running builds one tick polled. */
  maxRunning: number;
}

function checkTicks(r: CodeBuildRun): TickCheck {
  const byTick = new Map<number, number[]>();
  for (const c of r.calls) byTick.set(c.tick, [...(byTick.get(c.tick) ?? []), c.ids]);
  let badTicks = 0;
  let maxRunning = 0;
  for (const ids of byTick.values()) {
    const running = ids.reduce((a, b) => a + b, 0);
    maxRunning = Math.max(maxRunning, running);
    if (ids.length !== Math.ceil(running / 100)) badTicks++;
  }
  return { ticks: r.stats.ticks, calls: r.stats.batchGetBuilds, maxIds: Math.max(0, ...r.stats.batchGetBuildsIds), badTicks, maxRunning };
}

// ---------------------------------------------------------------------------------------
// Local part

interface LocalRound {
  tesseraMs: number;
  directMs: number;
  jobs: JobRecord[];
}

interface LocalResult {
  label: string;
  files: number;
  rounds: LocalRound[];
  commands: number;
}

function writeBuildspec(repo: TestRepo) {
  const phase = (name: string, commands: string[]) => [`  ${name}:`, '    commands:', ...commands.map((c) => `      - ${JSON.stringify(c)}`)];
  repo.write('buildspec.yml', ['version: 0.2', 'phases:', ...phase('install', LOCAL_COMMANDS.install), ...phase('build', LOCAL_COMMANDS.build), ...phase('post_build', LOCAL_COMMANDS.post_build), ''].join('\n'));
}

/** Runs the buildspec's commands as a script would: one `bash -c` per command, in order. */
function runDirect(cwd: string, env: Record<string, string>, signal: AbortSignal): Promise<void> {
  const commands = [...LOCAL_COMMANDS.install, ...LOCAL_COMMANDS.build, ...LOCAL_COMMANDS.post_build];
  return commands.reduce(
    (prev, command) =>
      prev.then(
        () =>
          new Promise<void>((done, fail) => {
            const child = spawn('bash', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], signal });
            child.stdout.resume();
            child.stderr.resume();
            child.once('error', fail);
            child.once('close', (code) => (code === 0 ? done() : fail(new Error(`${command} exited ${code}`))));
          }),
      ),
    Promise.resolve(),
  );
}

async function runLocal(label: string, repo: TestRepo, log: (line: string) => void): Promise<LocalResult> {
  const head = repo.git('rev-parse', 'HEAD');
  const files = repo.git('ls-files').split('\n').filter(Boolean).length;
  const executor = createLocalExecutor({ root: repo.dir, cacheDir: '.tessera', buildspec: readBuildspec(repo.dir).buildspec });
  const controller = new AbortController();
  const clear = timeout(300_000, controller);
  const fanout = async (runId: string, count: number) => {
    const apps = Array.from({ length: count }, (_, i) => `app-${String(i).padStart(2, '0')}`);
    const { run, specs } = createRun(runId, head, apps, () => ({}), 'local', 60_000);
    const t0 = performance.now();
    await runFanout({ run, specs, executor, concurrency: 1, signal: controller.signal, maxFaultRetries: 0 });
    const wall = performance.now() - t0;
    const failed = run.jobs.filter((j) => j.status !== 'SUCCEEDED');
    if (failed.length) throw new Error(`local executor: ${failed.length} job(s) did not succeed: ${failed[0]!.app} ${failed[0]!.status} ${failed[0]!.error ?? ''}`);
    return { wall, jobs: run.jobs };
  };
  const direct = async (count: number) => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const app = `app-${String(i).padStart(2, '0')}`;
      await runDirect(repo.dir, { TESSERA_APP: app, TESSERA_VERSION: `v-${app}`, TESSERA_RUN_ID: 'direct' }, controller.signal);
    }
    return performance.now() - t0;
  };
  try {
    log(`fanout: local (${label}, ${files} files): warm-up`);
    await fanout(`warm-${process.pid}`, LOCAL_WARMUP);
    await direct(LOCAL_WARMUP);
    const rounds: LocalRound[] = [];
    for (let round = 0; round < LOCAL_ROUNDS; round++) {
      const directMs = await direct(LOCAL_JOBS);
      const t = await fanout(`r${round}-${process.pid}`, LOCAL_JOBS);
      rounds.push({ tesseraMs: t.wall, directMs, jobs: t.jobs });
      log(`fanout: local (${label}) round ${round + 1}: Tessera ${ms(t.wall / LOCAL_JOBS)}/job, direct ${ms(directMs / LOCAL_JOBS)}/job`);
    }
    return { label, files, rounds, commands: LOCAL_COMMANDS.install.length + LOCAL_COMMANDS.build.length + LOCAL_COMMANDS.post_build.length };
  } finally {
    clear();
    await executor.close();
  }
}

function summariseLocal(r: LocalResult) {
  const tessera = median(r.rounds.map((x) => x.tesseraMs / LOCAL_JOBS));
  const direct = median(r.rounds.map((x) => x.directMs / LOCAL_JOBS));
  const jobs = r.rounds.flatMap((x) => x.jobs);
  const mean = (f: (j: JobRecord) => number) => jobs.reduce((a, j) => a + f(j), 0) / jobs.length;
  const span = (j: JobRecord) => {
    const started = j.phases.find((p) => p.type === 'QUEUED')?.end;
    const ended = j.phases.find((p) => p.type === 'COMPLETED')?.end;
    return started && ended ? Date.parse(ended) - Date.parse(started) : 0;
  };
  const prepare = mean((j) => phasesMs(j, ['PROVISIONING', 'DOWNLOAD_SOURCE']));
  const buildspec = mean((j) => phasesMs(j, ['INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD']));
  const finalize = mean((j) => phasesMs(j, ['FINALIZING']));
  const total = mean(span);
  return { tessera, direct, overhead: tessera - direct, prepare, buildspec, finalize, other: total - prepare - buildspec - finalize, total };
}

// ---------------------------------------------------------------------------------------
// The section

export async function run(ctx: BenchContext): Promise<Section> {
  const log = ctx.log;
  const durations = generateDurations();
  const submission = durations.map((_, i) => i);
  const longestFirst = [...submission].sort((a, b) => durations[b]! - durations[a]! || a - b);
  const withFixed = durations.map((d) => d + SIM_FIXED_SECONDS);
  const totalSim = withFixed.reduce((a, b) => a + b, 0);
  const longestSim = Math.max(...withFixed);
  const lbSim = Math.max(longestSim, totalSim / CONCURRENCY);
  const idealLongest = listSchedule(longestFirst.map((i) => withFixed[i]!), CONCURRENCY);
  const idealSubmission = listSchedule(submission.map((i) => withFixed[i]!), CONCURRENCY);

  const lf = await runCodeBuild('longest-first', durations, longestFirst, CONCURRENCY, log);
  const so = await runCodeBuild('submission-order', durations, submission, CONCURRENCY, log);
  const wide = await runCodeBuild('wide', durations, longestFirst, WIDE_CONCURRENCY, log);

  const toSim = (wallMs: number) => wallMs / 1000 / TIME_SCALE;
  const ratioLf = toSim(lf.wallMs) / lbSim;
  const ratioSo = toSim(so.wallMs) / lbSim;
  const ticksLf = checkTicks(lf);
  const ticksSo = checkTicks(so);
  const ticksWide = checkTicks(wide);
  const wideLb = (longestSim * 1000 * TIME_SCALE) / 1000;
  const apiCalls = (r: CodeBuildRun) => r.stats.startBuild + r.stats.batchGetBuilds + r.stats.stopBuild + r.stats.getLogEvents;
  const perBuild = (r: CodeBuildRun) => apiCalls(r) / JOBS;
  const cpuPerJob = (r: CodeBuildRun) => r.cpuUs / 1000 / JOBS;
  const serverCpuMs = (r: CodeBuildRun) => (r.server.cpu.user + r.server.cpu.system) / 1000;
  const allOk = (r: CodeBuildRun) => r.statuses.SUCCEEDED === JOBS && !r.timedOut;
  // How much longer the server's simulated builds really took than nominal (timer granularity, event loop).
  const buildInflationSim = (r: CodeBuildRun) => {
    // Server build ids are not app names, so compare totals: Σ actual − Σ nominal, per build.
    const actual = r.server.builds.reduce((a, b) => a + toSim(b.durationMs), 0);
    return (actual - totalSim) / r.server.builds.length;
  };
  const tickOk = (t: TickCheck) => t.badTicks === 0 && t.maxIds <= 100;

  log('fanout: local executor');
  const small = createEmptyRepo('tessera-bench-fanout-');
  let local: LocalResult;
  let sample: LocalResult;
  try {
    writeBuildspec(small);
    small.write('README.md', '# bench\n');
    small.write('src/index.ts', 'export const answer = 42;\n');
    small.commit('bench repo');
    local = await runLocal('tiny repo', small, log);
  } finally {
    small.cleanup();
  }
  const sampleRepo = createSampleRepo();
  try {
    writeBuildspec(sampleRepo);
    sampleRepo.commit('buildspec');
    sample = await runLocal('sample workspace', sampleRepo, log);
  } finally {
    sampleRepo.cleanup();
  }
  const ls = summariseLocal(local);
  const ss = summariseLocal(sample);

  const rows: string[][] = [
    [
      'Makespan ÷ lower bound, longest expected first (the plan\'s order)',
      `**${ratioLf.toFixed(3)}** (${simMin(toSim(lf.wallMs))} vs LB ${simMin(lbSim)}; ideal list schedule ${(idealLongest / lbSim).toFixed(3)})`,
      '≤ 1.05',
      check(ratioLf <= 1.05 && allOk(lf)),
    ],
    [
      'Makespan ÷ lower bound, submission order',
      `${ratioSo.toFixed(3)} (${simMin(toSim(so.wallMs))}; ideal list schedule ${(idealSubmission / lbSim).toFixed(3)})`,
      '– (reference)',
      allOk(so) ? '–' : '❌',
    ],
    [
      `BatchGetBuilds calls per poll tick, concurrency ${CONCURRENCY}`,
      `${(lf.stats.batchGetBuilds / lf.stats.ticks).toFixed(2)} (${lf.stats.batchGetBuilds} calls / ${lf.stats.ticks} ticks; ≤ ${ticksLf.maxIds} ids a call; submission order ${(so.stats.batchGetBuilds / so.stats.ticks).toFixed(2)})`,
      '⌈running ÷ 100⌉ calls a tick, ≤ 100 ids a call',
      check(tickOk(ticksLf) && tickOk(ticksSo)),
    ],
    [
      `BatchGetBuilds calls per poll tick, concurrency ${WIDE_CONCURRENCY} (up to ${ticksWide.maxRunning} running)`,
      `${(wide.stats.batchGetBuilds / wide.stats.ticks).toFixed(2)} (${wide.stats.batchGetBuilds} calls / ${wide.stats.ticks} ticks; ≤ ${ticksWide.maxIds} ids a call; ${ticksWide.badTicks} tick(s) off)`,
      '⌈running ÷ 100⌉ calls a tick, ≤ 100 ids a call',
      check(tickOk(ticksWide) && allOk(wide)),
    ],
    [
      'API calls per build (StartBuild + BatchGetBuilds + GetLogEvents + StopBuild)',
      `${perBuild(lf).toFixed(2)} longest-first (${lf.stats.startBuild} + ${lf.stats.batchGetBuilds} + ${lf.stats.getLogEvents} + ${lf.stats.stopBuild}) · ${perBuild(so).toFixed(2)} submission order`,
      '–',
      '–',
    ],
    [
      'Scheduler CPU per job (fan-out + executor + AWS SDK, server in another process)',
      `${ms(cpuPerJob(lf))} longest-first · ${ms(cpuPerJob(so))} submission order`,
      '–',
      '–',
    ],
    [
      `Local executor overhead per job (${local.label}, ${local.files} files)`,
      `**${ms(ls.overhead)}** (Tessera ${ms(ls.tessera)} vs \`bash -c\` ${ms(ls.direct)} per job)`,
      `≤ ${LOCAL_TARGET_MS} ms`,
      check(ls.overhead <= LOCAL_TARGET_MS),
    ],
    [
      `  ↳ where a job's time goes (${local.label})`,
      `worktree add (PROVISIONING + DOWNLOAD_SOURCE) ${ms(ls.prepare)} · buildspec phases ${ms(ls.buildspec)} · worktree remove (FINALIZING) ${ms(ls.finalize)} · rest ${ms(ls.other)}`,
      '–',
      '–',
    ],
    [
      `Local executor overhead per job (${sample.label}, ${sample.files} files)`,
      `${ms(ss.overhead)} (Tessera ${ms(ss.tessera)} vs \`bash -c\` ${ms(ss.direct)} per job)`,
      `≤ ${LOCAL_TARGET_MS} ms`,
      check(ss.overhead <= LOCAL_TARGET_MS),
    ],
    [
      `  ↳ where a job's time goes (${sample.label})`,
      `worktree add ${ms(ss.prepare)} · buildspec phases ${ms(ss.buildspec)} · worktree remove ${ms(ss.finalize)} · rest ${ms(ss.other)}`,
      '–',
      '–',
    ],
  ];
  const table = ['| Metric | Figure | Target | |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

  const q = (p: number) => {
    const s = [...durations].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))]! / 60;
  };
  const notes = [
    `CodeBuild part: ${JOBS} builds on the CodeBuild + CloudWatch Logs wire-protocol test server (test/support/codebuild-server), through the real AWS SDK v3 clients (endpoint 127.0.0.1, fake credentials, maxAttempts 1), \`createCodeBuildExecutor\` and \`runFanout\` at concurrency ${CONCURRENCY}. The server runs in a child process (test/bench/fanout-server.ts), so the benchmark process's CPU is Tessera's alone; a fresh server per run.`,
    `Durations: BUILD phase of each build drawn once (seed ${SEED}) from a log-normal with median ${DURATION.medianMinutes} simulated minutes and σ ${DURATION.sigma}, clipped to [${DURATION.min}, ${DURATION.max}] min and rounded to whole seconds: min ${q(0).toFixed(2)}, median ${q(0.5).toFixed(2)}, p90 ${q(0.9).toFixed(2)}, max ${q(1).toFixed(2)} min; ${durations.filter((d) => d >= DURATION.max * 60).length} build(s) at the ${DURATION.max}-minute cap. Passed as TESSERA_SIMULATE_SECONDS, so the server simulates the build (no checkout, no commands).`,
    `Time scale: 1 simulated minute = ${SIM_MINUTE_MS} ms of wall time (server timeScale ${TIME_SCALE.toFixed(6)}). The executor's poll interval and backoff are its defaults scaled the same way: poll { minMs: ${POLL.minMs}, maxMs: ${POLL.maxMs} } (= 2 s … 15 s simulated), backoff { baseMs: ${BACKOFF.baseMs}, maxMs: ${BACKOFF.maxMs} }. No throttling, faults or account limit; provisioningDelayMs 0.`,
    `Lower bound LB = max(longest build, Σ builds ÷ ${CONCURRENCY}) in simulated seconds, where each build counts its BUILD duration plus the ${SIM_FIXED_SECONDS} simulated seconds the server spends outside BUILD for every simulated build (DOWNLOAD_SOURCE 2 + INSTALL 3 + PRE_BUILD 1 + POST_BUILD 1 + UPLOAD_ARTIFACTS 1 + FINALIZING 1; PROVISIONING 0): longest ${simMin(longestSim)}, Σ ÷ ${CONCURRENCY} = ${simMin(totalSim / CONCURRENCY)}, so LB = ${simMin(lbSim)}. Nothing else is included: API round trips, the poll delay before a finished build is seen and the log read before its slot is freed all count against Tessera.`,
    `Makespan: wall time from just before \`runFanout\` to its return, divided by the time scale (the run record's first SUBMITTED → last COMPLETED agrees within ${Math.max(...[lf, so].map((r) => Math.abs(r.wallMs - r.recordMs))).toFixed(0)} ms wall). Longest-first sorts by the true duration (the plan's order with perfect history); submission order is the generation order (i.i.d. draws, i.e. a random order). "Ideal list schedule" is the makespan ÷ LB the same order gives with zero overhead (greedy: each build starts on the first free slot), to separate ordering from overhead. Wall times: longest-first ${(lf.wallMs / 1000).toFixed(1)} s, submission order ${(so.wallMs / 1000).toFixed(1)} s.`,
    `Server timer inflation: the server's simulated builds took on average ${buildInflationSim(lf).toFixed(1)} simulated s (${(buildInflationSim(lf) * 1000 * TIME_SCALE).toFixed(1)} ms wall) longer than nominal in the longest-first run (setTimeout granularity across 7 pauses per build); this is in the measured makespan but not in LB.`,
    `BatchGetBuilds per tick: every call the executor makes is tagged with its \`stats.ticks\` at the time; a tick is right when its calls number ⌈ids polled ÷ 100⌉ (ids polled = builds running, i.e. started and not yet seen complete). At concurrency ${CONCURRENCY} at most ${ticksLf.maxRunning} builds run, so every tick must be exactly one call; the extra run at concurrency ${WIDE_CONCURRENCY} (all ${JOBS} builds at once, longest-first, ${(wide.wallMs / 1000).toFixed(1)} s wall vs longest build ${wideLb.toFixed(1)} s) checks the split: ${ticksWide.ticks} ticks, ${ticksWide.calls} calls, ${ticksWide.badTicks} tick(s) off. BatchGetBuilds calls that overlapped another in flight (two polls at once): ${lf.overlappingCalls} / ${so.overlappingCalls} / ${wide.overlappingCalls} (longest-first / submission / wide).`,
    `API calls per build: the executor's own counters (\`stats\`) ÷ ${JOBS}; the one BatchGetProjects pre-flight per run is not included. Server-side counts agree: ${Object.entries(lf.server.stats.calls).map(([k, v]) => `${k} ${v}`).join(', ')} (longest-first). Statuses: ${JSON.stringify(lf.statuses)} / ${JSON.stringify(so.statuses)} / ${JSON.stringify(wide.statuses)}.`,
    `Scheduler CPU per job: \`process.cpuUsage()\` (user + system) of the benchmark process over the whole \`runFanout\` call ÷ ${JOBS}: the fan-out, the executor, the AWS SDK (signing, HTTP, JSON) and the run-record updates. The server's process used ${(serverCpuMs(lf) / JOBS).toFixed(2)} ms / build (longest-first, including its start-up).`,
    `Local part: a temp git repository (${local.files} files) whose buildspec.yml has ${local.commands} trivial commands (install: ${LOCAL_COMMANDS.install.join('; ')}; build: ${LOCAL_COMMANDS.build.join('; ')}; post_build: ${LOCAL_COMMANDS.post_build.join('; ')}), ${LOCAL_JOBS} jobs through \`createLocalExecutor\` + \`runFanout\` at concurrency 1, against the same commands run directly, one \`bash -c\` per command, sequentially, for ${LOCAL_JOBS} jobs. Per job = wall ÷ ${LOCAL_JOBS}; median of ${LOCAL_ROUNDS} rounds (direct then Tessera in each round) after ${LOCAL_WARMUP} warm-up jobs of each. Overhead = Tessera − direct. The breakdown is the mean of the recorded phases over all rounds' jobs: PROVISIONING + DOWNLOAD_SOURCE is \`git worktree add\` (and the pid file), the buildspec phases include the commands themselves, FINALIZING is \`git worktree remove\`; "rest" is the job's span (QUEUED end → COMPLETED end) not in any of those. The same is repeated on a copy of the repository's sample workspace (${sample.files} files; its node_modules is linked, not checked out).`,
    `Machine caveat: ${availableParallelism()} cores. The CodeBuild runs share them with the server process and the SDK's sockets, the local runs with git and bash; figures are from one run each and move by a few per cent between runs.`,
  ];
  return { title: 'Fan-out: scheduling and executor overhead', table, notes };
}

// Standalone: `npx tsx test/bench/fanout.bench.ts`.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const ctx: BenchContext = {
    repoRoot,
    tesseraBin: join(repoRoot, 'tools', 'bin', 'tessera.js'),
    nodeModules: join(repoRoot, 'node_modules'),
    sizes: [],
    log: (line) => process.stderr.write(`${line}\n`),
  };
  run(ctx).then(
    (section) => {
      process.stdout.write(`## ${section.title}\n\n${section.table}\n\nNotes:\n\n${section.notes.map((n) => `- ${n}`).join('\n')}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`fanout bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
