import { listReferencedVersions, type ReleaseManifest } from './release-manifest.js';

/** A published version as the store lists it. */
export interface PublishedVersion {
  app: string;
  version: string;
  /** ISO time the version's manifest was written. */
  publishedAt: string;
}

/** Files of a version whose manifest was never written, as the store lists them. */
export interface UnfinishedVersion {
  app: string;
  version: string;
  /** When its newest file was written, in ms since the epoch. */
  lastWriteAt: number;
  /** How many files it had. */
  files: number;
}

/**
 * An upload that has written nothing for this long was abandoned (a publish writes its files
 * back to back, then the manifest); younger ones may still be under way and are left alone.
 */
export const UNFINISHED_UPLOAD_GRACE_MS = 60 * 60 * 1000;

/** One verdict of the pruning plan, with the rule that decided it. */
export interface PruneDecision {
  app: string;
  version: string;
  reason: string;
}

/** What `tessera release prune` deletes and what it keeps. */
export interface PrunePlan {
  remove: PruneDecision[];
  keep: PruneDecision[];
}

/** The order of a plan's lists: by app, then version. */
export const comparePruneDecisions = (a: PruneDecision, b: PruneDecision): number => a.app.localeCompare(b.app) || a.version.localeCompare(b.version);

/** Versions stay servable this long after they stop being live. @default 24 hours */
export const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Which versions may be deleted. Pure. A version is kept while the app's manifest points at it
 * (live, candidate, unexpired preview) and for `retentionMs` after it stopped being live —
 * browsers that loaded its shell still ask for its assets. A version that was never released
 * is kept for the window after it was published, so a fresh build is not pruned before it
 * can be started. An unfinished upload (files, no manifest: not a version) is removed once it
 * has been idle for UNFINISHED_UPLOAD_GRACE_MS.
 */
export function planPrune(manifests: ReadonlyMap<string, ReleaseManifest>, versions: readonly PublishedVersion[], now: number, retentionMs: number, unfinished: readonly UnfinishedVersion[] = []): PrunePlan {
  const plan: PrunePlan = { remove: [], keep: [] };
  const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
  for (const v of versions) {
    const manifest = manifests.get(v.app);
    const referenced = manifest ? listReferencedVersions(manifest, now) : new Set<string>();
    const decide = (keep: boolean, reason: string) => (keep ? plan.keep : plan.remove).push({ app: v.app, version: v.version, reason });
    if (referenced.has(v.version)) {
      const role = manifest!.live?.version === v.version ? 'live' : manifest!.candidate?.version === v.version ? 'candidate' : 'previewed';
      decide(true, role);
      continue;
    }
    const retired = manifest?.retired[v.version];
    const since = retired ?? v.publishedAt;
    const age = now - Date.parse(since);
    const what = retired ? 'stopped being live' : 'published, never released,';
    if (!(age >= retentionMs)) decide(true, `${what} ${hours(Math.max(age, 0))} ago, inside the ${hours(retentionMs)} retention window`);
    else decide(false, `${what} ${hours(age)} ago`);
  }
  for (const u of unfinished) {
    const idle = now - u.lastWriteAt;
    const reason = `unfinished upload (no manifest), last written ${hours(Math.max(idle, 0))} ago`;
    if (idle >= UNFINISHED_UPLOAD_GRACE_MS) plan.remove.push({ app: u.app, version: u.version, reason });
    else plan.keep.push({ app: u.app, version: u.version, reason: `${reason}: may still be under way` });
  }
  plan.remove.sort(comparePruneDecisions);
  plan.keep.sort(comparePruneDecisions);
  return plan;
}
