import { type RunRecord, WAITING_PHASES } from '../records/run-record.js';
import { computeCriticalPath } from './compute-critical-path.js';
import type { Timeline, TimelineJob, TimelineSegment } from './timeline.js';

const isWaiting = (type: string) => (WAITING_PHASES as readonly string[]).includes(type);

/**
 * Lays out a run: each job's phases in ms from the run's start, when it queued, left the
 * queue and ended, its slowest phase, and the critical path. `now` (ms since the epoch) stands
 * for the end of whatever is still running. Pure.
 */
export function computeTimeline(run: RunRecord, now: number): Timeline {
  const origin = Date.parse(run.start);
  const at = (iso: string) => Date.parse(iso) - origin;
  const nowAt = now - origin;
  const jobs = run.jobs.map((job, index): TimelineJob => {
    const segments = job.phases.map((p): TimelineSegment => ({
      type: p.type, status: p.status, start: at(p.start), end: p.end === null ? null : at(p.end), ...(p.message ? { message: p.message } : {}), ...(p.attempt && p.attempt > 1 ? { attempt: p.attempt } : {}),
    }));
    const waiting = segments.filter((s) => isWaiting(s.type));
    // COMPLETED is an instant that marks the end; it is not work.
    const working = segments.filter((s) => !isWaiting(s.type) && s.type !== 'COMPLETED');
    const queuedAt = segments.length ? Math.min(...segments.map((s) => s.start)) : null;
    // A job that never reached a working phase never left the queue, even when it was stopped
    // there. It left when its first build did: a FAULT retry's queue comes after work was done.
    const firstWork = working.length ? Math.min(...working.map((s) => s.start)) : null;
    const waitedFirst = waiting.filter((s) => firstWork !== null && s.start <= firstWork);
    const startedAt = firstWork === null ? null : waitedFirst.length ? Math.max(...waitedFirst.map((s) => s.end ?? s.start)) : firstWork;
    const open = segments.some((s) => s.end === null);
    const endedAt = open || startedAt === null ? null : Math.max(...segments.map((s) => s.end!));
    let slowest: TimelineJob['slowest'] = null;
    for (const s of working) {
      const ms = (s.end ?? Math.max(nowAt, s.start)) - s.start;
      if (!slowest || ms > slowest.ms) slowest = { type: s.type, ms };
    }
    return { job, index, queuedAt, startedAt, endedAt, segments, slowest };
  });
  const span = Math.max(0, run.end ? at(run.end) : nowAt, ...jobs.map((j) => j.endedAt ?? 0));
  return { origin, span, jobs, critical: computeCriticalPath(jobs, nowAt) };
}
