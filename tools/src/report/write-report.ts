import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import type { BuildHistoryPoint, RunRecord } from '../records/run-record.js';
import { readPageScript } from './read-page-script.js';
import { renderHtmlReport } from './render-html.js';

/** Where `tessera build` and `tessera report` put a run's HTML report: `<cacheDir>/reports/<run id>.html`. */
export function resolveReportFile(root: string, cacheDir: string, runId: string): string {
  return join(isAbsolute(cacheDir) ? cacheDir : join(root, cacheDir), 'reports', `${runId}.html`);
}

/** The directory of a report's log sidecars: `run.html` → `run-logs/`, next to it. */
export function resolveLogDir(htmlFile: string): string {
  return join(dirname(htmlFile), `${basename(htmlFile).replace(/\.html?$/i, '')}-logs`);
}

/** Options of {@link createReportWriter}. */
export interface ReportWriterOptions {
  /** The workspace: jobs' `logFile` paths are relative to it. */
  root: string;
  /** The HTML file to write (absolute). */
  file: string;
  /** USD per build minute by compute type. */
  prices: Readonly<Record<string, number>>;
  /** Earlier builds per app, for the trends. */
  history?: ReadonlyMap<string, readonly BuildHistoryPoint[]>;
  /** CodeBuild's region, for console links. */
  region?: string;
  /** How often a live report reloads itself. @default 5000 */
  refreshMs?: number;
  /** @default readPageScript() */
  script?: string;
}

/** Writes one run's report: the HTML file, and its logs as sidecar scripts next to it. */
export interface ReportWriter {
  readonly file: string;
  /**
   * Copies a job's log next to the report as a sidecar script, which the page loads when the
   * build is opened. False when the job has no log file (yet).
   */
  writeLog(run: RunRecord, index: number): boolean;
  /**
   * Renders and writes the HTML, atomically (a page reloading itself meanwhile never reads
   * half a file), linking the logs written so far. Returns its size in bytes.
   */
  writeHtml(run: RunRecord, now?: number): number;
}

const sidecarName = (index: number) => `${String(index).padStart(4, '0')}.js`;

/**
 * Writes a log as a sidecar script. The page cannot fetch a text file from file://, but it can
 * load a script, so the log goes inside one: `__tesseraLog(index, function(){/*LOG*\/})`, the
 * log's bytes unchanged in a comment, which the page reads back with Function#toString (the
 * exact source text). No decoding, escaping or encoding: a 1,000-job run's 200 MB of logs are
 * copied as fast as the disk allows. A log that contains the comment's end is written as a
 * JSON string instead. The first line names the source (run, app, size, time), so that a
 * report written again over the same files copies only what changed.
 */
function writeSidecar(target: string, header: string, index: number, log: Buffer): void {
  const fd = openSync(target, 'w');
  try {
    if (log.includes('*/')) writeSync(fd, `${header}\n__tesseraLog(${index},${JSON.stringify(log.toString('utf8'))});\n`);
    else {
      writeSync(fd, `${header}\n__tesseraLog(${index},function(){/*`);
      writeSync(fd, log);
      writeSync(fd, '*/});\n');
    }
  } finally {
    closeSync(fd);
  }
}

/** The first line of a file (up to 512 bytes), or null when it cannot be read. */
function readFirstLine(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.alloc(512);
    const text = buffer.subarray(0, readSync(fd, buffer, 0, 512, 0)).toString('utf8');
    return text.split('\n', 1)[0]!;
  } finally {
    closeSync(fd);
  }
}

/** Creates a writer for one report file. Throws TESSERA_REPORT_WRITE_FAILED when a write fails. */
export function createReportWriter(options: ReportWriterOptions): ReportWriter {
  const { file } = options;
  const logDir = resolveLogDir(file);
  const logs = new Set<number>();
  const guard = <T>(what: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw new TesseraError('TESSERA_REPORT_WRITE_FAILED', `Cannot write ${what}: ${(error as Error).message}`, { cause: error });
    }
  };
  return {
    file,
    writeLog(run, index) {
      const job = run.jobs[index];
      if (!job?.logFile) return false;
      const source = join(options.root, job.logFile);
      let stat;
      try {
        stat = statSync(source);
      } catch {
        return false; // no output (yet)
      }
      const target = join(logDir, sidecarName(index));
      const header = `// tessera log ${JSON.stringify([run.id, job.app, stat.size, stat.mtimeMs])}`;
      if (readFirstLine(target) !== header) {
        guard(`the log of ${job.app} next to the report (${target})`, () => {
          mkdirSync(logDir, { recursive: true });
          writeSidecar(target, header, index, readFileSync(source));
        });
      }
      logs.add(index);
      return true;
    },
    writeHtml(run, now = Date.now()) {
      const html = renderHtmlReport(run, {
        script: options.script ?? readPageScript(),
        prices: options.prices,
        now,
        history: options.history,
        region: options.region,
        refreshMs: options.refreshMs,
        logUrl: (_job, index) => (logs.has(index) ? `${encodeURIComponent(basename(logDir))}/${sidecarName(index)}` : null),
      });
      guard(`the report ${file}`, () => {
        mkdirSync(dirname(file), { recursive: true });
        const temp = `${file}.${process.pid}.tmp`;
        writeFileSync(temp, html);
        renameSync(temp, file);
      });
      return Buffer.byteLength(html);
    },
  };
}
