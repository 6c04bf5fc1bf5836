import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from './run-build.js';
import { TesseraError } from '../errors/tessera-error.js';
import { UNTRUSTED_TRIGGER_SUFFIX, type JobRecord } from '../records/run-record.js';
import type { ResolvedConfig } from '../workspace/config.js';
import type { PipelineContext, PipelineStage } from './pipeline-stage.js';
import { createReleaseStage } from './release-stage.js';
import type { CancelWork } from '../webhook/plan-delivery.js';
import { checkoutCommit, fetchSourceTolerant, hasCommit, isRootCommit } from '../webhook/source-clone.js';
import { computeCommitState } from '../webhook/status-reporter.js';

export type { PipelineContext, PipelineStage } from './pipeline-stage.js';

/** fetch: bring the clone up to date, retrying with backoff; each failed attempt is noted on the delivery. */
export const fetchStage: PipelineStage = {
  name: 'fetch',
  async run(ctx) {
    await fetchSourceTolerant({
      cloneDir: ctx.cloneDir, extraRefs: ctx.work.extraRefs, attempts: ctx.fetchAttempts, backoffMs: ctx.fetchBackoffMs, signal: ctx.signal,
      onRetry: (attempt, error, delay) => ctx.note(`fetch attempt ${attempt}/${ctx.fetchAttempts} failed, retrying in ${delay} ms: ${error.message}`),
    });
  },
};

/**
 * range: what to compare. A push compares with `before` when the clone has it; a new branch,
 * a forced push, a `before` the clone lacks and a pull request compare with the merge-base
 * of the (base or default) branch. A new or forced default branch compares with its parent;
 * a root commit (a repository's first push, or a branch forced back to it) builds every app.
 */
export const rangeStage: PipelineStage = {
  name: 'range',
  async run(ctx) {
    const { work, cloneDir } = ctx;
    if (!(await hasCommit(cloneDir, work.head))) {
      throw new TesseraError('TESSERA_WEBHOOK_COMMIT_NOT_FOUND', `Commit ${work.head} of delivery ${ctx.deliveryId} (${work.ref}) is not in the clone ${cloneDir} after fetching`);
    }
    let base: string | null;
    if (work.base.kind === 'commit' && (await hasCommit(cloneDir, work.base.sha))) base = work.base.sha;
    else {
      const branch = work.base.kind === 'commit' ? work.base.fallbackBranch : work.base.branch;
      if (work.base.kind === 'commit') ctx.note(`before ${work.base.sha.slice(0, 12)} is not in the clone (force-pushed away?): comparing with the merge-base of ${branch}`);
      base = `refs/remotes/origin/${branch}`;
      if (work.defaultBranch || !(await hasCommit(cloneDir, base))) {
        base = `${work.head}~1`;
        if (!(await hasCommit(cloneDir, base))) {
          if (!(await isRootCommit(cloneDir, work.head))) throw new TesseraError('TESSERA_WEBHOOK_COMMIT_NOT_FOUND', `Neither origin/${branch} nor a parent of ${work.head} is in the clone ${cloneDir}: nothing to compare with`);
          base = null;
        }
      }
    }
    ctx.range = { base, head: work.head };
    ctx.note(base ? `comparing ${base} .. ${work.head}` : `${work.head.slice(0, 12)} is a root commit with nothing before it: building every app`);
  },
};

/** checkout: the clone's working tree at the head commit, so buildspec.yml and tessera.config.json are the pushed ones. */
export const checkoutStage: PipelineStage = {
  name: 'checkout',
  run: (ctx) => checkoutCommit(ctx.cloneDir, ctx.work.head),
};

/** What a pull request from a fork may do beyond building: publish and preview only with `build-and-preview`. */
export function isPublishing(ctx: PipelineContext): boolean {
  return ctx.work.fork === null || ctx.forks === 'build-and-preview';
}

/** What the commit statuses of a fork's pull request add to their description, so the author sees what was withheld. */
function describeFork(ctx: PipelineContext): string {
  if (ctx.work.fork === null) return '';
  return isPublishing(ctx) ? ' (fork: built without secrets)' : ' (fork: built without secrets, not published)';
}

/**
 * build: the affected apps of the range, through the same fan-out as `tessera build --affected`.
 * A pull request from a fork builds with nothing passed from the service's environment, its
 * run is marked untrusted (its versions count as built for no one else), and unless
 * `webhook.forks` is `build-and-preview` its jobs publish to a scratch store thrown away after.
 */
