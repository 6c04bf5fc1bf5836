import { describe, expect, it } from 'vitest';
import { formatLogLine, parseLogFile, parseLogLine } from '../../../tools/src/records/log-line.js';

describe('the run log line format', () => {
  it.each([
    { time: '2026-12-01T10:00:00.000Z', stream: 'stdout' as const, text: 'plain' },
    { time: '2026-12-01T10:00:01.000Z', stream: 'stderr' as const, text: 'a\ttab\tinside and \x1b[31mcolour\x1b[0m' },
    { time: '2026-12-01T10:00:02.000Z', stream: 'system' as const, text: '' },
  ])('round-trips %j', (line) => {
    const stored = formatLogLine(line);
    expect(stored.endsWith('\n')).toBe(true);
    expect(parseLogLine(stored.slice(0, -1))).toEqual(line);
  });

  it('keeps a line Tessera did not write whole, as stdout', () => {
    expect(parseLogLine('no tabs here')).toEqual({ time: '', stream: 'stdout', text: 'no tabs here' });
    expect(parseLogLine('one\ttab')).toEqual({ time: '', stream: 'stdout', text: 'one\ttab' });
  });

  it('reads a file line by line, skipping empty lines', () => {
    const text = formatLogLine({ time: 't1', stream: 'stdout', text: 'x' }) + '\n' + formatLogLine({ time: 't2', stream: 'stderr', text: 'y' });
    expect(parseLogFile(text).map((l) => l.text)).toEqual(['x', 'y']);
  });
});
