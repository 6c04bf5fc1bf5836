import { describe, expect, it } from 'vitest';
import { computeNextRelease, type ReleaseAction, type ReleaseContext } from '../../../tools/src/release/next-release.js';
import { createEmptyRelease, type ReleaseManifest } from '../../../tools/src/release/release-manifest.js';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const MIN = 60_000;
const published = new Set(['v1', 'v2', 'v3', 'v4']);
const ctx = (now = T0): ReleaseContext => ({ now, actor: 'test', isPublished: (v) => published.has(v) });

/** Applies actions in order from an empty manifest, failing the test on a refused one. */
function build(...actions: Array<[ReleaseAction, number?]>): ReleaseManifest {
  let manifest = createEmptyRelease('web');
  for (const [action, now] of actions) {
    const result = computeNextRelease(manifest, action, ctx(now));
    if (!result.ok) throw result.error;
    manifest = result.manifest;
  }
  return manifest;
}

const STATES: Record<string, () => ReleaseManifest> = {
  empty: () => createEmptyRelease('web'),
  live: () => build([{ type: 'start', version: 'v1' }]),
  canary: () => build([{ type: 'start', version: 'v1' }], [{ type: 'start', version: 'v2', weight: 10 }]),
  stepped: () => build([{ type: 'start', version: 'v1' }], [{ type: 'start', version: 'v2', steps: [10, 50, 100], intervalMs: 15 * MIN }]),
  promoted: () => build([{ type: 'start', version: 'v1' }], [{ type: 'start', version: 'v2' }], [{ type: 'promote' }]),
  previewed: () => build([{ type: 'start', version: 'v1' }], [{ type: 'preview', key: 'pr-12', version: 'v3', ttlMs: 60 * MIN }]),
};

