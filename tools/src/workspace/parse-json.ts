import { createRequire } from 'node:module';
import type { ParseError } from 'jsonc-parser';
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

/** Line and column (1-based) of a character offset in `text`. */
function locate(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * Parses JSON with comments and trailing commas (tsconfig.json's dialect) with jsonc-parser,
 * the parser VS Code reads these files with. Plain JSON, by far the common case, takes one
 * native parse first. A syntax error is reported at its line and column.
 */
export function parseJsonc(text: string, file: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // not plain JSON: the dialect's parser below
  }
  // Loaded on first use: most tsconfig files are plain JSON, and a warm `tessera affected` reads none.
  const { parse, printParseErrorCode } = createRequire(import.meta.url)('jsonc-parser') as typeof import('jsonc-parser');
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return { ok: true, value };
  return { ok: false, problem: { text: `invalid JSON: ${printParseErrorCode(first.error)}`, location: { file, ...locate(text, first.offset) } } };
}
