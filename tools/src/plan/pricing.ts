import { WAITING_PHASES } from '../runs/compute-expected-duration.js';
import type { JobRecord } from '../runs/run-record.js';

/**
 * CodeBuild on-demand prices, USD per build minute, Linux general1 in us-east-1. Billed per
 * started minute from the start of PROVISIONING to the end of the build. Overridden per
 * compute type by `codebuild.pricePerMinute` in tessera.config.json.
 */
export const CODEBUILD_PRICE_PER_MINUTE: Readonly<Record<string, number>> = { small: 0.005, medium: 0.01, large: 0.02, xlarge: 0.04, '2xlarge': 0.08 };

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
