import { formatDuration } from '../../runs/format-duration.js';
import type { PageJob } from '../compute-page-data.js';

/** How the timeline orders its rows. */
export type SortKey = 'start' | 'duration' | 'name';

/** How long a job built (left the queue → end, or → `now` while running); `null` if it never started. Pure. */
export function jobDuration(job: Pick<PageJob, 's' | 'e'>, now: number): number | null {
  if (job.s === null) return null;
  return Math.max(0, (job.e ?? now) - job.s);
}

/**
 * The rows to show, as indexes into `jobs`: sorted by queue time (then start), by build
 * duration (longest first), or by name; optionally only the failed ones. Jobs that never
 * started go last in the time sorts, in their run order. Pure.
 */
export function computeRowOrder(jobs: readonly PageJob[], sort: SortKey, failedOnly: boolean, now: number): number[] {
  const rows = jobs.map((_, i) => i).filter((i) => !failedOnly || jobs[i]!.tone === 'failed');
  const never = Number.POSITIVE_INFINITY;
  if (sort === 'name') return rows.sort((a, b) => jobs[a]!.app.localeCompare(jobs[b]!.app) || a - b);
  if (sort === 'duration') return rows.sort((a, b) => (jobDuration(jobs[b]!, now) ?? -1) - (jobDuration(jobs[a]!, now) ?? -1) || a - b);
  return rows.sort((a, b) => (jobs[a]!.q ?? never) - (jobs[b]!.q ?? never) || (jobs[a]!.s ?? never) - (jobs[b]!.s ?? never) || a - b);
}

/** The change from the last previous build: `+12%`, `-3%`, `±0%`, with a class for its colour. Pure. */
export function formatDelta(previous: readonly number[], current: number | null): { text: string; cls: 'up' | 'down' | 'same' } | null {
  const last = previous[previous.length - 1];
  if (last === undefined || current === null || last <= 0) return null;
  const pct = Math.round(((current - last) / last) * 100);
  if (pct === 0) return { text: '±0%', cls: 'same' };
  return pct > 0 ? { text: `+${pct}%`, cls: 'up' } : { text: `${pct}%`, cls: 'down' };
}

/**
 * A small trend line: previous builds in grey, this one as a dot (red when slower than the
 * last, green when faster). SVG markup. Pure.
 */
export function renderSparkline(previous: readonly number[], current: number | null, width: number, height: number): string {
  const values = current === null ? [...previous] : [...previous, current];
  // Nothing to compare with: no line, no dot.
  if (!previous.length) return `<svg class="trend" width="${width}" height="${height}"></svg>`;
  const max = Math.max(...values);
  const min = Math.min(...values);
  const y = (v: number) => (max === min ? height / 2 : height - 1.5 - ((v - min) / (max - min)) * (height - 3));
  const step = values.length > 1 ? (width - 4) / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(2 + i * step).toFixed(1)},${y(v).toFixed(1)}`);
  const delta = formatDelta(previous, current);
  const dot = current === null ? '' : `<circle cx="${(2 + (values.length - 1) * step).toFixed(1)}" cy="${y(current).toFixed(1)}" r="2.2" fill="${delta?.cls === 'up' ? '#d92d20' : delta?.cls === 'down' ? '#079455' : '#475467'}"/>`;
  return `<svg class="trend" width="${width}" height="${height}">${values.length > 1 ? `<polyline fill="none" stroke="#98a2b3" stroke-width="1.2" points="${points.join(' ')}"/>` : ''}${dot}</svg>`;
}

/** A job's duration for a row label: `3m 12s`, or its state when it has none. Pure. */
export function formatRowDuration(job: PageJob, now: number): string {
  const ms = jobDuration(job, now);
  if (ms !== null) return formatDuration(ms);
  return job.tone === 'skipped' ? 'cached' : job.q !== null ? 'queued' : '–';
}
