import type { Store } from '../store/store.js';
import type { ReleaseManifest } from './release-manifest.js';
import { readRelease, updateRelease } from './update-release.js';

/** A stepped canary about to move on: what a health check is asked about. */
export interface CanaryProbe {
  app: string;
  version: string;
  /** Its weight now, before the step. */
  weight: number;
}

/**
 * A health check's answer. When unhealthy, `reason` is said in the outcome ("the health command
 * exited 1") and `note` is appended to the actor in the history entry of the abort
 * ("health command failed: exit 1"), so the manifest records why a canary was stopped.
 */
export type HealthVerdict = { healthy: true } | { healthy: false; reason: string; note: string };

/** Asked before a stepped canary moves on; an unhealthy answer aborts the canary instead. */
export type HealthCheck = (probe: CanaryProbe) => Promise<HealthVerdict>;

/** What {@link advanceReleases} works on. */
export interface AdvanceReleasesOptions {
  store: Store;
  /** The apps to advance, in the order their outcomes are listed. */
  apps: readonly string[];
  /** Who is recorded in the history. */
  actor: string;
  /** Gates every stepped canary (manual canaries and previews are not asked). @default none: every due step is taken */
  checkHealth?: HealthCheck;
  /** The clock steps and preview expiry are measured with. @default Date.now */
  now?: () => number;
}

/** One app whose release changed: advanced (a step, a promotion, expired previews), or aborted by its health check. */
export type AdvanceOutcome =
  | { app: string; type: 'advanced'; manifest: ReleaseManifest }
  | { app: string; type: 'aborted'; version: string; reason: string; manifest: ReleaseManifest };

/** The apps whose release changed; an app where nothing was due is absent. */
export type AdvanceReleasesResult = AdvanceOutcome[];

/**
 * `tessera release advance`: applies `advance` to every app (stepped canaries whose interval
 * passed move to their next weight or are promoted; expired previews go). With a health check,
 * each stepped canary is checked first and aborted when unhealthy, so a bad version stops
 * spreading before the next step rather than after it. Each write is one updateRelease, so a
 * concurrent release of the same app is re-read, never overwritten.
 */
export async function advanceReleases(options: AdvanceReleasesOptions): Promise<AdvanceReleasesResult> {
  const { store, actor, checkHealth } = options;
  const clock = options.now ? { now: options.now } : {};
  const outcomes: AdvanceOutcome[] = [];
  for (const app of options.apps) {
    if (checkHealth) {
      const { manifest } = await readRelease(store, app);
      const candidate = manifest.candidate;
      if (candidate?.steps.length) {
        const verdict = await checkHealth({ app, version: candidate.version, weight: candidate.weight });
        if (!verdict.healthy) {
          const result = await updateRelease(store, app, { type: 'abort' }, { actor: `${actor} (${verdict.note})`, ...clock });
          outcomes.push({ app, type: 'aborted', version: candidate.version, reason: verdict.reason, manifest: result.manifest });
          continue;
        }
      }
    }
    const result = await updateRelease(store, app, { type: 'advance' }, { actor, ...clock });
    if (result.changed) outcomes.push({ app, type: 'advanced', manifest: result.manifest });
  }
  return outcomes;
}
