import type { Problem } from '../errors/tessera-error.js';

/** The version every visitor gets unless a candidate or a preview says otherwise. */
export interface LiveSlot {
  version: string;
  /** ISO time it became live. */
  since: string;
}

/** A version taking a share of traffic next to the live one (the green slot). */
export interface CandidateSlot {
  version: string;
  /** Percent of visitors (0–100) who get the candidate. */
  weight: number;
  /** Weights `release advance` walks through, in order; empty for a manually shifted canary. */
  steps: number[];
  /** How long each step lasts before `release advance` moves on, in ms; null without steps. */
  intervalMs: number | null;
  /** ISO time the candidate started. */
  since: string;
  /** ISO time its weight last changed (the current step started). */
  stepSince: string;
}

/** A version served to requests that ask for it by key (a pull request's preview). */
export interface Preview {
  version: string;
  since: string;
  /** ISO time after which the edge stops serving it and `release advance` removes it; null = never. */
  expires: string | null;
}

/** One change to a manifest, kept for ever: who did what, when, from which version to which. */
export interface HistoryEntry {
  at: string;
  action: string;
  actor: string;
  from: string | null;
  to: string | null;
  /** True when this change made `to` the live version (first release, promote, rollback). */
  live: boolean;
  detail: string;
}

/**
 * An app's release state (`releases/<app>.json` in the store). Changed only through
 * `computeNextRelease` and written with compare-and-swap.
 */
export interface ReleaseManifest {
  schemaVersion: 1;
  app: string;
  live: LiveSlot | null;
  candidate: CandidateSlot | null;
  previews: Record<string, Preview>;
  /** Version → ISO time it stopped being live or candidate: the start of its retention window. */
  retired: Record<string, string>;
  history: HistoryEntry[];
}

/** The manifest of an app that has never been released. */
export function createEmptyRelease(app: string): ReleaseManifest {
  return { schemaVersion: 1, app, live: null, candidate: null, previews: {}, retired: {}, history: [] };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIso = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isVersion = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Checks a parsed manifest's shape. Pure: every problem at once, each located by key, so a
 * corrupt manifest is reported rather than half-trusted.
 */
export function validateReleaseManifest(json: unknown, file: string): { manifest: ReleaseManifest | null; errors: Problem[] } {
  const errors: Problem[] = [];
  const fail = (key: string, text: string) => errors.push({ text: `${key} ${text}`, location: { file, key } });
  if (!isObject(json)) return { manifest: null, errors: [{ text: 'the manifest is not a JSON object', location: { file } }] };
  if (json.schemaVersion !== 1) fail('schemaVersion', `must be 1; found ${JSON.stringify(json.schemaVersion)}`);
  if (typeof json.app !== 'string' || !json.app) fail('app', 'must be the app name');
  if (json.live !== null) {
    if (!isObject(json.live) || !isVersion(json.live.version) || !isIso(json.live.since)) fail('live', 'must be null or { version, since }');
  }
  if (json.candidate !== null) {
    const c = json.candidate;
    if (!isObject(c) || !isVersion(c.version) || !isIso(c.since) || !isIso(c.stepSince)) fail('candidate', 'must be null or { version, weight, steps, intervalMs, since, stepSince }');
    else {
      if (typeof c.weight !== 'number' || !Number.isInteger(c.weight) || c.weight < 0 || c.weight > 100) fail('candidate.weight', 'must be a whole number from 0 to 100');
      if (!Array.isArray(c.steps) || c.steps.some((s) => typeof s !== 'number')) fail('candidate.steps', 'must be an array of weights');
      if (c.intervalMs !== null && (typeof c.intervalMs !== 'number' || c.intervalMs <= 0)) fail('candidate.intervalMs', 'must be null or a positive number');
    }
  }
  if (!isObject(json.previews)) fail('previews', 'must be an object');
  else for (const [key, p] of Object.entries(json.previews)) {
    if (!isObject(p) || !isVersion(p.version) || !isIso(p.since) || (p.expires !== null && !isIso(p.expires))) fail(`previews.${key}`, 'must be { version, since, expires }');
  }
  if (!isObject(json.retired) || Object.values(json.retired).some((t) => !isIso(t))) fail('retired', 'must map versions to ISO times');
  if (!Array.isArray(json.history)) fail('history', 'must be an array');
  return errors.length ? { manifest: null, errors } : { manifest: json as unknown as ReleaseManifest, errors };
}

/** The version a preview key serves at `now`, or null when the key is unknown or expired. */
export function findPreview(manifest: ReleaseManifest, key: string, now: number): string | null {
  const preview = manifest.previews[key];
  if (!preview || (preview.expires !== null && Date.parse(preview.expires) <= now)) return null;
  return preview.version;
}

/** Versions the manifest still points at: live, candidate and unexpired previews. */
export function listReferencedVersions(manifest: ReleaseManifest, now: number): Set<string> {
  const versions = new Set<string>();
  if (manifest.live) versions.add(manifest.live.version);
  if (manifest.candidate) versions.add(manifest.candidate.version);
  for (const key of Object.keys(manifest.previews)) {
    const version = findPreview(manifest, key, now);
    if (version) versions.add(version);
  }
  return versions;
}
