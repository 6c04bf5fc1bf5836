import { describe, expect, it } from 'vitest';
import { chooseVersion, computeBucket, parseCookies, readPreviewKey, readVisitorId } from '../../../tools/src/edge/choose-version.js';
import { computeRoutes, matchRoute, resolveBundlePath } from '../../../tools/src/edge/resolve-route.js';
import { createEmptyRelease, type ReleaseManifest } from '../../../tools/src/release/release-manifest.js';

const now = Date.parse('2026-11-01T00:00:00Z');
function manifest(weight: number): ReleaseManifest {
  return {
    ...createEmptyRelease('web'),
    live: { version: 'v1', since: '2026-10-01T00:00:00Z' },
    candidate: { version: 'v2', weight, steps: [], intervalMs: null, since: '2026-10-31T00:00:00Z', stepSince: '2026-10-31T00:00:00Z' },
    previews: { 'pr-12': { version: 'v3', since: '2026-10-31T00:00:00Z', expires: '2026-11-02T00:00:00Z' }, old: { version: 'v0', since: '2026-10-01T00:00:00Z', expires: '2026-10-02T00:00:00Z' } },
  };
}

describe('chooseVersion', () => {
  it('raising the weight moves only visitors who must move', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `visitor-${i}`);
    const at10 = ids.map((id) => chooseVersion(manifest(10), { visitorId: id, previewKey: null, now })!.version);
    const at50 = ids.map((id) => chooseVersion(manifest(50), { visitorId: id, previewKey: null, now })!.version);
    // Everyone on the candidate at 10% stays on it at 50%; only live visitors move.
    ids.forEach((_, i) => { if (at10[i] === 'v2') expect(at50[i]).toBe('v2'); });
    const moved = ids.filter((_, i) => at10[i] !== at50[i]).length;
    expect(moved).toBeGreaterThan(600); // ~40% of 2,000
    expect(moved).toBeLessThan(1000);
  });
  it('weight 0 and 100 are absolute', () => {
    for (let i = 0; i < 300; i++) {
      expect(chooseVersion(manifest(0), { visitorId: `v${i}`, previewKey: null, now })!.version).toBe('v1');
      expect(chooseVersion(manifest(100), { visitorId: `v${i}`, previewKey: null, now })!.version).toBe('v2');
    }
  });
  it('a preview wins while unexpired; an unknown or expired key falls back', () => {
    expect(chooseVersion(manifest(0), { visitorId: 'x', previewKey: 'pr-12', now })).toEqual({ version: 'v3', slot: 'preview' });
    expect(chooseVersion(manifest(0), { visitorId: 'x', previewKey: 'old', now })).toEqual({ version: 'v1', slot: 'live' });
    expect(chooseVersion(manifest(0), { visitorId: 'x', previewKey: 'nope', now })).toEqual({ version: 'v1', slot: 'live' });
    expect(chooseVersion(createEmptyRelease('web'), { visitorId: 'x', previewKey: null, now })).toBeNull();
  });
  it('buckets are stable and spread', () => {
    expect(computeBucket('a', 'web', 'v2')).toBe(computeBucket('a', 'web', 'v2'));
    const buckets = new Set(Array.from({ length: 100 }, (_, i) => computeBucket(`id${i}`, 'web', 'v2')));
    expect(buckets.size).toBeGreaterThan(95);
  });
});

describe('request parsing', () => {
  it.each([
    ['web@pr-12', undefined, 'pr-12'],
    ['other@pr-1, web@pr-12', undefined, 'pr-12'],
    [undefined, 'web@pr-9', 'pr-9'],
    ['web@', undefined, null],
    ['web@../../etc', undefined, null],
    ['@pr-1', undefined, null],
    ['web@pr-1@x', 'web@pr-2', 'pr-2'],
    ['other@pr-1', undefined, null],
  ])('preview header %j cookie %j → %j', (header, cookie, key) => {
    expect(readPreviewKey('web', header, cookie)).toBe(key);
  });
  it('parses cookies and refuses malformed visitor ids', () => {
    const cookies = parseCookies('a=1; tessera-visitor=abcdefgh1234; junk; b="q%20r"; bad=%E0%A4%A');
    expect(cookies.get('b')).toBe('q r');
    expect(readVisitorId(cookies)).toBe('abcdefgh1234');
    expect(readVisitorId(parseCookies('tessera-visitor=<script>'))).toBeNull();
    expect(readVisitorId(parseCookies(''))).toBeNull();
  });
});

describe('routes and paths', () => {
  const routes = computeRoutes(['catalog', 'checkout', 'search'], { catalog: { route: '/learn/catalog' }, search: { route: 'search.example.com/' } });
  it.each([
    ['/learn/catalog/', 'localhost', 'catalog', ''],
    ['/learn/catalog', 'localhost', 'catalog', ''],
    ['/learn/catalog/assets/a.js', 'localhost', 'catalog', 'assets/a.js'],
    ['/checkout/x', 'localhost:8080', 'checkout', 'x'],
    ['/anything', 'search.example.com:8080', 'search', 'anything'],
    ['/catalog/', 'localhost', null, null],
  ])('%s on %s → %s', (path, host, app, rest) => {
    const match = matchRoute(routes, path, host);
    expect(match?.route.app ?? null).toBe(app);
    expect(match?.rest ?? null).toBe(rest);
  });
  it.each([
    ['assets/main-ABC.js', 'assets/main-ABC.js'],
    ['', ''],
    ['a//b/', 'a/b'],
    ['../secret', null],
    ['%2e%2e/secret', null],
    ['%2E%2E%2Fsecret', null],
    ['%252e%252e/secret', null],
    ['..%5csecret', null],
    ['a\\..\\b', null],
    ['a%00.js', null],
    ['./a', null],
    ['%', null],
    ['%E0%A4%A', null],
  ])('%j → %j', (rest, expected) => {
    expect(resolveBundlePath(rest)).toBe(expected);
  });
});