type Expect = string | ((m: ReleaseManifest) => void);
// Every action from every state: the error code it gets, or a check of the manifest it makes.
const TABLE: Array<[string, ReleaseAction, Record<string, Expect>]> = [
  ['start v2', { type: 'start', version: 'v2' }, {
    empty: (m) => expect([m.live?.version, m.candidate]).toEqual(['v2', null]),
    live: (m) => expect(m.candidate).toMatchObject({ version: 'v2', weight: 10, steps: [] }),
    canary: 'TESSERA_RELEASE_INVALID',
    stepped: 'TESSERA_RELEASE_INVALID',
    promoted: 'TESSERA_RELEASE_INVALID',
    previewed: (m) => expect(m.candidate?.version).toBe('v2'),
  }],
  ['start v3 --replace', { type: 'start', version: 'v3', weight: 25, replace: true }, {
    empty: (m) => expect(m.live?.version).toBe('v3'),
    live: (m) => expect(m.candidate).toMatchObject({ version: 'v3', weight: 25 }),
    canary: (m) => { expect(m.candidate).toMatchObject({ version: 'v3', weight: 25 }); expect(m.retired.v2).toBe(new Date(T0).toISOString()); },
    stepped: (m) => expect(m.candidate?.version).toBe('v3'),
    promoted: (m) => expect(m.candidate?.version).toBe('v3'),
    previewed: (m) => { expect(m.candidate?.version).toBe('v3'); expect(m.previews['pr-12']?.version).toBe('v3'); },
  }],
  ['start unpublished', { type: 'start', version: 'v9' }, Object.fromEntries(Object.keys(STATES).map((s) => [s, 'TESSERA_VERSION_NOT_PUBLISHED']))],
  ['shift 50', { type: 'shift', weight: 50 }, {
    empty: 'TESSERA_RELEASE_INVALID', live: 'TESSERA_RELEASE_INVALID', promoted: 'TESSERA_RELEASE_INVALID', previewed: 'TESSERA_RELEASE_INVALID',
    canary: (m) => expect(m.candidate?.weight).toBe(50),
    stepped: (m) => expect(m.candidate).toMatchObject({ weight: 50, steps: [], intervalMs: null }),
  }],
  ['shift 101', { type: 'shift', weight: 101 }, {
    empty: 'TESSERA_RELEASE_INVALID', live: 'TESSERA_RELEASE_INVALID', promoted: 'TESSERA_RELEASE_INVALID', previewed: 'TESSERA_RELEASE_INVALID', canary: 'TESSERA_RELEASE_INVALID', stepped: 'TESSERA_RELEASE_INVALID',
  }],
  ['promote', { type: 'promote' }, {
    empty: 'TESSERA_RELEASE_INVALID', live: 'TESSERA_RELEASE_INVALID', promoted: 'TESSERA_RELEASE_INVALID', previewed: 'TESSERA_RELEASE_INVALID',
    canary: (m) => { expect([m.live?.version, m.candidate]).toEqual(['v2', null]); expect(Object.keys(m.retired)).toEqual(['v1']); },
    stepped: (m) => expect(m.live?.version).toBe('v2'),
  }],
  ['abort', { type: 'abort' }, {
    empty: 'TESSERA_RELEASE_INVALID', live: 'TESSERA_RELEASE_INVALID', promoted: 'TESSERA_RELEASE_INVALID', previewed: 'TESSERA_RELEASE_INVALID',
    canary: (m) => { expect([m.live?.version, m.candidate]).toEqual(['v1', null]); expect(Object.keys(m.retired)).toEqual(['v2']); },
    stepped: (m) => expect(m.candidate).toBeNull(),
  }],
  ['rollback', { type: 'rollback' }, {
    empty: 'TESSERA_RELEASE_INVALID', live: 'TESSERA_RELEASE_INVALID', canary: 'TESSERA_RELEASE_INVALID', stepped: 'TESSERA_RELEASE_INVALID', previewed: 'TESSERA_RELEASE_INVALID',
    promoted: (m) => { expect(m.live?.version).toBe('v1'); expect(m.retired).toEqual({ v2: new Date(T0).toISOString() }); },
  }],
  ['rollback --to v4', { type: 'rollback', to: 'v4' }, {
    empty: 'TESSERA_RELEASE_INVALID',
    live: (m) => expect(m.live?.version).toBe('v4'),
    canary: (m) => { expect([m.live?.version, m.candidate]).toEqual(['v4', null]); expect(Object.keys(m.retired).sort()).toEqual(['v1', 'v2']); },
    stepped: (m) => expect(m.candidate).toBeNull(),
    promoted: (m) => expect(m.live?.version).toBe('v4'),
    previewed: (m) => expect(m.live?.version).toBe('v4'),
  }],
  ['preview pr-7', { type: 'preview', key: 'pr-7', version: 'v4' }, Object.fromEntries(Object.keys(STATES).map((s) => [s, (m: ReleaseManifest) => expect(m.previews['pr-7']).toMatchObject({ version: 'v4', expires: null })]))],
  ['preview bad key', { type: 'preview', key: '../x', version: 'v4' }, Object.fromEntries(Object.keys(STATES).map((s) => [s, 'TESSERA_RELEASE_INVALID']))],
  ['unpreview pr-12', { type: 'unpreview', key: 'pr-12' }, {
    empty: 'TESSERA_RELEASE_INVALID', live: 'TESSERA_RELEASE_INVALID', canary: 'TESSERA_RELEASE_INVALID', stepped: 'TESSERA_RELEASE_INVALID', promoted: 'TESSERA_RELEASE_INVALID',
    previewed: (m) => { expect(m.previews).toEqual({}); expect(Object.keys(m.retired)).toEqual(['v3']); },
  }],
  ['advance (nothing due)', { type: 'advance' }, Object.fromEntries(Object.keys(STATES).map((s) => [s, (m: ReleaseManifest) => expect(m).toEqual(STATES[s]!())]))],
];

