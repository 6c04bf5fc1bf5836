import { describe, expect, it } from 'vitest';
import { planPrune } from '../../../tools/src/release/plan-prune.js';
import { createEmptyRelease, type ReleaseManifest } from '../../../tools/src/release/release-manifest.js';

const H = 3_600_000;
const now = Date.parse('2026-11-02T00:00:00Z');
const at = (hoursAgo: number) => new Date(now - hoursAgo * H).toISOString();

describe('planPrune', () => {
  it('keeps live, candidate, previewed and recent versions; removes the rest', () => {
    const web: ReleaseManifest = {
      ...createEmptyRelease('web'),
      live: { version: 'live', since: at(1) },
      candidate: { version: 'cand', weight: 10, steps: [], intervalMs: null, since: at(1), stepSince: at(1) },
      previews: { 'pr-1': { version: 'prev', since: at(50), expires: null }, 'pr-2': { version: 'expired', since: at(50), expires: at(30) } },
      retired: { recent: at(23), old: at(25), expired: at(30) },
    };
    const versions = ['live', 'cand', 'prev', 'recent', 'old', 'expired', 'fresh', 'stale'].map((version) => ({
      app: 'web',
      version,
      publishedAt: version === 'fresh' ? at(2) : at(100),
    }));
    const plan = planPrune(new Map([['web', web]]), [...versions, { app: 'other', version: 'x', publishedAt: at(48) }], now, 24 * H);
    expect(plan.remove.map((d) => `${d.app}@${d.version}`)).toEqual(['other@x', 'web@expired', 'web@old', 'web@stale']);
    expect(plan.keep.map((d) => d.version).sort()).toEqual(['cand', 'fresh', 'live', 'prev', 'recent']);
    expect(plan.keep.find((d) => d.version === 'recent')?.reason).toMatch(/inside the 24.0 h retention window/);
  });
  it('removes an unfinished upload once it has been idle for an hour, never one that may be under way', () => {
    const plan = planPrune(new Map(), [], now, 24 * H, [
      { app: 'web', version: 'dead', lastWriteAt: now - 2 * H, files: 3 },
      { app: 'web', version: 'busy', lastWriteAt: now - 60_000, files: 3 },
    ]);
    expect(plan.remove).toEqual([{ app: 'web', version: 'dead', reason: 'unfinished upload (no manifest), last written 2.0 h ago' }]);
    expect(plan.keep).toEqual([{ app: 'web', version: 'busy', reason: expect.stringMatching(/unfinished upload .*may still be under way/) }]);
  });
  it('never removes anything inside the window', () => {
    const plan = planPrune(new Map(), [{ app: 'web', version: 'v', publishedAt: at(0) }], now, 24 * H);
    expect(plan.remove).toEqual([]);
  });
});
