import { type JobRecord, WAITING_PHASES } from '../records/run-record.js';
import { CODEBUILD_PRICE_PER_MINUTE } from '../workspace/config.js';

/**
 * The part of a job CodeBuild bills, in ms: from the start of its first phase after waiting
 * to the end of its last one (`now` for a phase still open). `null` when it never left the queue.
 */
export function computeBilledMs(job: Pick<JobRecord, 'phases'>, now?: number): number | null {
  const billed = job.phases.filter((p) => !WAITING_PHASES.includes(p.type));
  if (!billed.length) return null;
  const start = Math.min(...billed.map((p) => Date.parse(p.start)));
  const end = Math.max(...billed.map((p) => (p.end ? Date.parse(p.end) : (now ?? Date.parse(p.start)))));
  return Math.max(0, end - start);
}

/** The minutes CodeBuild bills for `ms` of build: every started minute, and at least one. */
export function computeBilledMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

/** What a finished job cost on CodeBuild: started minutes × the compute type's price (the small price for an unknown type). */
export function estimateCost(job: JobRecord, prices: Readonly<Record<string, number>> = CODEBUILD_PRICE_PER_MINUTE): number | null {
  const ms = computeBilledMs(job);
  if (ms === null) return null;
  return Math.round(computeBilledMinutes(ms) * (prices[job.computeType] ?? prices.small ?? CODEBUILD_PRICE_PER_MINUTE.small!) * 10_000) / 10_000;
}
