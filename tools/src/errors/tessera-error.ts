import { ERROR_CODES, type ErrorCode, type WarningCode } from './codes.js';

/** Where a problem is: esbuild's `Location`, trimmed to what Tessera can know. */
export interface Location {
  file: string;
  line?: number;
  column?: number;
  /** A JSON key path such as `targets.build.options.main`. */
  key?: string;
}

/** One problem found while validating: reported together with its siblings. */
export interface Problem {
  text: string;
  location?: Location;
}

/** A condition handled conservatively; shown to the user, never fatal. */
export interface Warning {
  code: WarningCode;
  text: string;
  location?: Location;
}

export interface TesseraErrorOptions {
  hint?: string;
  cause?: unknown;
  problems?: Problem[];
}

/**
 * The one error type Tessera throws on purpose. `code` is stable (see docs/errors.md),
 * `message` says what failed and where, `hint` what to do next.
 */
export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly problems: Problem[];

  constructor(code: ErrorCode, message: string, options: TesseraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TesseraError';
    this.code = code;
    this.hint = options.hint ?? ERROR_CODES[code].solve;
    this.problems = options.problems ?? [];
  }
}

/** Formats a location as `file:line:column (key)` for messages. */
export function formatLocation(location: Location): string {
  let text = location.file;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.column !== undefined) text += `:${location.column}`;
  if (location.key) text += ` (${location.key})`;
  return text;
}

/** True when `error` is a TesseraError (also across duplicated module instances). */
export function isTesseraError(error: unknown): error is TesseraError {
  return error instanceof TesseraError || (error instanceof Error && error.name === 'TesseraError' && 'code' in error);
}
