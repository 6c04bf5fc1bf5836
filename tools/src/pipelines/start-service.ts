import type { FastifyInstance } from 'fastify';
import { isTesseraError, TesseraError } from '../errors/tessera-error.js';
import { createRunsStore, type RunsStore } from '../runs/runs-store.js';
import { buildApp } from '../webhook/build-app.js';
import { createWorker, type DeliveryOutcome, type Worker } from '../webhook/create-worker.js';
import { createDeliveriesStore, type ClaimedDelivery, type DeliveriesStore } from '../webhook/deliveries-store.js';
import { openStore } from '../store/open-store.js';
import { readStoredManifest } from '../store/publish-bundle.js';
import { CANCEL_STAGES, createBuildStages, runPipeline, type PipelineStage } from './deliver.js';
import { createUnpreviewStage } from './release-stage.js';
import { planDelivery } from '../webhook/plan-delivery.js';
import { createReceiverActivity } from '../webhook/receiver-activity.js';
import { ensureClone } from '../webhook/source-clone.js';
import { createStatusReporter, type StatusReporter } from '../webhook/status-reporter.js';
import { createReportLinks } from '../webhook/report-access.js';
import { createSecretMasker, type Masker } from '../executors/mask-secrets.js';
import type { WebhookSettings } from '../webhook/webhook-settings.js';

/** Options of {@link startService}. */
export interface StartServiceOptions {
  settings: WebhookSettings;
  /** Linked into the clone so local builds find the tool chain (the workspace's node_modules). */
  nodeModules?: string;
  /** One line per event (stderr in `tessera serve`). */
  log: (line: string) => void;
  /** The pipeline of a building delivery. @default createBuildStages(settings.release) */
  stages?: readonly PipelineStage[];
}

/** A running service. */
export interface Service {
  /** The HTTP app; null for `role: work`. */
  app: FastifyInstance | null;
  /** `http://host:port` it listens on (the real port when 0 was asked); null for `role: work`. */
  url: string | null;
  port: number | null;
  deliveries: DeliveriesStore;
  worker: Worker | null;
  /** Stops accepting, gives the current delivery back to the queue, closes the database. */
  close(): Promise<void>;
}

/** What {@link processDelivery} works with besides the delivery. */
export interface ProcessDeliveryDeps {
  settings: WebhookSettings;
  deliveries: DeliveriesStore;
  statuses: StatusReporter;
  stages?: readonly PipelineStage[];
  beforeStage?: () => Promise<void>;
  /** Masks the service's secrets in notes and errors. @default none */
  mask?: Masker;
  /** The signed link to a run's report, logged when the run starts. */
  runUrl?: (runId: string) => string;
  log?: (line: string) => void;
}

/**
 * Processes one claimed delivery: decide from the payload (again, with the current
 * settings), then run the cancel or build stages. Build failures are the run's outcome,
 * not the delivery's: the delivery is `done` when the pipeline ran to its end.
 */
export async function processDelivery(delivery: ClaimedDelivery, signal: AbortSignal, owner: string, deps: ProcessDeliveryDeps): Promise<DeliveryOutcome> {
  const { settings, deliveries } = deps;
  const mask = deps.mask ?? ((text: string) => text);
  // Notes and errors quote git and the builds (a clone URL with a token in it, a printed value): masked before they are stored.
  const note = (text: string) => deliveries.addNote(delivery.id, mask(text));
  if (delivery.attempts > 1) note(`attempt ${delivery.attempts}: resuming after an interrupted attempt${delivery.runId ? ` (run ${delivery.runId})` : ''}`);
  const work = planDelivery(delivery.event, JSON.parse(delivery.payload), { tags: settings.tags, forks: settings.forks });
  if (work.kind === 'ignore') {
    note(`ignored: ${work.reason}`);
    return { state: 'done' };
  }
  const store = await openStore(settings.root, settings.store, settings.storeUrl);
  try {
    if (work.kind === 'cancel') {
      for (const stage of [...CANCEL_STAGES, createUnpreviewStage(store)]) await stage(work, note);
      return { state: 'done' };
    }
    const { runStatus } = await runPipeline({
      deliveryId: delivery.id, work, cloneDir: settings.cloneDir, runsDbPath: settings.database, executor: settings.executor, concurrency: settings.concurrency,
      fetchAttempts: settings.fetchAttempts, fetchBackoffMs: settings.fetchBackoffMs, signal, statuses: deps.statuses, note,
      onRun: (runId) => {
        deliveries.setRunId(delivery.id, owner, runId);
        // The link to hand out: it carries the credential the report is read with.
        if (deps.runUrl) deps.log?.(`${delivery.id}: run ${runId}: ${deps.runUrl(runId)}`);
      },
      ...(delivery.runId ? { resumeRunId: delivery.runId } : {}),
      isVersionBuilt: (app, version, includeUntrusted) => deliveries.isVersionBuilt(app, version, includeUntrusted),
      buildEnv: settings.buildEnv,
      untrustedBuildEnv: settings.untrustedBuildEnv,
      forks: settings.forks,
      storeUrl: settings.storeUrl,
      isInStore: async (app, version) => (await readStoredManifest(store, app, version)) !== null,
      store,
      beforeStage: deps.beforeStage,
    }, deps.stages ?? createBuildStages(settings.release));
    if (runStatus) note(`run ${runStatus}`);
    return { state: 'done' };
  } catch (error) {
    const text = mask(isTesseraError(error) ? `${error.code}: ${error.message}` : (error as Error).message);
    note(`failed: ${text}`);
    return { state: 'failed', error: text };
  } finally {
    await store.close();
  }
}

