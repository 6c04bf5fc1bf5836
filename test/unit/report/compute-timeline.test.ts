import { describe, expect, it } from 'vitest';
import { computeTimeline } from '../../../tools/src/report/compute-timeline.js';
import type { RunRecord } from '../../../tools/src/records/run-record.js';
import { codebuildPhases, createJob, createSampleRun, type JobSpecForTest } from '../../support/report-runs.js';

const T0 = Date.parse('2026-11-22T14:05:00.000Z');
const run = (jobs: JobSpecForTest[], fields: Partial<RunRecord> = {}): RunRecord => ({
  id: 'r', trigger: 'cli', base: null, head: 'abc', status: 'SUCCEEDED', start: new Date(T0).toISOString(), end: null, jobs: jobs.map((j) => createJob(T0, j)), ...fields,
});
const phasesOf = (seconds: number): JobSpecForTest['phases'] => [['PROVISIONING', 1], ['BUILD', seconds - 1]];
const apps = (r: RunRecord, chain: number[]) => chain.map((i) => r.jobs[i]!.app);

describe('computeTimeline', () => {
  it('lays out each job in ms from the run start: queued, left the queue, ended, slowest phase', () => {
    const r = run([{ app: 'a', status: 'SUCCEEDED', queued: 1, wait: 4, phases: [['PROVISIONING', 2], ['BUILD', 10], ['POST_BUILD', 1]] }], { end: new Date(T0 + 20_000).toISOString() });
    const t = computeTimeline(r, T0 + 60_000);
    expect(t.span).toBe(20_000);
    expect(t.jobs[0]).toMatchObject({ index: 0, queuedAt: 1000, startedAt: 5000, endedAt: 18_000, slowest: { type: 'BUILD', ms: 10_000 } });
    expect(t.jobs[0]!.segments.map((s) => [s.type, s.start, s.end])).toEqual([
      ['SUBMITTED', 1000, 1000], ['QUEUED', 1000, 5000], ['PROVISIONING', 5000, 7000], ['BUILD', 7000, 17_000], ['POST_BUILD', 17_000, 18_000], ['COMPLETED', 18_000, 18_000],
    ]);
  });

  it('leaves open what still runs: no end, the span and the slowest phase measured up to now', () => {
    const r = run([{ app: 'a', status: 'IN_PROGRESS', phases: [['PROVISIONING', 2], ['BUILD', 0]] }, { app: 'b', status: 'QUEUED' }], { status: 'IN_PROGRESS' });
    const t = computeTimeline(r, T0 + 30_000);
    expect(t.span).toBe(30_000);
    expect(t.jobs[0]).toMatchObject({ startedAt: 0, endedAt: null, slowest: { type: 'BUILD', ms: 28_000 } });
    expect(t.jobs[0]!.segments.at(-1)).toMatchObject({ type: 'BUILD', status: 'IN_PROGRESS', end: null });
    expect(t.jobs[1]).toMatchObject({ queuedAt: 0, startedAt: null, endedAt: null, slowest: null });
  });

  it('gives a cached job (no phases) no times, and a job stopped in the queue no start', () => {
    const r = run([{ app: 'a', status: 'CACHED' }, { app: 'b', status: 'STOPPED', wait: 3 }]);
    const t = computeTimeline(r, T0 + 5000);
    expect(t.jobs[0]).toMatchObject({ queuedAt: null, startedAt: null, endedAt: null, segments: [] });
    expect(t.jobs[1]).toMatchObject({ queuedAt: 0, startedAt: null, endedAt: null });
    expect(t.critical).toEqual({ chain: [], phase: null });
  });
});

