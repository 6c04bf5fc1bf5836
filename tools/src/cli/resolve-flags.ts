import { isAbsolute, resolve } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import type { Io } from './io.js';

type Values = Record<string, string | boolean | string[] | undefined>;

/** A string flag, else its TESSERA_* environment variable (the flag wins). */
export function readStringFlag(values: Values, io: Io, flag: string, env: string): string | undefined {
  const value = values[flag];
  if (typeof value === 'string') return value;
  const fromEnv = io.env[env];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/** A boolean flag, else its TESSERA_* variable ("1", "true" or "yes"). */
export function readBooleanFlag(values: Values, io: Io, flag: string, env: string): boolean {
  if (values[flag] === true) return true;
  return /^(1|true|yes)$/i.test(io.env[env] ?? '');
}

/** The workspace directory: --cwd, else TESSERA_CWD, else the current directory. */
export function readWorkspaceDir(values: Values, io: Io): string {
  const dir = readStringFlag(values, io, 'cwd', 'TESSERA_CWD');
  return dir ? (isAbsolute(dir) ? dir : resolve(io.cwd, dir)) : io.cwd;
}

/** Checks a flag's value against a list, quoting what was received. */
export function readChoice<T extends string>(value: string | undefined, flag: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new TesseraError('TESSERA_USAGE', `--${flag} must be one of ${choices.join(', ')}; received "${value}"`);
}
