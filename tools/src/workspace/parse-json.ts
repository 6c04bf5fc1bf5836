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

/**
 * Parses JSON with comments and trailing commas (tsconfig.json's dialect). Strings are
 * respected, so `"//"` inside a value survives.
 */
export function parseJsonc(text: string, file: string): JsonResult {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const skipped = text.slice(i, end < 0 ? text.length : end + 2);
      out += skipped.replace(/[^\n]/g, ' ');
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return parseJson(out.replace(/,(\s*[}\]])/g, '$1'), file);
}
