import { describe, expect, it } from 'vitest';
import { computeRunCost } from '../../../tools/src/report/compute-cost.js';
import { CODEBUILD_PRICE_PER_MINUTE } from '../../../tools/src/workspace/config.js';
import type { RunRecord } from '../../../tools/src/records/run-record.js';
import { createJob, type JobSpecForTest } from '../../support/report-runs.js';

const T0 = Date.parse('2026-11-22T14:05:00.000Z');
const run = (jobs: JobSpecForTest[]): RunRecord => ({ id: 'r', trigger: 'cli', base: null, head: 'abc', status: 'SUCCEEDED', start: new Date(T0).toISOString(), end: null, jobs: jobs.map((j) => createJob(T0, j)) });

describe('computeRunCost', () => {
  it('bills each build per started minute from PROVISIONING, by compute type, never counting the queue', () => {
    const cost = computeRunCost(
      run([
        { app: 'a', status: 'SUCCEEDED', wait: 600, phases: [['PROVISIONING', 10], ['BUILD', 50]] }, // 60 s: 1 minute, the wait is free
        { app: 'b', status: 'FAILED', phases: [['PROVISIONING', 10], ['BUILD', 51, 'FAILED']] }, // 61 s: 2 minutes
        { app: 'c', status: 'SUCCEEDED', computeType: 'large', phases: [['BUILD', 1]] }, // 1 s: at least 1 minute
        { app: 'd', status: 'CACHED' },
        { app: 'e', status: 'QUEUED' },
      ]),
      CODEBUILD_PRICE_PER_MINUTE,
      T0,
    );
    expect(cost.rows).toEqual([
      { computeType: 'small', jobs: 2, buildMs: 121_000, billedMinutes: 3, pricePerMinute: 0.005, cost: 0.015 },
      { computeType: 'large', jobs: 1, buildMs: 1000, billedMinutes: 1, pricePerMinute: 0.02, cost: 0.02 },
    ]);
    expect(cost).toMatchObject({ buildMs: 122_000, billedMinutes: 4, total: 0.035, unpriced: [], ranOn: 'codebuild' });
  });

  it('bills a FAULT retry as two builds: the queue between them is free, each rounds up on its own', () => {
    const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
    const r = run([{ app: 'a', status: 'SUCCEEDED' }]);
    r.jobs[0]!.phases = [
      { type: 'QUEUED', status: 'SUCCEEDED', start: iso(0), end: iso(1) },
      { type: 'PROVISIONING', status: 'FAULT', start: iso(1), end: iso(11) }, // 10 s: 1 minute
      { type: 'COMPLETED', status: 'FAULT', start: iso(11), end: iso(11) },
      { type: 'QUEUED', status: 'SUCCEEDED', start: iso(12), end: iso(600), attempt: 2 }, // ten minutes waiting: free
      { type: 'PROVISIONING', status: 'SUCCEEDED', start: iso(600), end: iso(610), attempt: 2 },
      { type: 'BUILD', status: 'SUCCEEDED', start: iso(610), end: iso(670), attempt: 2 }, // 70 s: 2 minutes
      { type: 'COMPLETED', status: 'SUCCEEDED', start: iso(670), end: iso(670), attempt: 2 },
    ];
    expect(computeRunCost(r, CODEBUILD_PRICE_PER_MINUTE, T0)).toMatchObject({ buildMs: 80_000, billedMinutes: 3, total: 0.015 });
  });

  it('uses the prices it is given (the config overrides), and lists compute types without a price', () => {
    const cost = computeRunCost(run([{ app: 'a', status: 'SUCCEEDED', phases: [['BUILD', 120]] }, { app: 'b', status: 'SUCCEEDED', computeType: 'gpu', phases: [['BUILD', 30]] }]), { small: 0.01 }, T0);
    expect(cost.rows.map((r) => [r.computeType, r.cost])).toEqual([['small', 0.02], ['gpu', null]]);
    expect(cost).toMatchObject({ total: 0.02, unpriced: ['gpu'] });
  });

  it('counts a running build up to now, and says where builds ran', () => {
    const cost = computeRunCost(run([{ app: 'a', status: 'IN_PROGRESS', executor: 'local', phases: [['BUILD', 0]] }]), CODEBUILD_PRICE_PER_MINUTE, T0 + 150_000);
    expect(cost).toMatchObject({ buildMs: 150_000, billedMinutes: 3, ranOn: 'local' });
    expect(computeRunCost(run([{ app: 'a', status: 'CACHED' }]), CODEBUILD_PRICE_PER_MINUTE, T0)).toMatchObject({ rows: [], total: 0, ranOn: 'none' });
  });
});
