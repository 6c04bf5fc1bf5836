import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { isTesseraError } from '../../tools/src/errors/tessera-error.js';
import { CODEBUILD_PRICE_PER_MINUTE } from '../../tools/src/workspace/config.js';
import { createLiveReport } from '../../tools/src/report/live-report.js';
import { readSidecarLog } from '../../tools/src/report/page/log-lines.js';
import { createReportWriter, resolveLogDir, resolveReportFile, type ReportWriter } from '../../tools/src/report/write-report.js';
import type { RunRecord } from '../../tools/src/records/run-record.js';
import { createSampleRun, writeJobLogs } from '../support/report-runs.js';

let dir: string;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
const T0 = Date.parse('2026-11-22T14:05:00.000Z');

function setUp(): { run: RunRecord; writer: ReportWriter } {
  dir = mkdtempSync(join(tmpdir(), 'tessera-write-report-'));
  const run = createSampleRun(T0);
  writeJobLogs(dir, run);
  return { run, writer: createReportWriter({ root: dir, file: join(dir, 'out', 'run.html'), prices: CODEBUILD_PRICE_PER_MINUTE, script: '/* page */' }) };
}

/** Runs a sidecar script as the page does, and returns the log text it hands over. */
function loadSidecar(file: string): { index: number; text: string } {
  let got: { index: number; text: string } | undefined;
  runInNewContext(readFileSync(file, 'utf8'), { __tesseraLog: (index: number, log: string | (() => void)) => (got = { index, text: readSidecarLog(log) }) });
  return got!;
}