describe('the critical path', () => {
  it.each([
    {
      name: 'no waiting: the build that ended last, alone',
      jobs: [{ app: 'a', status: 'SUCCEEDED', phases: phasesOf(10) }, { app: 'b', status: 'SUCCEEDED', phases: phasesOf(30) }, { app: 'c', status: 'SUCCEEDED', phases: phasesOf(20) }],
      chain: ['b'],
    },
    {
      name: 'concurrency 1: every build handed its slot to the next',
      jobs: [{ app: 'a', status: 'SUCCEEDED', phases: phasesOf(10) }, { app: 'b', status: 'SUCCEEDED', wait: 10, phases: phasesOf(5) }, { app: 'c', status: 'SUCCEEDED', wait: 15, phases: phasesOf(7) }],
      chain: ['a', 'b', 'c'],
    },
    {
      name: 'concurrency 2: the chain follows the slot the last build took, not the longest build',
      jobs: [
        { app: 'long', status: 'SUCCEEDED', phases: phasesOf(40) },
        { app: 'short', status: 'SUCCEEDED', phases: phasesOf(10) },
        { app: 'next', status: 'SUCCEEDED', wait: 10, phases: phasesOf(45) },
      ],
      chain: ['short', 'next'],
    },
    {
      name: 'the hand-over is the build that ended last before the queue was left',
      jobs: [
        { app: 'a', status: 'SUCCEEDED', phases: phasesOf(5) },
        { app: 'b', status: 'FAILED', phases: phasesOf(8) },
        { app: 'c', status: 'SUCCEEDED', wait: 8, phases: phasesOf(20) },
      ],
      chain: ['b', 'c'],
    },
    {
      name: 'a running build that will end last is the end of the chain; queued and cached jobs are not in it',
      jobs: [
        { app: 'a', status: 'SUCCEEDED', phases: phasesOf(5) },
        { app: 'b', status: 'IN_PROGRESS', wait: 5, phases: phasesOf(2) },
        { app: 'q', status: 'QUEUED' },
        { app: 'k', status: 'CACHED' },
      ],
      chain: ['a', 'b'],
      now: 60,
    },
    {
      name: 'a build that waited in the queue with no build ending meanwhile starts the chain (CodeBuild queue)',
      jobs: [{ app: 'a', status: 'SUCCEEDED', wait: 30, phases: phasesOf(10) }, { app: 'b', status: 'SUCCEEDED', phases: phasesOf(35) }],
      chain: ['a'],
    },
  ] as { name: string; jobs: JobSpecForTest[]; chain: string[]; now?: number }[])('$name', ({ jobs, chain, now }) => {
    const r = run(jobs);
    const t = computeTimeline(r, T0 + (now ?? 100) * 1000);
    expect(apps(r, t.critical.chain)).toEqual(chain);
  });

  it('a FAULT retry: the job left the queue with its first build, and the second attempt is tagged on its segments', () => {
    const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
    const r = run([{ app: 'a', status: 'SUCCEEDED' }], { end: iso(40) });
    r.jobs[0]!.attempt = 2;
    r.jobs[0]!.phases = [
      { type: 'SUBMITTED', status: 'SUCCEEDED', start: iso(0), end: iso(0) },
      { type: 'QUEUED', status: 'SUCCEEDED', start: iso(0), end: iso(2) },
      { type: 'PROVISIONING', status: 'FAULT', start: iso(2), end: iso(5), message: 'BUILD_CONTAINER_UNABLE_TO_PULL_IMAGE: no image' },
      { type: 'COMPLETED', status: 'FAULT', start: iso(5), end: iso(5), message: 'build x ended FAULT; attempt 2 starts a new build' },
      { type: 'QUEUED', status: 'SUCCEEDED', start: iso(7), end: iso(20), attempt: 2 },
      { type: 'PROVISIONING', status: 'SUCCEEDED', start: iso(20), end: iso(22), attempt: 2 },
      { type: 'BUILD', status: 'SUCCEEDED', start: iso(22), end: iso(30), attempt: 2 },
      { type: 'COMPLETED', status: 'SUCCEEDED', start: iso(30), end: iso(30), attempt: 2 },
    ];
    const t = computeTimeline(r, T0 + 60_000);
    expect(t.jobs[0]).toMatchObject({ queuedAt: 0, startedAt: 2000, endedAt: 30_000 });
    expect(t.jobs[0]!.segments.map((s) => [s.type, s.status, s.attempt ?? 1])).toEqual([
      ['SUBMITTED', 'SUCCEEDED', 1], ['QUEUED', 'SUCCEEDED', 1], ['PROVISIONING', 'FAULT', 1], ['COMPLETED', 'FAULT', 1],
      ['QUEUED', 'SUCCEEDED', 2], ['PROVISIONING', 'SUCCEEDED', 2], ['BUILD', 'SUCCEEDED', 2], ['COMPLETED', 'SUCCEEDED', 2],
    ]);
  });

  it("names the last build's slowest phase", () => {
    const r = run([{ app: 'a', status: 'SUCCEEDED', phases: codebuildPhases(100) }]);
    expect(computeTimeline(r, T0).critical.phase).toEqual({ type: 'BUILD', ms: 100_000 });
  });

  it('on the sample run: checkout handed its slot to search, which is still building', () => {
    const r = createSampleRun(T0);
    const t = computeTimeline(r, T0 + 330_000);
    expect(apps(r, t.critical.chain)).toEqual(['checkout', 'search']);
    expect(t.critical.phase?.type).toBe('BUILD');
  });
});
