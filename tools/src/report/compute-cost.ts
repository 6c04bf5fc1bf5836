import { computeBilledMs, computeJobBilledMinutes } from '../runs/estimate-cost.js';
import type { RunRecord } from '../records/run-record.js';

/** What one compute type's builds took and cost. */
export interface CostRow {
  computeType: string;
  /** Builds of this type that ran (left the queue). */
  jobs: number;
  /** Their summed build time in ms, as CodeBuild measures it (PROVISIONING to the end). */
  buildMs: number;
  /** Their started minutes: each build (each attempt of a job) rounded up to whole minutes, at least one. */
  billedMinutes: number;
  /** USD a minute; `null` when the price table has no such compute type. */
  pricePerMinute: number | null;
  cost: number | null;
}

/** A run's build minutes and CodeBuild cost, by compute type. */
export interface RunCost {
  rows: CostRow[];
  buildMs: number;
  billedMinutes: number;
  /** The cost of the rows with a price (compute types without one are in `unpriced`). */
  total: number;
  unpriced: string[];
  /** Where the builds ran: for `local`, the cost is what CodeBuild would have charged. */
  ranOn: 'codebuild' | 'local' | 'mixed' | 'none';
}

/**
 * Build minutes and cost by compute type: each build billed per started minute at its compute
 * type's price from `prices` (USD a minute). Builds still running count up to `now`. Pure.
 */
export function computeRunCost(run: RunRecord, prices: Readonly<Record<string, number>>, now: number): RunCost {
  const byType = new Map<string, CostRow>();
  const executors = new Set<string>();
  for (const job of run.jobs) {
    const ms = computeBilledMs(job, now);
    if (ms === null) continue;
    executors.add(job.executor);
    const price = Object.hasOwn(prices, job.computeType) ? prices[job.computeType]! : null;
    const row = byType.get(job.computeType) ?? { computeType: job.computeType, jobs: 0, buildMs: 0, billedMinutes: 0, pricePerMinute: price, cost: price === null ? null : 0 };
    row.jobs++;
    row.buildMs += ms;
    row.billedMinutes += computeJobBilledMinutes(job, now)!;
    if (price !== null) row.cost = round(row.billedMinutes * price);
    byType.set(job.computeType, row);
  }
  const order = Object.keys(prices);
  const rows = [...byType.values()].sort((a, b) => rank(order, a.computeType) - rank(order, b.computeType) || a.computeType.localeCompare(b.computeType));
  return {
    rows,
    buildMs: rows.reduce((sum, r) => sum + r.buildMs, 0),
    billedMinutes: rows.reduce((sum, r) => sum + r.billedMinutes, 0),
    total: round(rows.reduce((sum, r) => sum + (r.cost ?? 0), 0)),
    unpriced: rows.filter((r) => r.pricePerMinute === null).map((r) => r.computeType),
    ranOn: executors.size === 0 ? 'none' : executors.size > 1 ? 'mixed' : executors.has('codebuild') ? 'codebuild' : 'local',
  };
}

const round = (usd: number) => Math.round(usd * 10_000) / 10_000;
const rank = (order: string[], type: string) => (order.includes(type) ? order.indexOf(type) : order.length);
