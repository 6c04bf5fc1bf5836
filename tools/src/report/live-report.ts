import { isTesseraError, type TesseraError } from '../errors/tessera-error.js';
import type { RunRecord } from '../records/run-record.js';
import type { ReportWriter } from './write-report.js';

/** The report of a run in progress, kept up to date while it runs. */
export interface LiveReport {
  readonly file: string;
  /** The run changed: rewrites the HTML when the last write is older than the interval. */
  update(run: RunRecord): void;
  /** A job's log file is complete: copies it next to the report. */
  logClosed(run: RunRecord, app: string): void;
  /** The run ended: copies the logs not copied yet and writes the final HTML. */
  finish(run: RunRecord): void;
  /** The first write that failed, if any: the build goes on without (part of) its report. */
  readonly error: TesseraError | null;
}

/** Options of {@link createLiveReport}. */
export interface LiveReportOptions {
  /** At most one HTML write per interval while the run is in progress. @default 2000 */
  intervalMs?: number;
  /** @default Date.now */
  clock?: () => number;
}

/**
 * Keeps a report file current during `tessera build`: the page, open in a browser, reloads
 * itself from it. Writes are throttled (rendering a 1,000-job page takes a few tens of ms),
 * and a failed write never fails the build: it is kept as `error` for a warning.
 */
export function createLiveReport(writer: ReportWriter, options: LiveReportOptions = {}): LiveReport {
  const intervalMs = options.intervalMs ?? 2000;
  const clock = options.clock ?? Date.now;
  const copied = new Set<number>();
  let lastWrite = Number.NEGATIVE_INFINITY;
  let error: TesseraError | null = null;
  const attempt = (work: () => void) => {
    try {
      work();
    } catch (e) {
      if (!isTesseraError(e)) throw e;
      error ??= e;
    }
  };
  const copy = (run: RunRecord, index: number) => {
    if (copied.has(index)) return;
    attempt(() => {
      if (writer.writeLog(run, index)) copied.add(index);
    });
  };
  return {
    file: writer.file,
    get error() {
      return error;
    },
    update(run) {
      const now = clock();
      if (now - lastWrite < intervalMs) return;
      lastWrite = now;
      attempt(() => writer.writeHtml(run, now));
    },
    logClosed(run, app) {
      const index = run.jobs.findIndex((j) => j.app === app);
      if (index >= 0) copy(run, index);
    },
    finish(run) {
      run.jobs.forEach((_, index) => copy(run, index));
      attempt(() => writer.writeHtml(run, clock()));
    },
  };
}
