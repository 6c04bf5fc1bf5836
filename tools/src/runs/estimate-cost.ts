import { type JobRecord, WAITING_PHASES } from '../records/run-record.js';
import { CODEBUILD_PRICE_PER_MINUTE } from '../workspace/config.js';

/**
 * The parts of a job CodeBuild bills, in ms, one per build attempt (a FAULT retry is a second
 * build): from the start of its first phase after waiting to the end of its last one (`now`
 * for a phase still open). Empty when it never left the queue.
 */
export function computeBilledSpansMs(job: Pick<JobRecord, 'phases'>, now?: number): number[] {
  const byAttempt = new Map<number, { start: number; end: number }>();
  for (const p of job.phases) {
    if (WAITING_PHASES.includes(p.type)) continue;
    const start = Date.parse(p.start);
    const end = p.end ? Date.parse(p.end) : (now ?? start);
    const span = byAttempt.get(p.attempt ?? 1);
    byAttempt.set(p.attempt ?? 1, span ? { start: Math.min(span.start, start), end: Math.max(span.end, end) } : { start, end });
  }
  return [...byAttempt.values()].map((s) => Math.max(0, s.end - s.start));
}

/** The part of a job CodeBuild bills, in ms: its attempts' spans added up. `null` when it never left the queue. */
export function computeBilledMs(job: Pick<JobRecord, 'phases'>, now?: number): number | null {
  const spans = computeBilledSpansMs(job, now);
  return spans.length ? spans.reduce((a, b) => a + b, 0) : null;
}

/** The minutes CodeBuild bills for a job: every started minute of each of its builds, at least one each. `null` when it never left the queue. */
export function computeJobBilledMinutes(job: Pick<JobRecord, 'phases'>, now?: number): number | null {
  const spans = computeBilledSpansMs(job, now);
  return spans.length ? spans.reduce((sum, ms) => sum + computeBilledMinutes(ms), 0) : null;
}

/** The minutes CodeBuild bills for `ms` of build: every started minute, and at least one. */
export function computeBilledMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

/** What a finished job cost on CodeBuild: started minutes of each of its builds × the compute type's price (the small price for an unknown type). */
export function estimateCost(job: JobRecord, prices: Readonly<Record<string, number>> = CODEBUILD_PRICE_PER_MINUTE): number | null {
  const minutes = computeJobBilledMinutes(job);
  if (minutes === null) return null;
  return Math.round(minutes * (prices[job.computeType] ?? prices.small ?? CODEBUILD_PRICE_PER_MINUTE.small!) * 10_000) / 10_000;
}
