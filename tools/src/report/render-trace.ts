import type { RunRecord } from '../records/run-record.js';
import { computeTimeline } from './compute-timeline.js';
import { describeStatus } from './describe-status.js';

/** One event of the Trace Event Format (the subset Tessera writes). Times in microseconds. */
export interface TraceEvent {
  name: string;
  /** `X` complete event, `M` metadata, `i` instant. */
  ph: 'X' | 'M' | 'i';
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  cat?: string;
  /** Scope of an instant event: `t`, its thread. */
  s?: 't';
  args?: Record<string, unknown>;
}

/** A Chrome trace in the JSON Object Format: opens in Perfetto (ui.perfetto.dev) and chrome://tracing. */
export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string>;
}

const PID = 1;
const CRITICAL_TID = 0;
const INSTANTS = new Set(['SUBMITTED', 'COMPLETED']);
const us = (ms: number) => Math.round(ms * 1000);

/**
 * A run as a Chrome trace: one track (thread) per app in run order, each phase a complete
 * event (`ph: "X"`, waiting in category `queue`, the rest `phase`), a job that never ran an
 * instant event, and a first track holding the critical path. Times are from the run's
 * start; phases still running end at `now` (ms since the epoch). Pure.
 */
export function renderTrace(run: RunRecord, now: number): ChromeTrace {
  const timeline = computeTimeline(run, now);
  const nowAt = now - timeline.origin;
  const meta = (tid: number, name: string, args: Record<string, unknown>): TraceEvent => ({ name, ph: 'M', ts: 0, pid: PID, tid, args });
  const events: TraceEvent[] = [
    meta(CRITICAL_TID, 'process_name', { name: `tessera run ${run.id} (${describeStatus(run.status).label})` }),
    meta(CRITICAL_TID, 'thread_name', { name: '◆ critical path' }),
    meta(CRITICAL_TID, 'thread_sort_index', { sort_index: 0 }),
  ];
  for (const t of timeline.jobs) {
    const tid = t.index + 1;
    const { label } = describeStatus(t.job.status);
    events.push(meta(tid, 'thread_name', { name: `${t.job.app} (${label})` }), meta(tid, 'thread_sort_index', { sort_index: tid }));
    const spans = t.segments.filter((s) => !INSTANTS.has(s.type));
    for (const s of spans) {
      const end = s.end ?? Math.max(nowAt, s.start);
      events.push({
        name: s.type, cat: s.type === 'QUEUED' ? 'queue' : 'phase', ph: 'X', ts: us(s.start), dur: us(end - s.start), pid: PID, tid,
        args: { app: t.job.app, status: s.end === null ? 'IN_PROGRESS' : s.status, ...(s.message ? { message: s.message } : {}), ...(s.attempt ? { attempt: s.attempt } : {}) },
      });
    }
    if (!spans.length) events.push({ name: label, cat: 'job', ph: 'i', s: 't', ts: us(t.queuedAt ?? 0), pid: PID, tid, args: { app: t.job.app, status: t.job.status } });
  }
  for (const index of timeline.critical.chain) {
    const t = timeline.jobs[index]!;
    const end = t.endedAt ?? Math.max(nowAt, t.startedAt!);
    events.push({
      name: t.job.app, cat: 'critical', ph: 'X', ts: us(t.startedAt!), dur: us(end - t.startedAt!), pid: PID, tid: CRITICAL_TID,
      args: { status: t.job.status, version: t.job.version, ...(t.slowest ? { slowestPhase: t.slowest.type, slowestMs: t.slowest.ms } : {}) },
    });
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: { tool: 'tessera', runId: run.id, trigger: run.trigger, base: run.base ?? '', head: run.head, status: run.status, start: run.start },
  };
}
