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
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchGetBuildsCommand, BatchGetProjectsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { readBuildspec } from '../../tools/src/buildspec/read-buildspec.js';
import { createCodeBuildExecutor, DEFAULT_BACKOFF, DEFAULT_POLL } from '../../tools/src/executors/codebuild-executor.js';
import type { Executor, JobSpec } from '../../tools/src/executors/executor.js';
import { createLocalExecutor } from '../../tools/src/executors/local-executor.js';
import { runFanout } from '../../tools/src/fanout/run-fanout.js';
import type { JobRecord, PhaseRecord, PhaseType, RunRecord } from '../../tools/src/records/run-record.js';
import { createEmptyRepo, createSampleRepo, type TestRepo } from '../support/sample-repo.js';
import { createSeededRandom } from '../support/seeded-random.js';
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
/** The executor's defaults, scaled like the builds. */
const POLL = { minMs: Math.round(DEFAULT_POLL.minMs * TIME_SCALE), maxMs: Math.round(DEFAULT_POLL.maxMs * TIME_SCALE) };
const BACKOFF = { baseMs: Math.round(DEFAULT_BACKOFF.baseMs * TIME_SCALE), maxMs: Math.round(DEFAULT_BACKOFF.maxMs * TIME_SCALE) };
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

const execFileAsync = promisify(execFile);
const check = (ok: boolean) => (ok ? '✅' : '❌');
const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value)} ms`;
const simMin = (seconds: number) => `${(seconds / 60).toFixed(2)} min`;

// ---------------------------------------------------------------------------------------
// Helpers

/** BUILD durations in whole simulated seconds, in submission (generation) order. */
export function generateDurations(count = JOBS, seed = SEED): number[] {
  const random = createSeededRandom(seed);
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
  /** BatchGetBuilds calls that started while another was in flight: two poll ticks at once (a tick's own calls are sequential). */
  overlappingCalls: number;
  cpuUs: number;
  server: ServerSnapshot;
  /** Wall ms spent in GetLogEvents calls (summed; a build's calls are sequential). */
  logReadMs: number;
  /** Per app: when the fan-out gave it a slot (job-start) and took the slot back (job-end), epoch ms. */
  slots: Map<string, { startMs: number; endMs: number }>;
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
    // Count BatchGetBuilds calls made while another is in flight (overlapping poll ticks) and the BatchGetProjects pre-flight.
    let inFlight = 0;
    let overlappingCalls = 0;
    let batchGetProjects = 0;
    const send = codebuild.send.bind(codebuild) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
    (codebuild as unknown as { send: typeof send }).send = async (command, ...rest) => {
      if (command instanceof BatchGetBuildsCommand) {
        if (inFlight > 0) overlappingCalls++;
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
    let logReadMs = 0;
    const sendLogs = logs.send.bind(logs) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
    (logs as unknown as { send: typeof sendLogs }).send = async (command, ...rest) => {
      const t = performance.now();
      try {
        return await sendLogs(command, ...rest);
      } finally {
        logReadMs += performance.now() - t;
      }
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
    const slots = new Map<string, { startMs: number; endMs: number }>();
    await runFanout({
      run, specs, executor, concurrency, signal: controller.signal, maxFaultRetries: 0,
      onEvent(_run, event) {
        if (event.type === 'job-start') slots.set(event.app, { startMs: Date.now(), endMs: NaN });
        else if (event.type === 'job-end') slots.get(event.app)!.endMs = Date.now();
      },
    });
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
      overlappingCalls,
      cpuUs: cpu.user + cpu.system,
      server: snapshot,
      logReadMs,
      slots,
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
  /** Calls carrying exactly 100 ids. */
  fullCalls: number;
  /** Mean ids a tick polled (= builds running at the tick). */
  meanRunning: number;
  /**
   * A tick that polls n builds must make ⌈n ÷ 100⌉ calls: ⌈n ÷ 100⌉ − 1 full ones (100 ids)
   * and one last call. So over a run, calls − ticks (the non-last calls) must not exceed
   * the number of full calls, and no call may carry more than 100 ids. This holds however
   * ticks interleave, where grouping calls by tick could not be done from the outside.
   */
  ok: boolean;
}

function checkTicks(r: CodeBuildRun): TickCheck {
  const ids = r.stats.batchGetBuildsIds;
  const fullCalls = ids.filter((n) => n === 100).length;
  const maxIds = Math.max(0, ...ids);
  const calls = r.stats.batchGetBuilds;
  const ticks = r.stats.ticks;
  return { ticks, calls, maxIds, fullCalls, meanRunning: ids.reduce((a, b) => a + b, 0) / Math.max(1, ticks), ok: maxIds <= 100 && calls - ticks <= fullCalls && calls >= ticks };
}

interface SlotBreakdown {
  /** Slot taken → StartBuild accepted by the server, simulated s. */
  startLag: number;
  /** Server build took longer than nominal (timers), simulated s. */
  inflation: number;
  /** Build COMPLETED on the server → slot given back (poll wait, BatchGetBuilds, GetLogEvents), simulated s. */
  endLag: number;
  /** The GetLogEvents part of endLag, simulated s. */
  logRead: number;
}

/** Mean per-build time a slot was held beyond the nominal simulated build, split in three. */
function slotBreakdown(r: CodeBuildRun, durations: number[]): SlotBreakdown {
  const toSim = (wallMs: number) => wallMs / 1000 / TIME_SCALE;
  let startLag = 0;
  let inflation = 0;
  let endLag = 0;
  let n = 0;
  for (const b of r.server.builds) {
    const slot = r.slots.get(b.app);
    if (!slot || !Number.isFinite(b.endMs) || !Number.isFinite(slot.endMs)) continue;
    startLag += toSim(b.startMs - slot.startMs);
    inflation += toSim(b.endMs - b.startMs) - (durations[Number(b.app.slice(4))]! + SIM_FIXED_SECONDS);
    endLag += toSim(slot.endMs - b.endMs);
    n++;
  }
  return { startLag: startLag / n, inflation: inflation / n, endLag: endLag / n, logRead: toSim(r.logReadMs) / r.server.builds.length };
}

// ---------------------------------------------------------------------------------------
// Local part

interface LocalRound {
  tesseraMs: number;
  directMs: number;
  /** `git worktree add` + `git worktree remove` alone, for the same number of jobs. */
  gitMs: number;
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
  const worktrees = async (count: number) => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const dir = join(repo.dir, '.tessera', 'bench-worktree');
      await execFileAsync('git', ['worktree', 'add', '--force', '--detach', dir, head], { cwd: repo.dir, signal: controller.signal });
      await execFileAsync('git', ['worktree', 'remove', '--force', dir], { cwd: repo.dir, signal: controller.signal });
    }
    return performance.now() - t0;
  };
  try {
    log(`fanout: local (${label}, ${files} files): warm-up`);
    await fanout(`warm-${process.pid}`, LOCAL_WARMUP);
    await direct(LOCAL_WARMUP);
    await worktrees(LOCAL_WARMUP);
    const rounds: LocalRound[] = [];
    for (let round = 0; round < LOCAL_ROUNDS; round++) {
      const directMs = await direct(LOCAL_JOBS);
      const gitMs = await worktrees(LOCAL_JOBS);
      const t = await fanout(`r${round}-${process.pid}`, LOCAL_JOBS);
      rounds.push({ tesseraMs: t.wall, directMs, gitMs, jobs: t.jobs });
      log(`fanout: local (${label}) round ${round + 1}: Tessera ${ms(t.wall / LOCAL_JOBS)}/job, direct ${ms(directMs / LOCAL_JOBS)}/job, git worktree add+remove ${ms(gitMs / LOCAL_JOBS)}/job`);
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
  const git = median(r.rounds.map((x) => x.gitMs / LOCAL_JOBS));
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
  return { tessera, direct, git, overhead: tessera - direct, prepare, buildspec, finalize, other: total - prepare - buildspec - finalize, total };
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
  const ideal = (order: number[], extra = 0) => listSchedule(order.map((i) => withFixed[i]! + extra), CONCURRENCY) / lbSim;

  const lf = await runCodeBuild('longest-first', durations, longestFirst, CONCURRENCY, log);
  const so = await runCodeBuild('submission-order', durations, submission, CONCURRENCY, log);
  const wide = await runCodeBuild('wide', durations, longestFirst, WIDE_CONCURRENCY, log);

  const toSim = (wallMs: number) => wallMs / 1000 / TIME_SCALE;
  const ratioLf = toSim(lf.wallMs) / lbSim;
  const ratioSo = toSim(so.wallMs) / lbSim;
  const ticksLf = checkTicks(lf);
  const ticksSo = checkTicks(so);
  const ticksWide = checkTicks(wide);
  const slotLf = slotBreakdown(lf, durations);
  const slotSo = slotBreakdown(so, durations);
  const held = (b: SlotBreakdown) => b.startLag + b.inflation + b.endLag;
  const apiCalls = (r: CodeBuildRun) => r.stats.startBuild + r.stats.batchGetBuilds + r.stats.stopBuild + r.stats.getLogEvents;
  const perBuild = (r: CodeBuildRun) => apiCalls(r) / JOBS;
  const cpuPerJob = (r: CodeBuildRun) => r.cpuUs / 1000 / JOBS;
  const serverCpuPerBuild = (r: CodeBuildRun) => (r.server.cpu.user + r.server.cpu.system) / 1000 / JOBS;
  const allOk = (r: CodeBuildRun) => r.statuses.SUCCEEDED === JOBS && !r.timedOut;
  const perTick = (r: CodeBuildRun) => (r.stats.batchGetBuilds / Math.max(1, r.stats.ticks)).toFixed(2);

  log('fanout: local executor');
  const tiny = createEmptyRepo('tessera-bench-fanout-');
  let local: LocalResult;
  try {
    writeBuildspec(tiny);
    tiny.write('README.md', '# bench\n');
    tiny.write('src/index.ts', 'export const answer = 42;\n');
    tiny.commit('bench repo');
    local = await runLocal('tiny repository', tiny, log);
  } finally {
    tiny.cleanup();
  }
  const sampleRepo = createSampleRepo();
  let sample: LocalResult;
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
      `Makespan ÷ lower bound, longest expected first (the plan's order), ${JOBS} builds, concurrency ${CONCURRENCY}`,
      `**${ratioLf.toFixed(3)}** (${simMin(toSim(lf.wallMs))} vs LB ${simMin(lbSim)}; the same order with zero overhead: ${ideal(longestFirst).toFixed(3)})`,
      '≤ 1.05',
      check(ratioLf <= 1.05 && allOk(lf)),
    ],
    [
      'Makespan ÷ lower bound, submission order',
      `${ratioSo.toFixed(3)} (${simMin(toSim(so.wallMs))}; zero overhead: ${ideal(submission).toFixed(3)})`,
      '– (reference)',
      allOk(so) ? '–' : '❌',
    ],
    [
      'Slot held per build beyond the simulated build (longest-first)',
      `${held(slotLf).toFixed(1)} simulated s: StartBuild ${slotLf.startLag.toFixed(1)} · server timers ${slotLf.inflation.toFixed(1)} · completion → slot freed ${slotLf.endLag.toFixed(1)} (of which GetLogEvents ${slotLf.logRead.toFixed(1)}, the rest mostly waiting for the next poll)`,
      '–',
      '–',
    ],
    [
      `BatchGetBuilds calls per poll tick, concurrency ${CONCURRENCY}`,
      `${perTick(lf)} (${lf.stats.batchGetBuilds} calls / ${lf.stats.ticks} ticks, ≤ ${ticksLf.maxIds} ids a call; submission order ${perTick(so)})`,
      '⌈running ÷ 100⌉ a tick, ≤ 100 ids a call',
      check(ticksLf.ok && ticksSo.ok),
    ],
    [
      `BatchGetBuilds calls per poll tick, concurrency ${WIDE_CONCURRENCY} (${JOBS} running at first)`,
      `${perTick(wide)} (${wide.stats.batchGetBuilds} calls / ${wide.stats.ticks} ticks, ${ticksWide.fullCalls} of them with 100 ids, ≤ ${ticksWide.maxIds} ids a call)`,
      '⌈running ÷ 100⌉ a tick, ≤ 100 ids a call',
      check(ticksWide.ok && allOk(wide)),
    ],
    [
      'API calls per build (StartBuild + BatchGetBuilds + GetLogEvents + StopBuild)',
      `${perBuild(lf).toFixed(2)} longest-first (${lf.stats.startBuild} + ${lf.stats.batchGetBuilds} + ${lf.stats.getLogEvents} + ${lf.stats.stopBuild}) · ${perBuild(so).toFixed(2)} submission order · ${perBuild(wide).toFixed(2)} at concurrency ${WIDE_CONCURRENCY}`,
      '–',
      '–',
    ],
    [
      'Scheduler CPU per job (fan-out + executor + AWS SDK; server in another process)',
      `${ms(cpuPerJob(lf))} longest-first · ${ms(cpuPerJob(so))} submission order`,
      '–',
      '–',
    ],
    [
      `Local executor overhead per job (${local.label}, ${local.files} files)`,
      `**${ms(ls.overhead)}** (Tessera ${ms(ls.tessera)} vs \`bash -c\` ${ms(ls.direct)} per job; \`git worktree add\` + \`remove\` alone ${ms(ls.git)})`,
      `≤ ${LOCAL_TARGET_MS} ms`,
      check(ls.overhead <= LOCAL_TARGET_MS),
    ],
    [
      `↳ a job's recorded phases (${local.label})`,
      `worktree add (PROVISIONING + DOWNLOAD_SOURCE) ${ms(ls.prepare)} · buildspec phases ${ms(ls.buildspec)} · worktree remove (FINALIZING) ${ms(ls.finalize)} · rest ${ms(ls.other)}`,
      '–',
      '–',
    ],
    [
      `Local executor overhead per job (${sample.label}, ${sample.files} files)`,
      `${ms(ss.overhead)} (Tessera ${ms(ss.tessera)} vs \`bash -c\` ${ms(ss.direct)} per job; \`git worktree add\` + \`remove\` alone ${ms(ss.git)})`,
      `≤ ${LOCAL_TARGET_MS} ms`,
      check(ss.overhead <= LOCAL_TARGET_MS),
    ],
    [
      `↳ a job's recorded phases (${sample.label})`,
      `worktree add ${ms(ss.prepare)} · buildspec phases ${ms(ss.buildspec)} · worktree remove ${ms(ss.finalize)} · rest ${ms(ss.other)}`,
      '–',
      '–',
    ],
  ];
  const table = ['| Metric | Figure | Target | |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

  const sorted = [...durations].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! / 60;
  const predicted = (order: number[], b: SlotBreakdown) => ideal(order, held(b));
  const notes = [
    `CodeBuild part: ${JOBS} builds on the CodeBuild + CloudWatch Logs wire-protocol test server (test/support/codebuild-server), through the real AWS SDK v3 clients (endpoint 127.0.0.1, fake credentials, maxAttempts 1), \`createCodeBuildExecutor\` and \`runFanout\` at concurrency ${CONCURRENCY}. The server runs in a child process (test/bench/fanout-server.ts), a fresh one per run, so the benchmark process's CPU is Tessera's alone. Every build SUCCEEDED in every run (${JSON.stringify(lf.statuses)} / ${JSON.stringify(so.statuses)} / ${JSON.stringify(wide.statuses)}).`,
    `Durations: each build's BUILD phase is drawn once (seed ${SEED}) from a log-normal with median ${DURATION.medianMinutes} simulated minutes and σ ${DURATION.sigma}, clipped to [${DURATION.min}, ${DURATION.max}] min and rounded to whole seconds: min ${q(0).toFixed(2)}, median ${q(0.5).toFixed(2)}, p90 ${q(0.9).toFixed(2)}, max ${q(1).toFixed(2)} min, ${durations.filter((d) => d >= DURATION.max * 60).length} at the ${DURATION.max}-minute cap. Passed as TESSERA_SIMULATE_SECONDS, so the server simulates each build (no checkout, no commands). Both orders run the same durations.`,
    `Time scale: 1 simulated minute = ${SIM_MINUTE_MS} ms of wall time (server timeScale ${TIME_SCALE.toFixed(6)}). The executor's poll interval and backoff are its defaults scaled the same way: poll { minMs: ${POLL.minMs}, maxMs: ${POLL.maxMs} } (≈ ${DEFAULT_POLL.minMs / 1000} s … ${DEFAULT_POLL.maxMs / 1000} s simulated), backoff { baseMs: ${BACKOFF.baseMs}, maxMs: ${BACKOFF.maxMs} }. No throttling, faults or account limit; provisioningDelayMs 0. Wall time per run: longest-first ${(lf.wallMs / 1000).toFixed(1)} s, submission order ${(so.wallMs / 1000).toFixed(1)} s, concurrency ${WIDE_CONCURRENCY} ${(wide.wallMs / 1000).toFixed(1)} s. At this scale 1 ms of wall time is ${(0.001 / TIME_SCALE).toFixed(2)} simulated s, so each localhost round trip weighs about as much as a real AWS call would.`,
    `Lower bound LB = max(longest build, Σ builds ÷ ${CONCURRENCY}) in simulated seconds, each build counting its BUILD duration plus the ${SIM_FIXED_SECONDS} simulated seconds the server spends outside BUILD in every simulated build (DOWNLOAD_SOURCE 2 + INSTALL 3 + PRE_BUILD 1 + POST_BUILD 1 + UPLOAD_ARTIFACTS 1 + FINALIZING 1; PROVISIONING 0): longest ${simMin(longestSim)}, Σ ÷ ${CONCURRENCY} = ${simMin(totalSim / CONCURRENCY)}, so LB = ${simMin(lbSim)}. Nothing else is in LB: API round trips, the poll wait before a finished build is seen, the log read before its slot is freed, and the server's own timer lateness all count against the measured makespan.`,
    `Makespan: wall time from just before \`runFanout\` to its return, ÷ the time scale (the run record's first SUBMITTED → last COMPLETED agrees within ${Math.max(...[lf, so].map((r) => Math.abs(r.wallMs - r.recordMs))).toFixed(0)} ms of wall time). Longest-first sorts by the true duration, as \`planBuilds\` does with perfect history; submission order is the generation order (independent draws, so a random order). "Zero overhead" is the makespan ÷ LB that greedy list scheduling of the same order reaches with nothing but the simulated durations: the part of the ratio due to the order alone (LB itself is not reachable).`,
    `Slot held beyond the simulated build, mean per build in simulated seconds, from the fan-out's job-start / job-end events and the server's build start and end times: StartBuild = slot taken → build accepted by the server; server timers = how much longer the server's build took than nominal (setTimeout lateness over 7 pauses; the server's, not Tessera's); completion → slot freed = build COMPLETED on the server → job-end (waiting for the next poll tick, BatchGetBuilds, then GetLogEvents until the last page). GetLogEvents time is the wall time of the executor's GetLogEvents calls ÷ builds. The poll wait is long because the interval adapts: it stretches ×1.5 per tick in which no phase changed, up to maxMs (${DEFAULT_POLL.maxMs / 1000} s simulated), and while the long builds sit in BUILD nothing changes, so a build that ends then is seen up to that late. Submission order: ${held(slotSo).toFixed(1)} s (${slotSo.startLag.toFixed(1)} · ${slotSo.inflation.toFixed(1)} · ${slotSo.endLag.toFixed(1)}, GetLogEvents ${slotSo.logRead.toFixed(1)}). Adding the mean to every build and list-scheduling again predicts ${predicted(longestFirst, slotLf).toFixed(3)} (longest-first) and ${predicted(submission, slotSo).toFixed(3)} (submission order), against ${ratioLf.toFixed(3)} and ${ratioSo.toFixed(3)} measured.`,
    `BatchGetBuilds per tick: the executor's \`stats\` (ticks, calls, ids per call). A tick polling n running builds must make ⌈n ÷ 100⌉ calls, all but the last with exactly 100 ids; so the check is: no call above 100 ids, and calls − ticks ≤ calls with exactly 100 ids (true however ticks interleave). At concurrency ${CONCURRENCY} every tick must be one call (mean ids per tick ${ticksLf.meanRunning.toFixed(1)}; mean interval between ticks ${(toSim(lf.wallMs) / lf.stats.ticks).toFixed(1)} simulated s longest-first, ${(toSim(so.wallMs) / so.stats.ticks).toFixed(1)} s submission order); the extra run at concurrency ${WIDE_CONCURRENCY} (all ${JOBS} builds at once, longest-first) exercises the split (mean ids per tick ${ticksWide.meanRunning.toFixed(1)}). BatchGetBuilds calls started while another was still in flight, i.e. two poll ticks running at once: ${lf.overlappingCalls} / ${so.overlappingCalls} / ${wide.overlappingCalls} (longest-first / submission order / concurrency ${WIDE_CONCURRENCY}).`,
    `API calls per build: the executor's counters ÷ ${JOBS}; the one BatchGetProjects pre-flight per run is left out. The server's own counts (longest-first): ${Object.entries(lf.server.stats.calls).map(([k, v]) => `${k} ${v}`).join(', ')}. GetLogEvents is 2 per build: the second call confirms the end of the stream (same nextForwardToken).`,
    `Scheduler CPU per job: \`process.cpuUsage()\` (user + system) of the benchmark process over the whole \`runFanout\` call ÷ ${JOBS}: fan-out, executor, AWS SDK (signing, HTTP, JSON), run-record updates, garbage collection. The server's process used ${serverCpuPerBuild(lf).toFixed(1)} ms per build (longest-first, start-up included).`,
    `Local part: a temp git repository (${local.files} files) whose buildspec.yml has ${local.commands} trivial commands (install: \`${LOCAL_COMMANDS.install.join('`; `')}\`; build: \`${LOCAL_COMMANDS.build.join('`; `')}\`; post_build: \`${LOCAL_COMMANDS.post_build.join('`; `')}\`). ${LOCAL_JOBS} jobs through \`createLocalExecutor\` + \`runFanout\` at concurrency 1, against the same ${local.commands} commands run directly, one \`bash -c\` each, sequentially, ${LOCAL_JOBS} times (same env, same directory). Per job = wall ÷ ${LOCAL_JOBS}; median of ${LOCAL_ROUNDS} rounds (direct, then \`git worktree add\` + \`git worktree remove\` alone, then Tessera in each round) after ${LOCAL_WARMUP} warm-up jobs of each. Overhead = Tessera − direct.`,
    `Local phases: mean over all rounds' jobs of the run record's phases: PROVISIONING + DOWNLOAD_SOURCE is the pid file and \`git worktree add\`, the buildspec phases include the commands themselves (each command runs in a session shell that saves its env and cwd, and the runner checks the process group in /proc afterwards), FINALIZING is \`git worktree remove\`; "rest" is the rest of the job's span (QUEUED end → COMPLETED end). The same is repeated on a copy of the repository's sample workspace (${sample.files} files, node_modules linked not checked out): a clean worktree costs what git takes to write the files, so the overhead grows with the repository.`,
    `Machine: ${availableParallelism()} cores, shared by the benchmark process, the server process, git and bash. Figures move between runs (the local ones most: this VM's file creation speed varies, and \`git worktree add\` of the sample workspace took from 25 ms to 180 ms across runs while developing this benchmark).`,
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
