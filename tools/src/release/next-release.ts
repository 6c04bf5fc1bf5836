import { TesseraError } from '../errors/tessera-error.js';
import { computeAppSegment } from '../store/store.js';
import type { ErrorCode } from '../errors/codes.js';
import { findPreview, type HistoryEntry, type ReleaseManifest } from './release-manifest.js';

/** What a user (or the webhook service, or `release advance`) asks of an app's release. */
export type ReleaseAction =
  | { type: 'start'; version: string; weight?: number; steps?: number[]; intervalMs?: number; replace?: boolean }
  | { type: 'shift'; weight: number }
  | { type: 'promote' }
  | { type: 'abort' }
  | { type: 'rollback'; to?: string }
  | { type: 'preview'; key: string; version: string; ttlMs?: number }
  | { type: 'unpreview'; key: string }
  | { type: 'advance' };

/** What a transition may know besides the manifest: the time, the actor, and which versions exist. */
export interface ReleaseContext {
  now: number;
  actor: string;
  /** True when the app's version is published (has a manifest in the store). */
  isPublished: (version: string) => boolean;
}

/** A transition's outcome: the next manifest (unchanged when nothing was due), or why not. */
export type ReleaseResult = { ok: true; manifest: ReleaseManifest; changed: boolean } | { ok: false; error: TesseraError };

/** The canary weight a `start` without `--weight` or `--steps` begins at. */
export const DEFAULT_CANARY_WEIGHT = 10;

/** A preview key: safe in a cookie, a header and a file name (`pr-12`, `feature.login`). */
export const PREVIEW_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const iso = (ms: number) => new Date(ms).toISOString();
const isWeight = (w: number) => Number.isInteger(w) && w >= 0 && w <= 100;

/**
 * The next release manifest after `action`. Pure: the caller reads the manifest, applies
 * this, and writes the result with compare-and-swap; on a lost race it re-reads and applies
 * the same action again, so an action is valid or not against the state it finds.
 */
