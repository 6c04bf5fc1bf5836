import { findPreview, type ReleaseManifest } from '../release/release-manifest.js';

/** Which slot of the release answered a request. */
export type Slot = 'live' | 'candidate' | 'preview';

/** The version one request gets, and why. */
export interface VersionChoice {
  version: string;
  slot: Slot;
}

/** Buckets per app: weights are whole percents, so 10,000 buckets leave room for finer ones later. */
export const BUCKETS = 10_000;

/**
 * A visitor's bucket for one canary, 0–9,999: a hash of the visitor id salted with the app and
 * the candidate's version. The candidate takes buckets below weight × 100, so raising the
 * weight from 10 to 50 moves exactly the visitors in buckets 1,000–4,999 and nobody else; the
 * salt makes each new canary fall on a different slice of visitors.
 */
export function computeBucket(visitorId: string, app: string, candidateVersion: string): number {
  // FNV-1a (32 bit) with a murmur3 finaliser: no allocation on the hot path, and every
  // input bit reaches the low bits the modulo keeps.
  let h = 0x811c9dc5;
  const text = `${app}\0${candidateVersion}\0${visitorId}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) % BUCKETS;
}

/**
 * The version to serve. Pure. A preview asked for by key wins while it exists and has not
 * expired; otherwise the candidate for visitors whose bucket falls under its weight; otherwise
 * the live version. Null when the app has nothing to serve.
 */
export function chooseVersion(manifest: ReleaseManifest, request: { visitorId: string; previewKey: string | null; now: number }): VersionChoice | null {
  if (request.previewKey) {
    const version = findPreview(manifest, request.previewKey, request.now);
    if (version) return { version, slot: 'preview' };
  }
  const candidate = manifest.candidate;
  if (candidate && candidate.weight > 0 && computeBucket(request.visitorId, manifest.app, candidate.version) < candidate.weight * (BUCKETS / 100)) {
    return { version: candidate.version, slot: 'candidate' };
  }
  if (manifest.live) return { version: manifest.live.version, slot: 'live' };
  return candidate ? { version: candidate.version, slot: 'candidate' } : null;
}

const PREVIEW_VALUE = /^([A-Za-z0-9][A-Za-z0-9._-]{0,127})@([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

/**
 * The preview key a request asks for, for one app: `x-tessera-preview: app@key` (several may be
 * comma-separated), else the `tessera-preview` cookie in the same form. Anything malformed is
 * ignored, so the request gets the default choice.
 */
export function readPreviewKey(app: string, header: string | undefined, cookie: string | undefined): string | null {
  for (const source of [header, cookie]) {
    if (!source) continue;
    for (const part of source.split(',')) {
      const match = PREVIEW_VALUE.exec(part.trim());
      if (match && match[1] === app) return match[2]!;
    }
  }
  return null;
}

/** Parses a Cookie header into name → value (first wins), tolerating junk. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

const VISITOR_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** The visitor id from the `tessera-visitor` cookie, or null when absent or malformed (a new one is issued). */
export function readVisitorId(cookies: Map<string, string>): string | null {
  const id = cookies.get('tessera-visitor');
  return id && VISITOR_ID.test(id) ? id : null;
}
