import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../../tools/src/cli/commands/release.js';
import { createEmptyRelease, type HistoryEntry } from '../../../tools/src/release/release-manifest.js';

const entry = (i: number): HistoryEntry => ({ at: `2026-11-0${i}T00:00:00.000Z`, action: 'shift', actor: `a${i}`, from: 'v1', to: 'v1', live: false, detail: `step ${i}` });
const status = (entries: number, all = false) => formatStatus({ ...createEmptyRelease('web'), route: '/shop/', history: Array.from({ length: entries }, (_, i) => entry(i + 1)) }, false, all);

describe('formatStatus', () => {
  it.each([
    [0, null, []],
    [3, null, ['a1', 'a2', 'a3']],
    [4, '  history: the newest 3 of 4 (tessera release status web --all for every entry)', ['a2', 'a3', 'a4']],
    [5, '  history: the newest 3 of 5 (tessera release status web --all for every entry)', ['a3', 'a4', 'a5']],
  ])('with %i history entries says how many are not shown (%s) and shows the newest three', (entries, notice, shown) => {
    const lines = status(entries).trimEnd().split('\n');
    const history = lines.filter((l) => /\(a\d\)$/.test(l));
    expect(history.map((l) => /\((a\d)\)$/.exec(l)![1])).toEqual(shown);
    expect(lines.filter((l) => l.includes('newest'))).toEqual(notice ? [notice] : []);
    // The notice comes right before the entries it stands in front of.
    if (notice) expect(lines[lines.indexOf(notice) + 1]).toBe(history[0]);
  });

  it('with all, shows every entry and no notice', () => {
    const lines = status(5, true).trimEnd().split('\n');
    expect(lines.filter((l) => /\(a\d\)$/.test(l)).map((l) => /\((a\d)\)$/.exec(l)![1])).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(lines.filter((l) => l.includes('newest'))).toEqual([]);
  });
});
