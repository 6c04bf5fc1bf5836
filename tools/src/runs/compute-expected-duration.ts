import { type PhaseRecord, WAITING_PHASES } from '../records/run-record.js';


/**
 * How long a job built, in ms: from the start of its first phase that is not waiting
 * (see {@link WAITING_PHASES}) to the end of its last phase. `undefined` when that cannot be
 * told (no phases, never left the queue, or the last phase is still open). Pure.
 */
export function computeJobDurationMs(phases: readonly Pick<PhaseRecord, 'type' | 'start' | 'end'>[]): number | undefined {
  const first = phases.find((p) => !WAITING_PHASES.includes(p.type));
  const lastEnd = phases.at(-1)?.end;
  if (!first || !lastEnd) return undefined;
  const ms = Date.parse(lastEnd) - Date.parse(first.start);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/**
 * The median of `values`, rounded to a whole number (the mean of the middle two for an even
 * count). The median rather than the mean, because one build that hit a cold cache or a slow
 * machine should not reorder the whole schedule. `undefined` for no values. Pure.
 */
export function computeMedian(values: readonly number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return Math.round(sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
}
