import { isTesseraError } from '../errors/tessera-error.js';
import type { ReleaseAction } from '../release/next-release.js';
import { parseDuration } from '../release/parse-duration.js';
import { readRelease, updateRelease } from '../release/update-release.js';
import type { Store } from '../store/store.js';
import type { ResolvedConfig } from '../workspace/config.js';
import type { PipelineContext, PipelineStage } from './pipeline-stage.js';
import type { CancelWork } from '../webhook/plan-delivery.js';

const ACTOR = 'tessera serve';

/** Versions the run left in the store: built now, or reused from an earlier build. */
function releasedVersions(ctx: PipelineContext): Array<{ app: string; version: string }> {
  return (ctx.build?.run.jobs ?? []).filter((j) => j.status === 'SUCCEEDED' || j.status === 'CACHED').map((j) => ({ app: j.app, version: j.version }));
}

/**
 * The release stage: a pull request's apps get the preview `pr-<number>` (for
 * `release.previewTtl`); a push to the default branch starts each new version as a canary
 * when `release.canary` is configured (an app's first version goes live at once). A version
 * that cannot be released (not in the store, a conflicting release) is noted on the delivery;
 * it does not fail the builds that made it.
 */
export function createReleaseStage(release: ResolvedConfig['release']): PipelineStage {
  return {
    name: 'release',
    async run(ctx) {
      const { work, store } = ctx;
      const versions = releasedVersions(ctx);
      if (!store || !versions.length || (work.pullRequest === null && !(work.defaultBranch && release.canary))) return;
      // A fork's pull request is previewed only with webhook.forks "build-and-preview" (its versions were not published otherwise).
      if (work.fork !== null && ctx.forks !== 'build-and-preview') return ctx.note(`release: none for a pull request from ${work.fork} (webhook.forks is "${ctx.forks ?? 'build'}")`);
      for (const { app, version } of versions) {
        try {
          const action = await chooseAction(store, app, version, work.pullRequest, release);
          if (!action) continue;
          const result = await updateRelease(store, app, action, { actor: `${ACTOR} (delivery ${ctx.deliveryId})` });
          const last = result.manifest.history.at(-1);
          ctx.note(result.changed && last ? `release ${app}: ${last.action} ${last.to ?? ''}${last.detail ? ` (${last.detail})` : ''}` : `release ${app}: ${version} already released`);
        } catch (error) {
          ctx.note(`release ${app}: not released: ${isTesseraError(error) ? `${error.code}: ${error.message}` : (error as Error).message}`);
        }
      }
    },
  };
}

async function chooseAction(store: Store, app: string, version: string, pullRequest: number | null, release: ResolvedConfig['release']): Promise<ReleaseAction | null> {
  if (pullRequest !== null) return { type: 'preview', key: `pr-${pullRequest}`, version, ttlMs: parseDuration(release.previewTtl) ?? undefined };
  const { manifest } = await readRelease(store, app);
  // A cached build of what is already live or already the candidate changes nothing.
  if (manifest.live?.version === version || manifest.candidate?.version === version) return null;
  const canary = release.canary ?? {};
  return { type: 'start', version, weight: canary.weight, steps: canary.steps ? [...canary.steps] : undefined, intervalMs: canary.interval ? (parseDuration(canary.interval) ?? undefined) : undefined, replace: true };
}

/** For a closed pull request: removes its `pr-<number>` preview from every released app that has one. */
export function createUnpreviewStage(store: Store) {
  return async (work: CancelWork, note: (text: string) => void): Promise<void> => {
    if (work.pullRequest === null) return;
    const key = `pr-${work.pullRequest}`;
    for (const object of await store.listObjects('releases/')) {
      const segment = /^releases\/([^/]+)\.json$/.exec(object.key)?.[1];
      if (!segment) continue;
      // The key holds the app's store segment (`@acme+web`); the manifest its name.
      const { manifest } = await readRelease(store, segment);
      const app = manifest.app;
      if (!manifest.previews[key]) continue;
      await updateRelease(store, app, { type: 'unpreview', key }, { actor: ACTOR });
      note(`release ${app}: preview ${key} removed`);
    }
  };
}