export function computeNextRelease(manifest: ReleaseManifest, action: ReleaseAction, ctx: ReleaseContext): ReleaseResult {
  const file = `releases/${computeAppSegment(manifest.app)}.json`;
  const at = iso(ctx.now);
  const refuse = (code: ErrorCode, message: string, key: string, hint?: string): ReleaseResult => ({
    ok: false,
    error: new TesseraError(code, `${manifest.app}: ${message}`, { hint, problems: [{ text: message, location: { file, key } }] }),
  });
  const next: ReleaseManifest = structuredClone(manifest);
  const record = (entry: Omit<HistoryEntry, 'at' | 'actor' | 'live'> & { live?: boolean }): ReleaseResult => {
    next.history.push({ at, actor: ctx.actor, ...entry, live: entry.live ?? false });
    return { ok: true, manifest: next, changed: true };
  };
  const retire = (version: string | undefined) => {
    if (version && !isStillReferenced(next, version)) next.retired[version] = at;
  };
  const unpublished = (version: string, key: string) =>
    refuse('TESSERA_VERSION_NOT_PUBLISHED', `version ${version} is not published`, key, `Publish it first (\`tessera publish --app ${manifest.app}\`), or list what is published with \`tessera versions ${manifest.app}\`.`);

  switch (action.type) {
    case 'start': {
      const steps = action.steps ?? [];
      if (steps.length && (!steps.every(isWeight) || steps.some((w, i) => i > 0 && w <= steps[i - 1]!))) return refuse('TESSERA_RELEASE_INVALID', `--steps must rise from 0 to 100; received ${steps.join(',')}`, 'candidate.steps');
      if (steps.length && !(action.intervalMs && action.intervalMs > 0)) return refuse('TESSERA_RELEASE_INVALID', '--steps needs --interval (how long each step lasts)', 'candidate.intervalMs');
      const weight = action.weight ?? steps[0] ?? DEFAULT_CANARY_WEIGHT;
      if (!isWeight(weight)) return refuse('TESSERA_RELEASE_INVALID', `the weight must be a whole number from 0 to 100; received ${weight}`, 'candidate.weight');
      if (!ctx.isPublished(action.version)) return unpublished(action.version, 'candidate.version');
      if (manifest.live?.version === action.version) return refuse('TESSERA_RELEASE_INVALID', `version ${action.version} is already live`, 'live.version');
      if (!manifest.live) {
        // Nothing to compare a canary against: the first release goes live at once.
        next.live = { version: action.version, since: at };
        delete next.retired[action.version];
        return record({ action: 'start', from: null, to: action.version, live: true, detail: 'first release: live at once' });
      }
      const replaced = manifest.candidate;
      if (replaced && !action.replace) return refuse('TESSERA_RELEASE_INVALID', `candidate ${replaced.version} is still running at ${replaced.weight}%`, 'candidate', `Promote or abort it first (\`tessera release promote|abort ${manifest.app}\`), or pass --replace.`);
      next.candidate = { version: action.version, weight, steps, intervalMs: steps.length ? action.intervalMs! : null, since: at, stepSince: at };
      delete next.retired[action.version];
      if (replaced && replaced.version !== action.version) retire(replaced.version);
      return record({ action: 'start', from: manifest.live.version, to: action.version, detail: `canary at ${weight}%${steps.length ? `, steps ${steps.join(',')} every ${action.intervalMs! / 60_000} min` : ''}${replaced ? `, replacing ${replaced.version}` : ''}` });
    }
    case 'shift': {
      if (!manifest.candidate) return refuse('TESSERA_RELEASE_INVALID', 'no candidate to shift', 'candidate', `Start one with \`tessera release start ${manifest.app} VERSION\`.`);
      if (!isWeight(action.weight)) return refuse('TESSERA_RELEASE_INVALID', `the weight must be a whole number from 0 to 100; received ${action.weight}`, 'candidate.weight');
      const from = manifest.candidate.weight;
      // A manual shift takes the canary off its automatic steps.
      next.candidate = { ...manifest.candidate, weight: action.weight, steps: [], intervalMs: null, stepSince: at };
      return record({ action: 'shift', from: manifest.candidate.version, to: manifest.candidate.version, detail: `weight ${from}% → ${action.weight}%` });
    }
    case 'promote': {
      if (!manifest.candidate) return refuse('TESSERA_RELEASE_INVALID', 'no candidate to promote', 'candidate', `Start one with \`tessera release start ${manifest.app} VERSION\`.`);
      return promote(next, manifest, at, record, retire, 'promote', `promoted from ${manifest.candidate.weight}%`);
    }
    case 'abort': {
      if (!manifest.candidate) return refuse('TESSERA_RELEASE_INVALID', 'no candidate to abort', 'candidate');
      next.candidate = null;
      retire(manifest.candidate.version);
      return record({ action: 'abort', from: manifest.candidate.version, to: manifest.live?.version ?? null, detail: `aborted at ${manifest.candidate.weight}%` });
    }
    case 'rollback': {
      if (!manifest.live) return refuse('TESSERA_RELEASE_INVALID', 'nothing is live, so there is nothing to roll back', 'live');
      const target = action.to ?? findPreviousLive(manifest);
      if (!target) return refuse('TESSERA_RELEASE_INVALID', `no earlier live version in the history of ${file}`, 'history', 'Name one with `--to VERSION`.');
      if (target === manifest.live.version) return refuse('TESSERA_RELEASE_INVALID', `version ${target} is already live`, 'live.version');
      if (!ctx.isPublished(target)) return unpublished(target, 'live.version');
      const dropped = manifest.candidate;
      next.candidate = null;
      next.live = { version: target, since: at };
      delete next.retired[target];
      retire(manifest.live.version);
      if (dropped) retire(dropped.version);
      return record({ action: 'rollback', from: manifest.live.version, to: target, live: true, detail: dropped ? `candidate ${dropped.version} dropped` : '' });
    }
    case 'preview': {
      if (!PREVIEW_KEY.test(action.key)) return refuse('TESSERA_RELEASE_INVALID', `preview key "${action.key}" must be letters, digits, ".", "_" or "-" (at most 64)`, 'previews');
      if (!ctx.isPublished(action.version)) return unpublished(action.version, `previews.${action.key}`);
      if (action.ttlMs !== undefined && !(action.ttlMs > 0)) return refuse('TESSERA_RELEASE_INVALID', `--ttl must be positive`, `previews.${action.key}`);
      const before = findPreview(manifest, action.key, ctx.now);
      next.previews[action.key] = { version: action.version, since: at, expires: action.ttlMs ? iso(ctx.now + action.ttlMs) : null };
      delete next.retired[action.version];
      if (before && before !== action.version) retire(before);
      return record({ action: 'preview', from: before, to: action.version, detail: `preview ${action.key}${action.ttlMs ? ` until ${iso(ctx.now + action.ttlMs)}` : ''}` });
    }
    case 'unpreview': {
      const before = manifest.previews[action.key];
      if (!before) return refuse('TESSERA_RELEASE_INVALID', `no preview "${action.key}"`, `previews.${action.key}`);
      delete next.previews[action.key];
      retire(before.version);
      return record({ action: 'unpreview', from: before.version, to: null, detail: `preview ${action.key} removed` });
    }
    case 'advance':
      return advance(next, manifest, ctx, at, record, retire);
  }
}

