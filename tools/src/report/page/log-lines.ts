import { parseLogFile } from '../../records/log-line.js';

/** A build log as the page reads it (the format is records/log-line.ts's). Pure. */

/**
 * The text a log sidecar script hands over: a string, or a function whose source text holds
 * the log in its one comment (see writeSidecar in write-report.ts).
 */
export function readSidecarLog(log: string | (() => void)): string {
  if (typeof log === 'string') return log;
  const source = log.toString();
  return source.slice(source.indexOf('/*') + 2, source.lastIndexOf('*/'));
}

/** One log line. */
export interface LogEntry {
  time: string;
  stream: string;
  /** The text with its ANSI escape sequences. */
  raw: string;
  /** The text without them, for search and error detection. */
  plain: string;
}

// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;

/** Text without its ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI, '') : text;
}

/** Parses a log file's text. A line without tabs (not written by Tessera) is kept as plain output. */
export function parseLogText(text: string): LogEntry[] {
  return parseLogFile(text).map(({ time, stream, text: raw }) => ({ time, stream, raw, plain: stripAnsi(raw) }));
}

// A red foreground: SGR 31 or 91, or 256-colour reds (1, 9, 160, 196).
const RED = /\x1b\[(?:[0-9;]*;)?(?:31|91|38;5;(?:1|9|160|196))(?:;[0-9;]*)?m/;
// The words compilers, test runners and package managers use, as whole words.
const WORDS = /(?:^|[^\w-])(?:errors?|fatal|exception|panic|failed|failures?)(?:[^\w-]|$)|ERR!|✖|✘|did not exit successfully/i;
const ECHO = /^\[Container\] \S+ \S+ Running command /;
const NONE = /\b(?:0|no) (?:errors?|failed|failures?)\b/i;

/**
 * Whether a line reports an error: it is printed in red, or it says error, fatal, failed,
 * exception or panic as a word (`0 errors`, `no failures` and `error-ex` do not count), or
 * it is the runner's `Command did not exit successfully`.
 */
export function isErrorLine(entry: Pick<LogEntry, 'stream' | 'raw' | 'plain'>): boolean {
  // The runner echoes each command before running it: its text is not output.
  if (entry.stream === 'system' && ECHO.test(entry.plain)) return false;
  if (RED.test(entry.raw)) return true;
  return WORDS.test(entry.plain) && !NONE.test(entry.plain);
}

/**
 * The line to jump to: the first error line of the build's own output, else the first of the
 * runner's (`Command did not exit successfully`, which comes after what caused it), else -1.
 * `errors` is isErrorLine of each entry, when the caller has it already.
 */
export function findFirstError(entries: readonly Pick<LogEntry, 'stream' | 'raw' | 'plain'>[], errors: readonly boolean[] = entries.map(isErrorLine)): number {
  const output = entries.findIndex((e, i) => errors[i] && e.stream !== 'system');
  return output >= 0 ? output : errors.indexOf(true);
}

/** Where each phase marker goes: before the first line at or after the phase's start. */
export function placeMarkers(entries: readonly Pick<LogEntry, 'time'>[], markerTimes: readonly string[]): number[] {
  return markerTimes.map((t) => {
    // Lines are in time order; a binary search keeps this fast on long logs.
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid]!.time < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}
