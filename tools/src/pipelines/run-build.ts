import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join, relative } from 'node:path';
import { type AffectedReport, readAffected } from '../affected/read-affected.js';
import { formatLogLine } from '../records/log-line.js';
import { readHeadLockfile } from '../workspace/read-lockfile.js';
import { isTesseraError, TesseraError, type Warning } from '../errors/tessera-error.js';
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
import { createRunsStore, type RunsStore } from '../runs/runs-store.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { computeAppSegmentName, type Project } from '../workspace/project.js';
import { readConfig } from '../workspace/read-workspace.js';
import { type ProjectSelection, selectNames } from '../workspace/select-projects.js';
import { openStore, parseStoreUrl, resolveStoreUrl } from '../store/open-store.js';
import { readStoredManifest } from '../store/publish-bundle.js';
import { computeOwnBuild, findOwnBin, readBuildRecipe } from './read-build-recipe.js';
import { type FanoutEvent, runFanout } from '../fanout/run-fanout.js';

export interface RunBuildOptions {
  root: string;
  /** Apps to build by name; with neither `apps` nor `affected`, every app. */
  apps?: string[];
  /** Only the apps these patterns select (`--projects`, `--exclude`: names, globs, `tag:`). */
  selection?: ProjectSelection;
  /** Build the apps `tessera affected` reports for this range. */
  affected?: { base?: string; head?: string; deepen?: boolean; files?: string[] } | null;
  /** Build the working tree in place instead of clean worktrees at HEAD. */
  uncommitted?: boolean;
  executor: ExecutorName;
  concurrency?: number;
  failFast?: boolean;
  dryRun?: boolean;
  /**
   * The buildspec every app builds with, or false for each app's own build (its Nx `build`
   * target, else its package's `build` script). @default `build.buildspec` of the config, else buildspec.yml when there is one, else each app's own build
   */
  buildspec?: string | false;
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
  /** Environment Tessera's own settings are read from (TESSERA_ALLOW_LOCAL_STORE_WITH_CODEBUILD). @default process.env */
  env?: Record<string, string | undefined>;
  /**
   * Let `--executor codebuild` run with a directory store. On AWS it cannot work: builds
   * publish from CodeBuild, where the directory does not exist. It does against the local
   * CodeBuild test server, whose builds run on this machine. @default env TESSERA_ALLOW_LOCAL_STORE_WITH_CODEBUILD is 1 or true
   */
  allowLocalStore?: boolean;
  /** An executor to use instead of creating one (tests). */
  executorInstance?: Executor;
  /**
   * Resume this run, when it was interrupted (a crash left it STOPPED): the run keeps its id,
   * and each job of the same version that had not finished goes on with its stored attempt and
   * phases, so CodeBuild's idempotency token asks for the build that attempt started (within
   * CodeBuild's five minutes) rather than a second one. Any other run id starts a new run.
   * The webhook service passes the run of a delivery's interrupted attempt.
   */
  resumeRunId?: string;
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

/** What a job needs to reach an S3 store the way this process does: endpoint and region, never credentials. */
const S3_JOB_SETTINGS = ['AWS_ENDPOINT_URL_S3', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE'] as const;

/** A sortable, readable run id: `20261122-140501-3fa2`. */
export function createRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(2).toString('hex')}`;
}

/** The apps a `--projects`/`--exclude` selection keeps (all when there is none). */
function selectApps(apps: string[], projects: readonly Project[], selection: ProjectSelection | undefined): string[] {
  const { kept, unknown } = selectNames(apps, projects, selection);
  if (unknown.length) throw new TesseraError('TESSERA_UNKNOWN_APP', `--projects/--exclude name ${unknown.map((u) => `"${u}"`).join(', ')}, which is no project of this workspace`, { hint: `Apps: ${apps.join(', ')}` });
  return kept;
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
  const store = await openStore(root, config.store, options.storeUrl);
  try {
    return await Promise.all(jobs.map(async (job) => (await readStoredManifest(store, job.app, job.version)) !== null));
  } finally {
    await store.close();
  }
}

/** The run to resume: `id` as stored, when a crash left it STOPPED (see `RunBuildOptions.resumeRunId`); else null. */
function readInterruptedRun(store: RunsStore, id: string): RunRecord | null {
  try {
    const run = store.readRun(id);
    return run.id === id && run.status === 'STOPPED' ? run : null;
  } catch (error) {
    if (isTesseraError(error) && error.code === 'TESSERA_RUN_NOT_FOUND') return null;
    throw error;
  }
}

/**
 * Refuses `--executor codebuild` with a directory store (see `RunBuildOptions.allowLocalStore`):
 * the bundles would be published inside the build containers and lost.
 */
function assertStoreReachesBuilds(root: string, config: ResolvedConfig, options: RunBuildOptions): void {
  if (options.executor !== 'codebuild') return;
  const env = options.env ?? process.env;
  const allowed = options.allowLocalStore ?? /^(1|true)$/i.test(env.TESSERA_ALLOW_LOCAL_STORE_WITH_CODEBUILD ?? '');
  const target = parseStoreUrl(options.storeUrl ?? config.store.url, root);
  if (target.kind === 'fs' && !allowed) {
    throw new TesseraError(
      'TESSERA_CODEBUILD_LOCAL_STORE',
      `--executor codebuild cannot publish to the directory store ${target.dir}: each build publishes from its CodeBuild container, where that directory does not exist${options.storeUrl ? '' : ` (\`store\` in ${config.file ?? 'tessera.config.json'}${config.file ? '' : ', its default'})`}`,
    );
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
  assertStoreReachesBuilds(root, config, options);
  const recipe = readBuildRecipe(root, config, { buildspec: options.buildspec });
  const { buildspec } = recipe;
  const warnings = [...recipe.warnings];

  let affected: AffectedReport | null = null;
  let graph: FileGraph;
  let sourceVersion: string;
  let projects: readonly Project[] = [];
  let nxParallel: unknown;
  if (options.affected) {
    const head = options.affected.head ?? (options.uncommitted ? undefined : 'HEAD');
    affected = await readAffected({ root, config, base: options.affected.base, head: options.affected.files ? undefined : head, deepen: options.affected.deepen, files: options.affected.files, selection: options.selection, env: options.env });
    graph = affected.snapshot.graph;
    projects = affected.snapshot.projects;
    nxParallel = affected.snapshot.nx.raw.parallel;
    sourceVersion = affected.headCommit;
    warnings.push(...affected.warnings);
  } else {
    sourceVersion = (await readCommitId(root, 'HEAD'))!;
    const loaded = await loadGraph({ root, config, warnings, revision: options.uncommitted ? { kind: 'worktree' } : { kind: 'commit', commit: sourceVersion }, env: options.env });
    graph = loaded.graph;
    projects = loaded.projects;
    nxParallel = loaded.nx.raw.parallel;
  }
  const apps = affected ? affected.apps.map((a) => a.name) : selectApps(resolveApps(options.apps, graph), projects, options.selection);
  if (affected && options.apps?.length) {
    resolveApps(options.apps, graph);
  }
  const selected = affected && options.apps?.length ? apps.filter((a) => options.apps!.includes(a)) : apps;

  const cacheDir = ensureCacheDir(root, config);
  const store = createRunsStore(options.runsDbPath ?? join(cacheDir, 'tessera.db'));
  try {
    store.markInterrupted();
    const resumed = options.resumeRunId ? readInterruptedRun(store, options.resumeRunId) : null;
    const runId = resumed?.id ?? createRunId();
    // Each app's own build: its command and outputs go into its version and its job's environment.
    const ownBuilds = new Map<string, { key: unknown; env: Record<string, string> }>();
    const unbuildable = new Map<string, string>();
    for (const app of recipe.ownBuild ? selected : []) {
      const own = computeOwnBuild(app, projects.find((p) => p.name === app));
      if ('error' in own) unbuildable.set(app, own.error);
      else ownBuilds.set(app, own);
    }
    const plan = planBuilds({
      runId, apps: selected, graph, lockfile: await readHeadLockfile(root, options.uncommitted ? null : sourceVersion, config.cacheDir), buildConfig: recipe.text, config, sourceVersion,
      history: store.readExpectedDurations(selected), ownBuilds,
    });
    const logDir = join(cacheDir, 'logs', runId);
    const topReasons = new Map(affected?.apps.map((a) => [a.name, a.reasons[0]?.detail ?? 'affected']));
    const reasonFor = (app: string) => topReasons.get(app) ?? (options.apps?.length ? 'named on the command line' : 'every app (no --affected, no names)');
    const run: RunRecord = {
      id: runId, trigger: options.trigger, base: affected?.base ?? null, head: affected?.head ?? sourceVersion, status: 'IN_PROGRESS', start: resumed?.start ?? new Date().toISOString(), end: null,
      jobs: plan.map((job): JobRecord => ({
        app: job.app, version: job.version, executor: options.executor, status: 'QUEUED', buildId: null, computeType: job.computeType, retries: 0, estimatedCost: null,
        expectedMs: job.expectedMs, phases: [], logFile: relative(root, join(logDir, `${computeAppSegmentName(job.app)}.log`)), error: null, reason: reasonFor(job.app),
      })),
    };
    // The skip: a version already in the store is never built again; the job is recorded
    // CACHED with the version it reuses.
    const published = await readPublished(root, config, run.jobs, options);
    run.jobs.forEach((job, i) => published[i] && Object.assign(job, { status: 'CACHED', logFile: null }));
    // An app nothing builds fails at once, saying why; the other apps build.
    for (const job of run.jobs) {
      const why = unbuildable.get(job.app);
      if (why && job.status === 'QUEUED') Object.assign(job, { status: 'FAILED', logFile: null, error: why });
    }
    // A resumed job that still has to build goes on where the interrupted one stopped.
    for (const job of run.jobs) {
      const earlier = resumed?.jobs.find((j) => j.app === job.app && j.version === job.version && (j.status === 'STOPPED' || j.status === 'QUEUED' || j.status === 'IN_PROGRESS'));
      if (job.status === 'QUEUED' && earlier) Object.assign(job, { attempt: earlier.attempt ?? 1, retries: earlier.retries, phases: earlier.phases });
    }
    const reportFile = options.dryRun || options.report === false ? null : resolveReportFile(root, config.cacheDir, runId);
    options.onPlan?.(plan, run, affected, reportFile);
    if (options.dryRun) return { run, plan, affected, warnings, report: null };

    const buildEnv = options.buildEnv ?? resolveBuildEnvironment(config.build.env, options.env ?? process.env);
    // Whatever runs the jobs, what they print is masked before it is stored, shown or served.
    const executor = maskExecutor(
      options.executorInstance ??
        (await openExecutor({ name: options.executor, root, cacheDir: config.cacheDir, buildspec, ...(recipe.kind === 'own' ? { buildspecOverride: recipe.text } : {}), inPlace: options.uncommitted, codebuild: config.codebuild, passEnv: buildEnv.pass, tesseraBin: findOwnBin() ?? undefined })),
      createSecretMasker(buildEnv.secrets),
    );
    // Console links name the region the executor's SDK resolved (a profile's, say), not a guess from the environment.
    const report: LiveReport | null =
      reportFile === null
        ? null
        : createLiveReport(
            createReportWriter({
              root, file: reportFile, prices: config.codebuild.pricePerMinute, region: executor.region ?? config.codebuild.region, history: store.readBuildHistory(selected, { before: run }),
            }),
          );
    // nx.json `parallel` says how many tasks this machine runs at once: the local executor's default too.
    const fromNx = options.executor === 'local' && typeof nxParallel === 'number' && Number.isInteger(nxParallel) && nxParallel >= 1 ? nxParallel : undefined;
    const concurrency = options.concurrency ?? fromNx ?? executor.defaultConcurrency;
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
    // Jobs publish from their own worktree (the buildspec's post_build): tell them which store
    // (a job inherits no environment; credentials are the user's to pass by name, build.env.pass).
    const storeUrl = resolveStoreUrl(root, options.storeUrl ?? config.store.url);
    // An S3 store's endpoint and region settings from the environment go along too (none of them is a secret).
    // This process's S3 client resolves them from process.env (the SDK's own chain); options.env is the command's.
    const source = { ...process.env, ...options.env };
    const s3Settings = storeUrl.startsWith('s3://') ? Object.fromEntries(S3_JOB_SETTINGS.filter((name) => source[name]).map((name) => [name, source[name]!])) : {};
    const storeEnv = { TESSERA_STORE: storeUrl, ...s3Settings };
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
          // A retry is saved at once: the attempt number it stores is what a resumed run asks CodeBuild for.
          save(event.type === 'job-end' || event.type === 'run-end' || event.type === 'retry');
          report?.update(r);
          options.onEvent?.(r, event);
        },
        onLog(app, line) {
          let stream = logs.get(app);
          if (!stream) logs.set(app, (stream = createWriteStream(join(logDir, `${computeAppSegmentName(app)}.log`), { flags: 'a' })));
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