/**
 * `tessera serve` as a function: opens the queue, makes the clone, listens, and starts the
 * worker (`role` both, the default; `receive` only listens, `work` only works: a receiver
 * whose event loop never waits for a pipeline, and workers in other processes). The worker starts after `listen`, so deliveries left by a previous process (queued,
 * or running under a dead worker's lease) are resumed as soon as the service is up.
 */
export async function startService(options: StartServiceOptions): Promise<Service> {
  const { settings } = options;
  // The service's log quotes git and builds too: its secrets never show there either.
  const mask = createSecretMasker(settings.buildEnv.secrets);
  const log = (line: string) => options.log(mask(line));
  const links = createReportLinks({ key: settings.reportKey, ttlMs: settings.reportLinkTtlMs });
  // One link per run, signed once: the log line and every commit status of a run quote the same
  // URL (signed apart, they could differ in their expiry second). The newest runs' links are kept.
  const runLinks = new Map<string, string>();
  const runUrl = (runId: string) => {
    let url = runLinks.get(runId);
    if (url === undefined) {
      url = links.url(settings.publicUrl, runId);
      runLinks.set(runId, url);
      if (runLinks.size > 1000) runLinks.delete(runLinks.keys().next().value!);
    }
    return url;
  };
  // The receiver's commits leave WAL checkpoints to a thread (see createWalCheckpointer).
  const deliveries = createDeliveriesStore(settings.database, { busyTimeoutMs: settings.busyTimeoutMs, checkpointInBackground: settings.role !== 'work' });
  let runs: RunsStore | null = null;
  let app: FastifyInstance | null = null;
  try {
    runs = createRunsStore(settings.database, { busyTimeoutMs: settings.busyTimeoutMs });
    const working = settings.role !== 'receive';
    if (working) await ensureClone(settings.source, settings.cloneDir, options.nodeModules);
    const statuses = createStatusReporter({ token: settings.githubToken, apiUrl: settings.githubApiUrl, runUrl, warn: log });
    // One event loop for both: the worker starts deliveries between bursts of requests.
    const activity = settings.role === 'both' ? createReceiverActivity() : undefined;
    const worker = !working ? null : createWorker({
      deliveries, leaseMs: settings.leaseMs, maxAttempts: settings.maxAttempts, pollMs: settings.pollMs, log, beforeClaim: activity?.whenQuiet,
      process: (delivery, signal, owner) => processDelivery(delivery, signal, owner, { settings, deliveries, statuses, stages: options.stages, beforeStage: activity?.whenQuiet, mask, runUrl, log }),
    });
    let port: number | null = null;
    if (settings.role !== 'work') {
      app = await buildApp({
        reportsDir: settings.reportsDir, secret: settings.secret, maxBodyBytes: settings.maxBodyBytes, deliveries, runs, planOptions: { tags: settings.tags, forks: settings.forks },
        onQueued: (superseded) => worker?.wake(superseded > 0), activity, links, readToken: settings.readToken,
      });
      try {
        await app.listen({ port: settings.port, host: settings.host });
      } catch (error) {
        throw new TesseraError('TESSERA_WEBHOOK_LISTEN_FAILED', `Cannot listen on ${settings.host}:${settings.port}: ${(error as Error).message}`, { cause: error });
      }
      const address = app.server.address();
      port = typeof address === 'object' && address ? address.port : settings.port;
    }
    worker?.start();
    const opened = { app, runs };
    let closed = false;
    return {
      app, url: port === null ? null : `http://${settings.host}:${port}`, port, deliveries, worker,
      async close() {
        if (closed) return;
        closed = true;
        await opened.app?.close();
        await worker?.stop();
        opened.runs.close();
        deliveries.close();
      },
    };
  } catch (error) {
    await app?.close();
    runs?.close();
    deliveries.close();
    throw error;
  }
}
