import { describe, expect, it } from 'vitest';
import { computeJobDurationMs, computeMedian } from '../../../tools/src/runs/compute-expected-duration.js';
import type { PhaseRecord } from '../../../tools/src/records/run-record.js';

const t = (s: number) => new Date(Date.UTC(2025, 2, 1, 10) + s * 1000).toISOString();
const phase = (type: PhaseRecord['type'], start: number, end: number | null): PhaseRecord => ({ type, status: 'SUCCEEDED', start: t(start), end: end === null ? null : t(end) });

describe('computeJobDurationMs', () => {
  it.each([
    ['from the first phase after the queue to the end of the last', [phase('SUBMITTED', 0, 0), phase('QUEUED', 0, 50), phase('PROVISIONING', 50, 52), phase('BUILD', 52, 80), phase('COMPLETED', 80, 81)], 31_000],
    ['a job that never queued', [phase('INSTALL', 10, 15), phase('BUILD', 15, 20)], 10_000],
    ['the last phase by order, even if an earlier one ended later', [phase('BUILD', 0, 100), phase('COMPLETED', 40, 41)], 41_000],
    ['a retry queued again: its second wait counts as build time', [phase('QUEUED', 0, 5), phase('BUILD', 5, 6), phase('QUEUED', 6, 20), phase('BUILD', 20, 25)], 20_000],
    ['a single instant phase', [phase('BUILD', 3, 3)], 0],
  ])('measures %s', (_, phases, ms) => {
    expect(computeJobDurationMs(phases)).toBe(ms);
  });

  it.each([
    ['no phases', []],
    ['only waiting', [phase('SUBMITTED', 0, 0), phase('QUEUED', 0, 5)]],
    ['a last phase still open', [phase('QUEUED', 0, 5), phase('BUILD', 5, null)]],
    ['an end before the start', [phase('BUILD', 10, 5)]],
    ['a time that is not a date', [{ type: 'BUILD', status: 'SUCCEEDED', start: 'yesterday', end: t(5) } as PhaseRecord]],
  ])('cannot tell with %s', (_, phases) => {
    expect(computeJobDurationMs(phases as PhaseRecord[])).toBeUndefined();
  });
});

describe('computeMedian', () => {
  it.each([
    [[], undefined],
    [[7], 7],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 3], // (2 + 3) / 2 = 2.5, rounded
    [[1, 2], 2],
    [[10, 10, 10_000], 10], // one outlier does not move it
    [[1000, 1001], 1001],
  ])('of %j is %s', (values, median) => {
    expect(computeMedian(values)).toBe(median);
  });

  it('does not reorder its argument', () => {
    const values = [3, 1, 2];
    computeMedian(values);
    expect(values).toEqual([3, 1, 2]);
  });
});
