import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join, relative } from 'node:path';
import { type AffectedReport, readAffected } from '../affected/read-affected.js';
import { formatLogLine } from '../records/log-line.js';
import { readHeadLockfile } from '../workspace/read-lockfile.js';
import { readBuildspec } from '../buildspec/read-buildspec.js';
import { TesseraError, type Warning } from '../errors/tessera-error.js';
import type { Executor, JobSpec } from '../executors/executor.js';
import { maskExecutor } from '../executors/mask-executor.js';
import { createSecretMasker } from '../executors/mask-secrets.js';
import { openExecutor } from '../executors/open-executor.js';
import { type BuildEnvironment, resolveBuildEnvironment } from '../executors/resolve-build-env.js';
import { readCommitId, readRepositoryRoot } from '../git/read-repository.js';
import type { FileGraph } from '../graph/file-graph.js';
import { ensureCacheDir, loadGraph } from '../graph/load-graph.js';
import { planBuilds, type PlannedJob } from '../plan/plan-builds.js';
import { estimateCost } from '../runs/estimate-cost.js';
import { createLiveReport, type LiveReport } from '../report/live-report.js';
import { createReportWriter, resolveReportFile } from '../report/write-report.js';
import type { ExecutorName, JobRecord, LogLine, RunRecord } from '../records/run-record.js';
import { createRunsStore } from '../runs/runs-store.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { readConfig } from '../workspace/read-workspace.js';
import { openStore, resolveStoreUrl } from '../store/open-store.js';
import { readStoredManifest } from '../store/publish-bundle.js';
import { type FanoutEvent, runFanout } from '../fanout/run-fanout.js';

export interface RunBuildOptions {
  root: string;
  /** Apps to build by name; with neither `apps` nor `affected`, every app. */
  apps?: string[];
  /** Build the apps `tessera affected` reports for this range. */
  affected?: { base?: string; head?: string; deepen?: boolean; files?: string[] } | null;
  /** Build the working tree in place instead of clean worktrees at HEAD. */
  uncommitted?: boolean;
  executor: ExecutorName;
  concurrency?: number;
  failFast?: boolean;
  dryRun?: boolean;
  /** What started the run: `cli`, `webhook:push`, ... */
  trigger: string;
  signal: AbortSignal;
  /** The plan, before any build starts; `report` is where the run's HTML report is being written (null: none). */
  onPlan?: (plan: PlannedJob[], run: RunRecord, affected: AffectedReport | null, report: string | null) => void;
  onEvent?: (run: RunRecord, event: FanoutEvent) => void;
  onLog?: (app: string, line: LogLine) => void;
  /** Skips jobs whose version is already published. @default asks the configured store */
  isPublished?: (app: string, version: string) => Promise<boolean>;
  /** The store to check and publish to instead of `store` in tessera.config.json (--store, TESSERA_STORE). */
  storeUrl?: string;
  /** Environment for the store's settings (AWS_ENDPOINT_URL_S3). @default process.env */
  env?: Record<string, string | undefined>;
  /** An executor to use instead of creating one (tests). */
  executorInstance?: Executor;
  /** The runs database to record into (the webhook service shares one across its clone). @default <root>/<cacheDir>/tessera.db */
  runsDbPath?: string;
  /**
   * What builds get from this process's environment (`build.env.pass`) and which values are
   * masked in what they print. `tessera serve` resolves it from its own configuration, never
   * from the pushed commit's. @default resolved from `build.env` of the workspace's config and `env`
   */
  buildEnv?: BuildEnvironment;
  /**
   * Write the run's HTML report (`<cacheDir>/reports/<run>.html`, see docs/report.md), kept
   * current while the run is in progress. @default true
   */
  report?: boolean;
}

export interface RunBuildResult {
  run: RunRecord;
  plan: PlannedJob[];
  affected: AffectedReport | null;
  warnings: Warning[];
  /** The HTML report's path, or null when none was written (a dry run, `report: false`). */
  report: string | null;
}