export const buildStage: PipelineStage = {
  name: 'build',
  async run(ctx) {
    const { work } = ctx;
    const untrusted = work.fork !== null;
    const suffix = describeFork(ctx);
    const report = (job: JobRecord, runId: string) => {
      const state = computeCommitState(job.status);
      return ctx.statuses.report({ repo: work.repo, sha: work.head, app: job.app, runId, ...state, description: state.description + suffix });
    };
    const pending: Promise<void>[] = [];
    const scratch = isPublishing(ctx) ? null : mkdtempSync(join(tmpdir(), 'tessera-fork-store-'));
    if (untrusted) ctx.note(`pull request from ${work.fork}: built without secrets${scratch ? ', not published' : ''}`);
    try {
      ctx.build = await runBuild({
        root: ctx.cloneDir,
        affected: ctx.range!.base ? { base: ctx.range!.base, head: work.head } : null,
        executor: ctx.executor,
        concurrency: ctx.concurrency,
        trigger: untrusted ? `${work.trigger}${UNTRUSTED_TRIGGER_SUFFIX}` : work.trigger,
        signal: ctx.signal,
        runsDbPath: ctx.runsDbPath,
        resumeRunId: ctx.resumeRunId,
        storeUrl: scratch ?? ctx.storeUrl,
        buildEnv: untrusted ? ctx.untrustedBuildEnv : ctx.buildEnv,
        isPublished: async (app, version) => ctx.isVersionBuilt(app, version, untrusted) || ((await ctx.isInStore?.(app, version)) ?? false),
        onPlan(_plan, run) {
          ctx.onRun(run.id);
          ctx.note(`run ${run.id}: ${run.jobs.length ? run.jobs.map((j) => `${j.app}${j.status === 'CACHED' ? ' (cached)' : ''}`).join(', ') : 'no app affected'}`);
          for (const job of run.jobs) pending.push(report({ ...job, status: job.status === 'CACHED' ? 'CACHED' : 'QUEUED' }, run.id));
        },
        onEvent(run, event) {
          if (event.type === 'job-end') pending.push(report(run.jobs.find((j) => j.app === event.app)!, run.id));
        },
      });
      await Promise.all(pending);
    } finally {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }
  },
};

/**
 * report: a final status for every job that did not send one while building (a build
 * stopped because the delivery was superseded must not stay "pending" on GitHub).
 */
export const reportStage: PipelineStage = {
  name: 'report',
  always: true,
  async run(ctx) {
    const run = ctx.build?.run;
    if (!run) return;
    const unfinished = run.jobs.filter((j) => j.status === 'QUEUED' || j.status === 'IN_PROGRESS');
    const stopped = computeCommitState('STOPPED');
    await Promise.all(unfinished.map((j) => ctx.statuses.report({ repo: ctx.work.repo, sha: ctx.work.head, app: j.app, runId: run.id, ...stopped, description: stopped.description + describeFork(ctx) })));
  },
};

/**
 * The stages of a delivery that builds, in order. Jobs publish their bundles themselves (the
 * buildspec's post_build, to `ctx.storeUrl`); the release stage reads `ctx.build.run.jobs`,
 * `ctx.work.defaultBranch` and `ctx.work.pullRequest`.
 */
export function createBuildStages(release: ResolvedConfig['release']): readonly PipelineStage[] {
  return [fetchStage, rangeStage, checkoutStage, buildStage, createReleaseStage(release), reportStage];
}

/**
 * What a deleted branch or a closed pull request does beyond superseding its open work
 * (which the queue does when the delivery is received). A closed pull request's previews
 * are removed by the unpreview stage that processDelivery adds.
 */
export const CANCEL_STAGES: readonly ((work: CancelWork, note: (text: string) => void) => Promise<void>)[] = [
  async (work, note) => note(`${work.reason}: its queued and running work was superseded; nothing to build`),
];

/** Runs the stages in order; after an abort only `always` stages run. Returns the run's outcome. */
export async function runPipeline(ctx: PipelineContext, stages: readonly PipelineStage[]): Promise<{ runStatus: string | null }> {
  let failure: unknown = null;
  for (const stage of stages) {
    if ((failure !== null || ctx.signal.aborted) && !stage.always) continue;
    try {
      await ctx.beforeStage?.();
      await stage.run(ctx);
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== null) throw failure;
  return { runStatus: ctx.build?.run.status ?? null };
}
