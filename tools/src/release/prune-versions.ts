import { readUnfinishedUploads, readVersions } from '../store/read-versions.js';
import { removeUnfinishedUpload, removeVersion, type UnfinishedRemoval } from '../store/remove-version.js';
import type { Store } from '../store/store.js';
import { comparePruneDecisions, planPrune, type PruneDecision, type PrunePlan, type PublishedVersion, type UnfinishedVersion } from './plan-prune.js';
import type { ReleaseManifest } from './release-manifest.js';
import { readRelease } from './update-release.js';

/** What {@link pruneVersions} works on. */
export interface PruneVersionsOptions {
  store: Store;
  /** The workspace's apps: only their versions and unfinished uploads are looked at. */
  apps: readonly string[];
  /** How long a version stays after it stopped being live (or was published, never released), in ms. */
  retentionMs: number;
  /** Plan only: list what would be deleted, delete nothing. @default false */
  dryRun?: boolean;
  /** The clock ages are measured with. @default Date.now */
  now?: () => number;
}

/**
 * What {@link pruneVersions} did: `remove` holds what was deleted (on a dry run, what would
 * be), `keep` what stays, each with its reason, both sorted by app then version. An unfinished
 * upload that changed between the plan and its delete is in `keep`, saying why.
 */
export type PruneVersionsResult = PrunePlan;

/** Why an unfinished upload planned for deletion was kept after all, by what its re-listing found. */
const KEPT_AT_LAST_MOMENT: Record<Exclude<UnfinishedRemoval, 'removed'>, string> = {
  committed: 'committed by a publish meanwhile',
  active: 'written to meanwhile: a publish is under way',
};

/**
 * `tessera release prune`: reads every app's release manifest, published versions and
 * unfinished uploads, plans with {@link planPrune}, and deletes what the plan removes. The plan
 * comes from a listing that may be stale by the time its turn comes — a retried publish may have
 * committed an unfinished upload, or be writing to it — so each unfinished upload is listed
 * again right before its delete (removeUnfinishedUpload) and kept when a manifest appeared or its
 * files changed; that re-check never deletes a manifest. A published version the plan removes
 * goes manifest first (removeVersion), so a crash half-way leaves an unfinished upload, never a
 * manifest pointing at missing files.
 */
export async function pruneVersions(options: PruneVersionsOptions): Promise<PruneVersionsResult> {
  const { store } = options;
  const { manifests, versions, unfinished } = await readPruneInputs(store, options.apps);
  const plan = planPrune(manifests, versions, (options.now ?? Date.now)(), options.retentionMs, unfinished);
  if (options.dryRun) return plan;
  const removed: PruneDecision[] = [];
  const kept = [...plan.keep];
  for (const d of plan.remove) {
    const upload = unfinished.find((u) => u.app === d.app && u.version === d.version);
    if (!upload) {
      await removeVersion(store, d.app, d.version);
      removed.push(d);
      continue;
    }
    const outcome = await removeUnfinishedUpload(store, d.app, d.version, upload);
    if (outcome === 'removed') removed.push(d);
    else kept.push({ ...d, reason: `${d.reason}; ${KEPT_AT_LAST_MOMENT[outcome]}` });
  }
  // A version kept at the last moment takes its place in the sorted list.
  kept.sort(comparePruneDecisions);
  return { remove: removed, keep: kept };
}

/** Everything planPrune needs, read from the store app by app. */
async function readPruneInputs(store: Store, apps: readonly string[]): Promise<{ manifests: Map<string, ReleaseManifest>; versions: PublishedVersion[]; unfinished: UnfinishedVersion[] }> {
  const manifests = new Map<string, ReleaseManifest>();
  const versions: PublishedVersion[] = [];
  const unfinished: UnfinishedVersion[] = [];
  for (const app of apps) {
    manifests.set(app, (await readRelease(store, app)).manifest);
    for (const v of await readVersions(store, app)) versions.push({ app, version: v.version, publishedAt: v.builtAt });
    for (const u of await readUnfinishedUploads(store, app)) unfinished.push({ app, version: u.version, lastWriteAt: u.lastWriteAt, files: u.files });
  }
  return { manifests, versions, unfinished };
}
