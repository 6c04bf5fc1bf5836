/**
 * How the report words and colours a job's status. Unknown statuses (from a newer Tessera,
 * or an executor that invents one) are shown as they are, in a neutral colour, never dropped.
 */

/** A status's colour family: the report's CSS and the Markdown's emoji key on it. */
export type StatusTone = 'ok' | 'failed' | 'running' | 'queued' | 'stopped' | 'skipped' | 'unknown';

const KNOWN: Readonly<Record<string, { label: string; tone: StatusTone }>> = {
  SUCCEEDED: { label: 'succeeded', tone: 'ok' },
  FAILED: { label: 'failed', tone: 'failed' },
  FAULT: { label: 'fault', tone: 'failed' },
  TIMED_OUT: { label: 'timed out', tone: 'failed' },
  IN_PROGRESS: { label: 'running', tone: 'running' },
  QUEUED: { label: 'queued', tone: 'queued' },
  STOPPED: { label: 'stopped', tone: 'stopped' },
  CACHED: { label: 'skipped (cached)', tone: 'skipped' },
};

/** `CACHED` → `skipped (cached)`, `TIMED_OUT` → `timed out`; an unknown `FOO_BAR` → `foo bar`. Pure. */
export function describeStatus(status: string): { label: string; tone: StatusTone } {
  return KNOWN[status] ?? { label: status.toLowerCase().replace(/_/g, ' '), tone: 'unknown' };
}
