import type { Problem } from '../errors/tessera-error.js';

/** The result of parsing one JSON file: the value, or a located problem. */
export type JsonResult = { ok: true; value: unknown } | { ok: false; problem: Problem };

/**
 * Parses JSON text and, on failure, turns V8's "at position N" into a line and column,
 * so that a user sees `nx.json:3:5` rather than an offset.
 */
export function parseJson(text: string, file: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    let line: number | undefined;
    let column: number | undefined;
    if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset).split('\n');
      line = before.length;
      column = before[before.length - 1]!.length + 1;
    } else {
      const lc = /line (\d+) column (\d+)/.exec(message);
      if (lc) [line, column] = [Number(lc[1]), Number(lc[2])];
    }
    return { ok: false, problem: { text: `invalid JSON: ${message.replace(/\s*\(line \d+ column \d+\)/, '')}`, location: { file, line, column } } };
  }
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The index of the first character at or after `i` that is neither whitespace nor inside a comment. */
function skipBlank(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else return i;
  }
}

/**
 * Parses JSON with comments and trailing commas (tsconfig.json's dialect). Strings are
 * respected, so `"//"` or `",]"` inside a value survives. Plain JSON takes one native parse;
 * otherwise the text is copied span by span, comments blanked out (line numbers kept for
 * error positions) and trailing commas dropped.
 */
export function parseJsonc(text: string, file: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // not plain JSON: strip the dialect below, then report positions against that
  }
  const parts: string[] = [];
  const special = /["/,]/g;
  let from = 0;
  for (let i = 0; i < text.length; ) {
    special.lastIndex = i;
    const match = special.exec(text);
    if (!match) break;
    i = match.index;
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (c === ',') {
      const next = skipBlank(text, i + 1);
      if (text[next] === '}' || text[next] === ']') {
        parts.push(text.slice(from, i));
        from = i + 1;
      }
      i++;
    } else if (text[i + 1] === '/') {
      parts.push(text.slice(from, i));
      const end = text.indexOf('\n', i);
      i = from = end < 0 ? text.length : end;
    } else if (text[i + 1] === '*') {
      parts.push(text.slice(from, i));
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      parts.push(text.slice(i, stop).replace(/[^\n]/g, ' '));
      i = from = stop;
    } else i++;
  }
  parts.push(text.slice(from));
  return parseJson(parts.join(''), file);
}
