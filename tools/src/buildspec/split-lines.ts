import { StringDecoder } from 'node:string_decoder';

/** The longest line `createLineSplitter` emits; longer lines are cut into pieces of this size. */
export const MAX_LINE_CHARS = 64 * 1024;

/** Turns a byte stream into lines as they arrive. */
export interface LineSplitter {
  /** Feeds a chunk; complete lines go to `onLine` at once. */
  push(chunk: Buffer): void;
  /** Emits the last, unterminated line (if any). Call when the stream ends. */
  end(): void;
}

/**
 * Splits a stream on `\n` while it flows, so a build that prints 100 MB never holds more
 * than one partial line (at most `maxChars`) in memory. UTF-8 sequences cut between chunks
 * are decoded correctly; a `\r\n` ending loses its `\r`, other `\r` (progress bars) and
 * ANSI escape codes are kept verbatim. `onLine` receives one `time` per chunk: lines that
 * arrived together share their timestamp, which also saves a Date per line.
 */
export function createLineSplitter(onLine: (text: string, time: string) => void, maxChars = MAX_LINE_CHARS): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let partial = '';

  const emitLong = (text: string, time: string) => {
    let rest = text;
    while (rest.length > maxChars) {
      // Do not cut a surrogate pair in two.
      let cut = maxChars;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--;
      onLine(rest.slice(0, cut), time);
      rest = rest.slice(cut);
    }
    return rest;
  };

  const feed = (text: string) => {
    if (text.length === 0) return;
    const time = new Date().toISOString();
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      let line = partial + text.slice(start, nl);
      partial = '';
      if (line.endsWith('\r')) line = line.slice(0, -1);
      onLine(line.length > maxChars ? emitLong(line, time) : line, time);
      start = nl + 1;
    }
    partial += text.slice(start);
    if (partial.length > maxChars) partial = emitLong(partial, time);
  };

  return {
    push: (chunk) => feed(decoder.write(chunk)),
    end() {
      feed(decoder.end());
      if (partial.length > 0) onLine(partial, new Date().toISOString());
      partial = '';
    },
  };
}
