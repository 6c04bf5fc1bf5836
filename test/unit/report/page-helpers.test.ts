import { describe, expect, it } from 'vitest';
import type { PageJob } from '../../../tools/src/report/compute-page-data.js';
import { findFirstError, isErrorLine, parseLogText, placeMarkers, stripAnsi } from '../../../tools/src/report/page/log-lines.js';
import { computeRowOrder, formatDelta, jobDuration, renderSparkline } from '../../../tools/src/report/page/rows.js';

const line = (stream: string, raw: string) => ({ stream, raw, plain: stripAnsi(raw) });

describe('the log panel\'s reading of a log', () => {
  it('parses the runs store\'s format and keeps tabs inside the text; other lines stay as output', () => {
    expect(parseLogText('2026-11-22T14:05:01.000Z\tstdout\t\x1b[32mok\x1b[0m\tcol2\n\nplain line\n')).toEqual([
      { time: '2026-11-22T14:05:01.000Z', stream: 'stdout', raw: '\x1b[32mok\x1b[0m\tcol2', plain: 'ok\tcol2' },
      { time: '', stream: 'stdout', raw: 'plain line', plain: 'plain line' },
    ]);
  });

  it('strips colour, cursor and hyperlink sequences', () => {
    expect(stripAnsi('\x1b[1;31merror\x1b[0m \x1b[2K\x1b]8;;https://x.dev\x07link\x1b]8;;\x07')).toBe('error link');
  });

  it.each([
    ['stdout', '\x1b[31msomething went wrong\x1b[39m', true],
    ['stdout', '\x1b[1;91mbright red\x1b[0m', true],
    ['stdout', '\x1b[38;5;196mred 256\x1b[0m', true],
    ['stdout', "src/a.ts(3,1): error TS2322: Type 'x'", true],
    ['stderr', 'npm ERR! code ELIFECYCLE', true],
    ['stdout', 'Error: Cannot find module', true],
    ['stdout', 'Tests: 2 failed, 10 passed', true],
    ['stdout', 'Found 0 errors. Watching for file changes.', false],
    ['stdout', 'no failures', false],
    ['stdout', 'added error-ex@1.3.2', false],
    ['stdout', '\x1b[32mbuilt in 2.1s\x1b[0m', false],
    ['system', '[Container] 2026/11/22 14:05:01.000 Running command printf "\\033[31merror\\033[0m"', false],
    ['system', '[Container] 2026/11/22 14:05:01.000 Phase complete: BUILD State: FAILED', true],
  ])('%s %j is an error line: %s', (stream, raw, expected) => {
    expect(isErrorLine(line(stream, raw))).toBe(expected);
  });

  it("jumps to the build's own first error, not the runner's note that follows it", () => {
    const entries = [
      line('system', '[Container] 2026/11/22 14:05:01.000 Running command npx tsc'),
      line('stdout', 'compiling'),
      line('stdout', '\x1b[31merror TS2322\x1b[0m'),
      line('system', '[Container] 2026/11/22 14:05:02.000 Command did not exit successfully npx tsc exit status 2'),
    ];
    expect(findFirstError(entries)).toBe(2);
    expect(findFirstError([entries[0]!, entries[3]!])).toBe(1);
    expect(findFirstError([entries[1]!])).toBe(-1);
  });

  it('puts each phase marker before the first line at or after its start', () => {
    const entries = ['2026-11-22T14:05:01.000Z', '2026-11-22T14:05:02.000Z', '2026-11-22T14:05:02.000Z', '2026-11-22T14:05:09.000Z'].map((time) => ({ time }));
    expect(placeMarkers(entries, ['2026-11-22T14:05:00.000Z', '2026-11-22T14:05:02.000Z', '2026-11-22T14:05:03.000Z', '2026-11-22T14:06:00.000Z'])).toEqual([0, 1, 3, 4]);
  });
});

const job = (app: string, fields: Partial<PageJob>): PageJob => ({
  app, status: 'SUCCEEDED', label: 'succeeded', tone: 'ok', version: 'v', reason: null, executor: 'local', computeType: 'small', buildId: null, consoleUrl: null, retries: 0,
  error: null, q: 0, s: 0, e: 10, seg: [], log: null, trend: [], ...fields,
});

describe('the timeline rows', () => {
  const jobs = [
    job('b-slow', { q: 0, s: 0, e: 50 }),
    job('a-failed', { q: 0, s: 5, e: 20, tone: 'failed' }),
    job('c-queued', { q: 0, s: null, e: null, tone: 'queued' }),
    job('d-cached', { q: null, s: null, e: null, tone: 'skipped' }),
    job('e-running', { q: 0, s: 30, e: null, tone: 'running' }),
  ];
  it.each([
    ['start', false, ['b-slow', 'a-failed', 'e-running', 'c-queued', 'd-cached']],
    ['duration', false, ['b-slow', 'e-running', 'a-failed', 'c-queued', 'd-cached']],
    ['name', false, ['a-failed', 'b-slow', 'c-queued', 'd-cached', 'e-running']],
    ['name', true, ['a-failed']],
  ] as const)('sorted by %s (failed only: %s)', (sort, failedOnly, expected) => {
    expect(computeRowOrder(jobs, sort, failedOnly, 60).map((i) => jobs[i]!.app)).toEqual(expected);
  });

  it('measures a build from leaving the queue to its end, or to now while it runs', () => {
    expect(jobDuration(jobs[1]!, 60)).toBe(15);
    expect(jobDuration(jobs[4]!, 60)).toBe(30);
    expect(jobDuration(jobs[2]!, 60)).toBeNull();
  });

  it('compares with the last earlier build', () => {
    expect(formatDelta([100, 200], 230)).toEqual({ text: '+15%', cls: 'up' });
    expect(formatDelta([100, 200], 150)).toEqual({ text: '-25%', cls: 'down' });
    expect(formatDelta([200], 200)).toEqual({ text: '±0%', cls: 'same' });
    expect(formatDelta([], 200)).toBeNull();
    expect(formatDelta([200], null)).toBeNull();
  });

  it('draws a trend only when there is something to compare with', () => {
    expect(renderSparkline([], 100, 48, 14)).not.toMatch(/polyline|circle/);
    const svg = renderSparkline([100, 200, 150], 300, 48, 14);
    expect(svg.match(/points="([^"]+)"/)![1]!.split(' ')).toHaveLength(4);
    expect(svg).toContain('fill="#d92d20"'); // slower than last time
  });
});
