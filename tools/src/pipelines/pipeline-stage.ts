import type { ExecutorName } from '../records/run-record.js';
import type { RunBuildResult } from './run-build.js';
import type { Store } from '../store/store.js';
import type { BuildEnvironment } from '../executors/resolve-build-env.js';
import type { BuildWork, ForkPolicy } from '../webhook/plan-delivery.js';
import type { StatusReporter } from '../webhook/status-reporter.js';

/** What every stage of one delivery's pipeline shares. Stages read what earlier ones left. */
export interface PipelineContext {
  deliveryId: string;
  work: BuildWork;
  cloneDir: string;
  runsDbPath: string;
  executor: ExecutorName;
  concurrency?: number;
  fetchAttempts: number;
  fetchBackoffMs: number;
  /** Aborted when the delivery is superseded, replayed elsewhere, or the service stops. */
  signal: AbortSignal;
  statuses: StatusReporter;
  /** A note visible on the delivery (`tessera deliveries show`). */
  note(text: string): void;
  /** The run id, recorded on the delivery as soon as the plan exists. */
  onRun(runId: string): void;
  /** The run of the delivery's interrupted attempt: the build stage resumes it (`RunBuildOptions.resumeRunId`). */
  resumeRunId?: string;
  /** The same inputs never build twice: a version already built is CACHED (a fork's build counts only for forks, `includeUntrusted`). */
  isVersionBuilt(app: string, version: string, includeUntrusted?: boolean): boolean;
  /**
   * What trusted builds get and what every build's output is masked of: the service's
   * `build.env`, never the pushed commit's (whose tessera.config.json anyone can change).
   */
  buildEnv: BuildEnvironment;
  /** The same for a pull request from a fork: nothing passed. */
  untrustedBuildEnv: BuildEnvironment;
  /** What a pull request from a fork may do beyond building (`webhook.forks`). @default "build" */
  forks?: ForkPolicy;
  /** The store builds publish to (the service workspace's). */
  storeUrl?: string;
  /** True when the store already holds the version: it is CACHED too, and publishing it again is not needed. */
  isInStore?(app: string, version: string): Promise<boolean>;
  /** The service workspace's store, open for the delivery (the release stage sets previews and canaries in it). */
  store?: Store;
  /**
   * Awaited before each stage: in one process with the receiver (`--role both`) it waits
   * while requests are being answered, so a delivery's git and build processes, whose every
   * spawn stalls the event loop for a fork, start between bursts rather than during them.
   */
  beforeStage?: () => Promise<void>;
  /** Set by the range stage. */
  /** `base` null: the head is a root commit with nothing to compare with, so every app builds. */
  range?: { base: string | null; head: string };
  /** Set by the build stage. */
  build?: RunBuildResult;
}

/** One step of the pipeline. `always` stages run even after the delivery was aborted (statuses must not stay pending). */
export interface PipelineStage {
  name: string;
  always?: boolean;
  run(ctx: PipelineContext): Promise<void>;
}
