import type { JobRecord } from '../records/run-record.js';

/**
 * A run laid out on one time axis: the types compute-timeline produces and compute-critical-path,
 * the Gantt, the trace and the summaries read. In a file of their own so the two computations
 * do not import each other.
 */

/** The chain of builds that set the run's wall time. */
export interface CriticalPath {
  /** Indexes into the timeline's jobs, first build of the chain first; empty when nothing ran. */
  chain: number[];
  /** The last build's slowest phase: where the minutes at the end of the run went. */
  phase: { type: string; ms: number } | null;
}

/** One phase as a bar segment, in ms from the run's start. */
export interface TimelineSegment {
  type: string;
  status: string;
  start: number;
  /** `null` while the phase is still running. */
  end: number | null;
  message?: string;
  /** The build attempt, when not the first (a FAULT retry's new build). */
  attempt?: number;
}

/** One job on the run's time axis (every time in ms from the run's start). */
export interface TimelineJob {
  job: JobRecord;
  /** Its position in `run.jobs`. */
  index: number;
  /** Entered the queue; `null` when it never did (a CACHED job). */
  queuedAt: number | null;
  /** Left the queue (the end of its waiting phases); `null` while waiting or when it never queued. */
  startedAt: number | null;
  /** The end of its last phase; `null` while running or when it never ran. */
  endedAt: number | null;
  segments: TimelineSegment[];
  /** Its longest phase after waiting (an open phase counts up to `now`). */
  slowest: { type: string; ms: number } | null;
}

/** A run laid out on one time axis: what the Gantt, the trace and the summaries draw from. */
export interface Timeline {
  /** The run's start, in ms since the epoch: time 0 of the axis. */
  origin: number;
  /** From the run's start to its end, or to `now` while it runs: the wall time. */
  span: number;
  jobs: TimelineJob[];
  critical: CriticalPath;
}
