import { describe, expect, it } from 'vitest';
import { renderTrace, type TraceEvent } from '../../../tools/src/report/render-trace.js';
import { createSampleRun, createSyntheticRun } from '../../support/report-runs.js';

const T0 = Date.parse('2026-11-22T14:05:00.000Z');

/**
 * The Trace Event Format's rules for the events Tessera writes (the JSON Object Format of
 * https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU): every
 * event has a name, a phase, a timestamp in µs, a pid and a tid; a complete event a
 * duration; metadata events name processes and threads through args.
 */
function validate(events: TraceEvent[]): string[] {
  const problems: string[] = [];
  events.forEach((e, i) => {
    const where = `event ${i} (${e.name})`;
    if (typeof e.name !== 'string' || !e.name) problems.push(`${where}: name`);
    if (!['X', 'M', 'i'].includes(e.ph)) problems.push(`${where}: ph ${e.ph}`);
    for (const key of ['ts', 'pid', 'tid'] as const) if (!Number.isInteger(e[key]) || e[key] < 0) problems.push(`${where}: ${key} ${e[key]}`);
    if (e.ph === 'X' && (!Number.isInteger(e.dur) || e.dur! < 0)) problems.push(`${where}: dur ${e.dur}`);
    if (e.ph !== 'X' && e.dur !== undefined) problems.push(`${where}: dur on a ${e.ph} event`);
    if (e.ph === 'M' && !['process_name', 'thread_name', 'thread_sort_index'].includes(e.name)) problems.push(`${where}: unknown metadata`);
    if (e.ph === 'i' && e.s !== 't') problems.push(`${where}: instant scope`);
  });
  return problems;
}

describe('renderTrace', () => {
  it('writes valid Trace Event Format: one named track per app, its phases as complete events in µs', () => {
    const run = createSampleRun(T0);
    const trace = renderTrace(run, T0 + 330_000);
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
    expect(validate(trace.traceEvents)).toEqual([]);
    expect(trace.displayTimeUnit).toBe('ms');
    const names = trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => [e.tid, (e.args as { name: string }).name]);
    expect(names).toEqual([
      [0, '◆ critical path'], [1, 'catalog (succeeded)'], [2, 'learner-home (succeeded)'], [3, 'checkout (failed)'], [4, 'search (running)'], [5, 'profile (queued)'], [6, 'course-page (skipped (cached))'],
    ]);
    const catalog = trace.traceEvents.filter((e) => e.tid === 1 && e.ph === 'X');
    expect(catalog.map((e) => e.name)).toEqual(['QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING']);
    expect(catalog.find((e) => e.name === 'BUILD')).toMatchObject({ ts: 68_000_000, dur: 162_000_000, cat: 'phase', args: { status: 'SUCCEEDED' } });
    expect(trace.traceEvents.find((e) => e.tid === 3 && e.name === 'BUILD')).toMatchObject({ args: { status: 'FAILED', message: expect.stringContaining('exit status 2') } });
  });

  it('ends running phases (and waits) at now, marks a job that never queued with an instant, and puts the critical path on track 0', () => {
    const trace = renderTrace(createSampleRun(T0), T0 + 330_000);
    const running = trace.traceEvents.find((e) => e.tid === 4 && e.name === 'BUILD')!;
    expect(running.ts + running.dur!).toBe(330_000_000);
    expect(running.args).toMatchObject({ status: 'IN_PROGRESS' });
    const waiting = trace.traceEvents.find((e) => e.tid === 5 && e.ph === 'X')!;
    expect(waiting).toMatchObject({ name: 'QUEUED', cat: 'queue', ts: 0, dur: 330_000_000, args: { status: 'IN_PROGRESS' } });
    expect(trace.traceEvents.filter((e) => e.ph === 'i').map((e) => [e.tid, e.name])).toEqual([[6, 'skipped (cached)']]);
    expect(trace.traceEvents.filter((e) => e.tid === 0 && e.ph === 'X').map((e) => e.name)).toEqual(['checkout', 'search']);
  });

  it('stays valid for a 1,000-job run', () => {
    const run = createSyntheticRun(1000);
    const trace = renderTrace(run, Date.parse(run.end!));
    expect(validate(trace.traceEvents)).toEqual([]);
    expect(new Set(trace.traceEvents.map((e) => e.tid)).size).toBe(1001);
  });
});