describe('computeNextRelease: every action from every state', () => {
  for (const [name, action, outcomes] of TABLE) {
    for (const [state, expected] of Object.entries(outcomes)) {
      it(`${name} from ${state}`, () => {
        const before = STATES[state]!();
        const snapshot = structuredClone(before);
        const result = computeNextRelease(before, action, ctx());
        expect(before, 'the input manifest is never mutated').toEqual(snapshot);
        if (typeof expected === 'string') {
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expect(result.error.code).toBe(expected);
            expect(result.error.problems[0]?.location?.file).toBe('releases/web.json');
          }
        } else {
          expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
          if (result.ok) {
            expected(result.manifest);
            if (result.changed) expect(result.manifest.history.length).toBe(before.history.length + 1);
          }
        }
      });
    }
  }
  it('covers every state for every action', () => {
    for (const [name, , outcomes] of TABLE) expect(Object.keys(outcomes).sort(), name).toEqual(Object.keys(STATES).sort());
  });
});

describe('stepped canaries and expiry', () => {
  it('advance walks the steps once per interval, then promotes', () => {
    let m = STATES.stepped!();
    const advance = (now: number) => {
      const r = computeNextRelease(m, { type: 'advance' }, ctx(now));
      if (!r.ok) throw r.error;
      m = r.manifest;
      return r.changed;
    };
    expect(advance(T0 + 14 * MIN)).toBe(false);
    expect(advance(T0 + 15 * MIN)).toBe(true);
    expect(m.candidate?.weight).toBe(50);
    expect(advance(T0 + 29 * MIN)).toBe(false);
    expect(advance(T0 + 30 * MIN)).toBe(true);
    expect(m.candidate?.weight).toBe(100);
    expect(advance(T0 + 45 * MIN)).toBe(true);
    expect([m.live?.version, m.candidate]).toEqual(['v2', null]);
    expect(m.history.map((h) => h.action)).toEqual(['start', 'start', 'advance', 'advance', 'advance']);
  });
  it('advance drops expired previews and retires their version', () => {
    const r = computeNextRelease(STATES.previewed!(), { type: 'advance' }, ctx(T0 + 61 * MIN));
    expect(r.ok && r.changed).toBe(true);
    if (r.ok) {
      expect(r.manifest.previews).toEqual({});
      expect(r.manifest.retired.v3).toBe(new Date(T0 + 61 * MIN).toISOString());
    }
  });
  it('refuses steps that do not rise, or steps without an interval', () => {
    const live = STATES.live!();
    for (const action of [{ type: 'start', version: 'v2', steps: [50, 10], intervalMs: MIN }, { type: 'start', version: 'v2', steps: [10, 50] }] as ReleaseAction[]) {
      const r = computeNextRelease(live, action, ctx());
      expect(r.ok).toBe(false);
    }
  });
});

describe('rollback', () => {
  it('goes to the previous live version, and a second rollback does not bring the bad one back', () => {
    const m = build([{ type: 'start', version: 'v1' }], [{ type: 'start', version: 'v2' }], [{ type: 'promote' }], [{ type: 'start', version: 'v3' }], [{ type: 'promote' }]);
    const first = computeNextRelease(m, { type: 'rollback' }, ctx());
    expect(first.ok && first.manifest.live?.version).toBe('v2');
    if (!first.ok) return;
    const second = computeNextRelease(first.manifest, { type: 'rollback' }, ctx());
    expect(second.ok && second.manifest.live?.version).toBe('v1');
    if (!second.ok) return;
    const third = computeNextRelease(second.manifest, { type: 'rollback' }, ctx());
    expect(third.ok).toBe(false);
  });
  it('a version live again is no longer retired', () => {
    const m = build([{ type: 'start', version: 'v1' }], [{ type: 'start', version: 'v2' }], [{ type: 'promote' }], [{ type: 'rollback' }]);
    expect(m.retired).toEqual({ v2: new Date(T0).toISOString() });
    expect(m.live?.version).toBe('v1');
  });
});
