import type { LogLine } from './run-record.js';

/**
 * The run log file format, written by the build pipeline and read by the CLI and the report
 * page: one output line per line, `ISO time <TAB> stream <TAB> text`, the text with its ANSI
 * colours kept. Its one owner; pure and dependency-free, because the page runs it in the browser.
 */

/** One log line as the file stores it (with its newline). */
export function formatLogLine(line: LogLine): string {
  return `${line.time}\t${line.stream}\t${line.text}\n`;
}

/**
 * One stored line back as time, stream and text. A line without two tabs (not written by
 * Tessera, e.g. a file a user appended to) is kept whole as stdout with no time.
 */
export function parseLogLine(line: string): { time: string; stream: string; text: string } {
  const a = line.indexOf('\t');
  const b = a < 0 ? -1 : line.indexOf('\t', a + 1);
  return b < 0 ? { time: '', stream: 'stdout', text: line } : { time: line.slice(0, a), stream: line.slice(a + 1, b), text: line.slice(b + 1) };
}

/** Every line of a log file's text, in order; empty lines are skipped. */
export function parseLogFile(text: string): { time: string; stream: string; text: string }[] {
  return text.split('\n').filter(Boolean).map(parseLogLine);
}