type Record_ = (entry: Omit<HistoryEntry, 'at' | 'actor' | 'live'> & { live?: boolean }) => ReleaseResult;

function promote(next: ReleaseManifest, manifest: ReleaseManifest, at: string, record: Record_, retire: (v: string | undefined) => void, action: string, detail: string): ReleaseResult {
  const candidate = manifest.candidate!;
  next.candidate = null;
  next.live = { version: candidate.version, since: at };
  retire(manifest.live?.version);
  return record({ action, from: manifest.live?.version ?? null, to: candidate.version, live: true, detail });
}

/** Moves a stepped canary whose step has lasted its interval, and drops expired previews. */
function advance(next: ReleaseManifest, manifest: ReleaseManifest, ctx: ReleaseContext, at: string, record: Record_, retire: (v: string | undefined) => void): ReleaseResult {
  let changed = false;
  for (const [key, preview] of Object.entries(manifest.previews)) {
    if (preview.expires !== null && Date.parse(preview.expires) <= ctx.now) {
      delete next.previews[key];
      retire(preview.version);
      next.history.push({ at, actor: ctx.actor, action: 'advance', from: preview.version, to: null, live: false, detail: `preview ${key} expired` });
      changed = true;
    }
  }
  const candidate = manifest.candidate;
  if (candidate && candidate.intervalMs !== null && candidate.steps.length && ctx.now - Date.parse(candidate.stepSince) >= candidate.intervalMs) {
    const nextStep = candidate.steps.find((w) => w > candidate.weight);
    if (nextStep === undefined) {
      const manifestNow = { ...manifest, candidate };
      return promote(next, manifestNow, at, record, retire, 'advance', `steps done: promoted after ${candidate.weight}%`);
    }
    next.candidate = { ...candidate, weight: nextStep, stepSince: at };
    return record({ action: 'advance', from: candidate.version, to: candidate.version, detail: `weight ${candidate.weight}% → ${nextStep}%` });
  }
  return { ok: true, manifest: changed ? next : manifest, changed };
}

/**
 * The version to roll back to: the most recent earlier live version that was never rolled
 * away from (rolling back twice must not bring the bad version back).
 */
function findPreviousLive(manifest: ReleaseManifest): string | null {
  // Walk back in time: a rollback away from a version hides that version's earlier terms as live.
  const rolledAway = new Set<string>();
  for (let i = manifest.history.length - 1; i >= 0; i--) {
    const entry = manifest.history[i]!;
    if (entry.live && entry.to && entry.to !== manifest.live?.version && !rolledAway.has(entry.to)) return entry.to;
    if (entry.action === 'rollback' && entry.from) rolledAway.add(entry.from);
  }
  return null;
}

function isStillReferenced(manifest: ReleaseManifest, version: string): boolean {
  return manifest.live?.version === version || manifest.candidate?.version === version || Object.values(manifest.previews).some((p) => p.version === version);
}
