import type { BuildHistoryPoint, JobRecord, RunRecord } from '../records/run-record.js';
import type { Timeline } from './timeline.js';
import { describeStatus, type StatusTone } from './describe-status.js';

/**
 * What the report page's script gets: the timeline, compact. It is embedded in the HTML as
 * JSON, so its size is the page's size at 1,000 jobs: segments are flat number arrays and
 * phase words are indexes into two small tables.
 */
export interface PageData {
  run: { id: string; status: string; label: string; tone: StatusTone; start: number; end: number | null };
  /** When the report was rendered, ms since the epoch. */
  renderedAt: number;
  /** While the run is in progress the page reloads itself this often (ms); `null` once it ended. */
  refreshMs: number | null;
  /** The wall time so far, ms. */
  span: number;
  /** Word tables for `PageJob.seg`. */
  phaseTypes: string[];
  phaseStatuses: string[];
  jobs: PageJob[];
  /** The critical path: indexes into `jobs`, first build first. */
  critical: number[];
}

/** One job, as the page draws it. Times are ms from the run's start. */
export interface PageJob {
  app: string;
  status: string;
  label: string;
  tone: StatusTone;
  version: string;
  reason: string | null;
  executor: string;
  computeType: string;
  buildId: string | null;
  consoleUrl: string | null;
  retries: number;
  error: string | null;
  /** Queued at, left the queue at, ended at (`null`: not yet / never). */
  q: number | null;
  s: number | null;
  e: number | null;
  /** Per phase: type index, status index, start, end (-1 while it runs). */
  seg: number[];
  /** Phase messages (why it failed), by phase number. */
  msg?: Record<number, string>;
  /** Build attempts after the first (a FAULT retry's new build), by phase number. */
  att?: Record<number, number>;
  /** The log's sidecar script, relative to the HTML; `null` when there is none (yet). */
  log: string | null;
  /** Its previous successful build durations (ms), oldest first. */
  trend: number[];
}

/** What {@link computePageData} needs besides the run and its timeline. */
export interface PageDataOptions {
  now: number;
  history?: ReadonlyMap<string, readonly BuildHistoryPoint[]>;
  /** A job's log URL relative to the HTML, or `null` when it has none. */
  logUrl: (job: JobRecord, index: number) => string | null;
  /** CodeBuild's region, for console links. */
  region?: string;
  /** @default 5000 */
  refreshMs?: number;
}

/** The CodeBuild console page of a build's log, or `null` when the build did not run on CodeBuild. Pure. */
export function formatConsoleUrl(job: Pick<JobRecord, 'executor' | 'buildId'>, region?: string): string | null {
  if (job.executor !== 'codebuild' || !job.buildId) return null;
  const project = job.buildId.slice(0, job.buildId.lastIndexOf(':')) || job.buildId;
  const host = region ? `${region}.console.aws.amazon.com` : 'console.aws.amazon.com';
  return `https://${host}/codesuite/codebuild/projects/${encodeURIComponent(project)}/build/${encodeURIComponent(job.buildId)}/log${region ? `?region=${encodeURIComponent(region)}` : ''}`;
}

/** The page's data for a run laid out as `timeline`. Pure. */
export function computePageData(run: RunRecord, timeline: Timeline, options: PageDataOptions): PageData {
  const types: string[] = [];
  const statuses: string[] = [];
  const word = (table: string[], w: string) => {
    const i = table.indexOf(w);
    return i >= 0 ? i : table.push(w) - 1;
  };
  const jobs = timeline.jobs.map(({ job, index, queuedAt, startedAt, endedAt, segments }): PageJob => {
    const seg: number[] = [];
    let msg: Record<number, string> | undefined;
    let att: Record<number, number> | undefined;
    segments.forEach((s, i) => {
      seg.push(word(types, s.type), word(statuses, s.status), s.start, s.end ?? -1);
      if (s.message) (msg ??= {})[i] = s.message;
      if (s.attempt) (att ??= {})[i] = s.attempt;
    });
    const { label, tone } = describeStatus(job.status);
    return {
      app: job.app, status: job.status, label, tone, version: job.version, reason: job.reason ?? null, executor: job.executor, computeType: job.computeType,
      buildId: job.buildId, consoleUrl: formatConsoleUrl(job, options.region), retries: job.retries, error: job.error,
      q: queuedAt, s: startedAt, e: endedAt, seg, ...(msg ? { msg } : {}), ...(att ? { att } : {}), log: options.logUrl(job, index),
      trend: (options.history?.get(job.app) ?? []).map((p) => Math.round(p.ms)),
    };
  });
  const { label, tone } = describeStatus(run.status);
  return {
    run: { id: run.id, status: run.status, label, tone, start: timeline.origin, end: run.end ? Date.parse(run.end) : null },
    renderedAt: options.now,
    refreshMs: run.status === 'IN_PROGRESS' ? (options.refreshMs ?? 5000) : null,
    span: timeline.span,
    phaseTypes: types,
    phaseStatuses: statuses,
    jobs,
    critical: timeline.critical.chain,
  };
}
