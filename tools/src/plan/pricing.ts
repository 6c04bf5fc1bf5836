import type { JobRecord } from '../runs/run-record.js';

/**
 * CodeBuild on-demand prices, USD per build minute, Linux general1 in us-east-1. Billed per
 * started minute from the start of PROVISIONING to the end of the build.
 */
export const CODEBUILD_PRICE_PER_MINUTE: Readonly<Record<string, number>> = { small: 0.005, medium: 0.01, large: 0.02, xlarge: 0.04, '2xlarge': 0.08 };

/** What a finished job cost on CodeBuild: started minutes × the compute type's price. */
export function estimateCost(job: JobRecord, prices: Readonly<Record<string, number>> = CODEBUILD_PRICE_PER_MINUTE): number | null {
  const billed = job.phases.filter((p) => p.type !== 'SUBMITTED' && p.type !== 'QUEUED');
  if (!billed.length) return null;
  const start = Math.min(...billed.map((p) => Date.parse(p.start)));
  const end = Math.max(...billed.map((p) => Date.parse(p.end ?? p.start)));
  const minutes = Math.max(1, Math.ceil((end - start) / 60_000));
  return Math.round(minutes * (prices[job.computeType] ?? prices.small!) * 10_000) / 10_000;
}