/** A sortable, readable run id: `20261122-140501-3fa2`. */
export function createRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(2).toString('hex')}`;
}

function resolveApps(requested: string[] | undefined, graph: FileGraph): string[] {
  const known = graph.apps.map((a) => a.name);
  if (!requested?.length) return known;
  const unknown = requested.filter((a) => !known.includes(a));
  if (unknown.length) throw new TesseraError('TESSERA_UNKNOWN_APP', `No app named ${unknown.map((u) => `"${u}"`).join(', ')} in this workspace`, { hint: `Apps: ${known.join(', ')}` });
  return [...new Set(requested)];
}

/** Which jobs' versions are already committed in the store (their manifest exists); the store is closed after. */
async function readPublished(root: string, config: ResolvedConfig, jobs: readonly JobRecord[], options: RunBuildOptions): Promise<boolean[]> {
  if (options.isPublished) return Promise.all(jobs.map((job) => options.isPublished!(job.app, job.version)));
  const store = await openStore(root, config.store, options.env ?? process.env, options.storeUrl);
  try {
    return await Promise.all(jobs.map(async (job) => (await readStoredManifest(store, job.app, job.version)) !== null));
  } finally {
    await store.close();
  }
}

/**
 * `tessera build` as a function: which apps (named, affected, or all) → build plan → one job
 * per app on the executor, bounded → run record in SQLite, logs under .tessera/logs.
 */
export async function runBuild(options: RunBuildOptions): Promise<RunBuildResult> {
  const { root } = options;
  await readRepositoryRoot(root);
  const config: ResolvedConfig = readConfig(root);
  const { buildspec, warnings } = readBuildspec(root);
  const buildConfig = readFileSync(join(root, 'buildspec.yml'), 'utf8');

  let affected: AffectedReport | null = null;
  let graph: FileGraph;
  let sourceVersion: string;
  if (options.affected) {
    const head = options.affected.head ?? (options.uncommitted ? undefined : 'HEAD');
    affected = await readAffected({ root, config, base: options.affected.base, head: options.affected.files ? undefined : head, deepen: options.affected.deepen, files: options.affected.files });
    graph = affected.snapshot.graph;
    sourceVersion = affected.headCommit;
    warnings.push(...affected.warnings);
  } else {
    sourceVersion = (await readCommitId(root, 'HEAD'))!;
    const loaded = await loadGraph({ root, config, warnings, revision: options.uncommitted ? { kind: 'worktree' } : { kind: 'commit', commit: sourceVersion } });
    graph = loaded.graph;
  }
  const apps = affected ? affected.apps.map((a) => a.name) : resolveApps(options.apps, graph);
  if (affected && options.apps?.length) {
    resolveApps(options.apps, graph);
  }
  const selected = affected && options.apps?.length ? apps.filter((a) => options.apps!.includes(a)) : apps;

  const cacheDir = ensureCacheDir(root, config);
  const store = createRunsStore(options.runsDbPath ?? join(cacheDir, 'tessera.db'));
  try {
    store.markInterrupted();
    const runId = createRunId();
    const plan = planBuilds({
      runId, apps: selected, graph, lockfile: await readHeadLockfile(root, options.uncommitted ? null : sourceVersion, config.cacheDir), buildConfig, config, sourceVersion,
      history: store.readExpectedDurations(selected),
    });
    const logDir = join(cacheDir, 'logs', runId);
    const topReasons = new Map(affected?.apps.map((a) => [a.name, a.reasons[0]?.detail ?? 'affected']));
    const reasonFor = (app: string) => topReasons.get(app) ?? (options.apps?.length ? 'named on the command line' : 'every app (no --affected, no names)');
    const run: RunRecord = {
      id: runId, trigger: options.trigger, base: affected?.base ?? null, head: affected?.head ?? sourceVersion, status: 'IN_PROGRESS', start: new Date().toISOString(), end: null,
      jobs: plan.map((job): JobRecord => ({
        app: job.app, version: job.version, executor: options.executor, status: 'QUEUED', buildId: null, computeType: job.computeType, retries: 0, estimatedCost: null,
        expectedMs: job.expectedMs, phases: [], logFile: relative(root, join(logDir, `${job.app}.log`)), error: null, reason: reasonFor(job.app),
      })),
    };
    // The skip: a version already in the store is never built again; the job is recorded
    // CACHED with the version it reuses.
    const published = await readPublished(root, config, run.jobs, options);
    run.jobs.forEach((job, i) => published[i] && Object.assign(job, { status: 'CACHED', logFile: null }));
    const report: LiveReport | null =
      options.dryRun || options.report === false
        ? null
        : createLiveReport(
            createReportWriter({
              root, file: resolveReportFile(root, config.cacheDir, runId), prices: config.codebuild.pricePerMinute,
              region: config.codebuild.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION, history: store.readBuildHistory(selected, { before: run }),
            }),
          );
    options.onPlan?.(plan, run, affected, report?.file ?? null);
    if (options.dryRun) return { run, plan, affected, warnings, report: null };

    const buildEnv = options.buildEnv ?? resolveBuildEnvironment(config.build.env, options.env ?? process.env);
    // Whatever runs the jobs, what they print is masked before it is stored, shown or served.
    const executor = maskExecutor(
      options.executorInstance ??
        (await openExecutor({ name: options.executor, root, cacheDir: config.cacheDir, buildspec, inPlace: options.uncommitted, codebuild: config.codebuild, passEnv: buildEnv.pass })),
      createSecretMasker(buildEnv.secrets),
    );
    const concurrency = options.concurrency ?? executor.defaultConcurrency;
    mkdirSync(logDir, { recursive: true });
    const logs = new Map<string, WriteStream>();
    let lastSave = 0;
    const save = (force = false) => {
      const now = Date.now();
      if (force || now - lastSave > 250) {
        store.saveRun(run);
        lastSave = now;
      }
    };
    save(true);
    report?.update(run);
    // Jobs publish from their own worktree (the buildspec's post_build): tell them which store,
    // and an S3 store's endpoint when it comes from the environment (a job inherits none of it;
    // credentials are the user's to pass by name, build.env.pass).
    const storeUrl = resolveStoreUrl(root, options.storeUrl ?? config.store.url);
    const endpoint = (options.env ?? process.env).AWS_ENDPOINT_URL_S3;
    const storeEnv = { TESSERA_STORE: storeUrl, ...(storeUrl.startsWith('s3://') && endpoint ? { AWS_ENDPOINT_URL_S3: endpoint } : {}) };
    const specs = new Map<string, JobSpec>(plan.map((job) => [job.app, { runId, app: job.app, version: job.version, sourceVersion, computeType: job.computeType, env: { ...job.env, ...storeEnv }, timeoutMs: config.timeoutMinutes * 60_000 }]));
    try {
      await runFanout({
        run, specs, executor, concurrency, failFast: options.failFast, signal: options.signal,
        onEvent(r, event) {
          if (event.type === 'job-end') {
            const job = r.jobs.find((j) => j.app === event.app)!;
            if (job.executor === 'codebuild') job.estimatedCost = estimateCost(job, config.codebuild.pricePerMinute);
            // Once its log file is complete, the report gets a copy the page can load.
            logs.get(event.app)?.end(() => report?.logClosed(r, event.app));
          }
          save(event.type === 'job-end' || event.type === 'run-end');
          report?.update(r);
          options.onEvent?.(r, event);
        },
        onLog(app, line) {
          let stream = logs.get(app);
          if (!stream) logs.set(app, (stream = createWriteStream(join(logDir, `${app}.log`), { flags: 'a' })));
          stream.write(formatLogLine(line));
          options.onLog?.(app, line);
        },
      });
    } finally {
      await Promise.all([...logs.values()].map((s) => new Promise((r) => s.end(r))));
      save(true);
      report?.finish(run);
      if (report?.error) warnings.push({ code: 'TESSERA_REPORT_NOT_WRITTEN', text: report.error.message });
      if (!options.executorInstance) await executor.close();
    }
    return { run, plan, affected, warnings, report: report?.file ?? null };
  } finally {
    store.close();
  }
}