describe('createReportWriter', () => {
  it('puts each log next to the HTML as a script that hands back exactly its bytes, and links only those', () => {
    const { run, writer } = setUp();
    const checkout = run.jobs.findIndex((j) => j.app === 'checkout');
    appendFileSync(join(dir, run.jobs[checkout]!.logFile!), '2026-11-22T14:09:00.000Z\tstdout\tweird \\ ` ${x} \u2028 \r end\n');
    const written = run.jobs.map((_, i) => writer.writeLog(run, i));
    expect(written).toEqual([true, true, true, true, false, false]); // profile is queued (no log file), course-page cached
    for (const [i, job] of run.jobs.entries()) {
      if (!written[i]) continue;
      const sidecar = join(dir, 'out', 'run-logs', `${String(i).padStart(4, '0')}.js`);
      expect(loadSidecar(sidecar)).toEqual({ index: i, text: readFileSync(join(dir, job.logFile!), 'utf8') });
    }
    writer.writeHtml(run, T0 + 330_000);
    const html = readFileSync(writer.file, 'utf8');
    expect(html).toContain('"log":"run-logs/0000.js"');
    expect(html.match(/"log":null/g)).toHaveLength(2);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['run-logs', 'run.html']); // no temporary file left
  });

  it('writes a log holding the end of a comment as a JSON string instead', () => {
    const { run, writer } = setUp();
    appendFileSync(join(dir, run.jobs[0]!.logFile!), '2026-11-22T14:09:00.000Z\tstdout\t/* a comment */ inside\n');
    writer.writeLog(run, 0);
    const sidecar = join(dir, 'out', 'run-logs', '0000.js');
    expect(readFileSync(sidecar, 'utf8').split('\n')[1]).toMatch(/^__tesseraLog\(0,"/);
    expect(loadSidecar(sidecar).text).toBe(readFileSync(join(dir, run.jobs[0]!.logFile!), 'utf8'));
  });

  it('copies again only the logs that changed when it writes over an earlier report', () => {
    const { run, writer } = setUp();
    run.jobs.forEach((_, i) => writer.writeLog(run, i));
    const sidecar = (i: number) => join(dir, 'out', 'run-logs', `${String(i).padStart(4, '0')}.js`);
    writeFileSync(sidecar(0), readFileSync(sidecar(0), 'utf8') + '// untouched when unchanged\n');
    appendFileSync(join(dir, run.jobs[1]!.logFile!), '2026-11-22T14:09:00.000Z\tstdout\tmore\n');
    const again = createReportWriter({ root: dir, file: writer.file, prices: CODEBUILD_PRICE_PER_MINUTE, script: '' });
    run.jobs.forEach((_, i) => again.writeLog(run, i));
    expect(readFileSync(sidecar(0), 'utf8')).toContain('// untouched when unchanged');
    expect(loadSidecar(sidecar(1)).text).toMatch(/\tmore\n$/);
    // Another run's logs under the same file names are never taken for this run's.
    const other = { ...run, id: 'another-run' };
    again.writeLog(other, 0);
    expect(readFileSync(sidecar(0), 'utf8')).not.toContain('// untouched when unchanged');
  });

  it('fails with TESSERA_REPORT_WRITE_FAILED, naming the file, when it cannot write', () => {
    const { run } = setUp();
    writeFileSync(join(dir, 'blocker'), 'a file, not a directory');
    const writer = createReportWriter({ root: dir, file: join(dir, 'blocker', 'run.html'), prices: CODEBUILD_PRICE_PER_MINUTE, script: '' });
    for (const work of [() => writer.writeHtml(run), () => writer.writeLog(run, 0)]) {
      let error: unknown;
      try {
        work();
      } catch (e) {
        error = e;
      }
      expect(isTesseraError(error) && error.code === 'TESSERA_REPORT_WRITE_FAILED' && error.message.includes(join(dir, 'blocker'))).toBe(true);
    }
  });

  it('creates the directories it needs, and returns the size it wrote', () => {
    const { run } = setUp();
    const file = join(dir, 'a', 'b', 'c.html');
    expect(createReportWriter({ root: dir, file, prices: CODEBUILD_PRICE_PER_MINUTE, script: '' }).writeHtml(run)).toBe(statSync(file).size);
  });

  it('puts reports under the cache directory, logs in a folder named after the file', () => {
    expect(resolveReportFile('/ws', '.tessera', 'r1')).toBe('/ws/.tessera/reports/r1.html');
    expect(resolveReportFile('/ws', '/var/cache/t', 'r1')).toBe('/var/cache/t/reports/r1.html');
    expect(resolveLogDir('/x/report.html')).toBe('/x/report-logs');
    expect(resolveLogDir('/x/report')).toBe('/x/report-logs');
  });
});

describe('createLiveReport', () => {
  function fakeWriter(fail = false) {
    const calls: string[] = [];
    const writer: ReportWriter = {
      file: '/reports/run.html',
      writeLog(_run, index) {
        calls.push(`log ${index}`);
        if (fail) throw Object.assign(new Error('disk full'), { name: 'TesseraError', code: 'TESSERA_REPORT_WRITE_FAILED' });
        return index !== 5;
      },
      writeHtml(_run, now) {
        calls.push(`html ${now}`);
        if (fail) throw Object.assign(new Error('disk full'), { name: 'TesseraError', code: 'TESSERA_REPORT_WRITE_FAILED' });
        return 1;
      },
    };
    return { writer, calls };
  }

  it('writes the HTML at most once per interval, each log once, and everything at the end', () => {
    let now = 0;
    const { writer, calls } = fakeWriter();
    const live = createLiveReport(writer, { intervalMs: 2000, clock: () => now });
    const run = createSampleRun(T0);
    for (const t of [0, 500, 1999, 2000, 2100, 4500]) {
      now = t;
      live.update(run);
    }
    live.logClosed(run, 'checkout');
    live.logClosed(run, 'checkout');
    live.logClosed(run, 'no-such-app');
    now = 5000;
    live.finish(run);
    expect(calls).toEqual(['html 0', 'html 2000', 'html 4500', 'log 2', 'log 0', 'log 1', 'log 3', 'log 4', 'log 5', 'html 5000']);
    expect(live.error).toBeNull();
  });

  it('never throws a write failure into the build: it keeps the first one', () => {
    const { writer } = fakeWriter(true);
    const live = createLiveReport(writer, { clock: () => 0 });
    const run = createSampleRun(T0);
    live.update(run);
    live.logClosed(run, 'catalog');
    live.finish(run);
    expect(live.error?.message).toBe('disk full');
  });
});
