import { isAbsolute, resolve } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import type { Io } from './io.js';
import { type ProjectSelection, splitPatterns } from '../workspace/select-projects.js';

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

/**
 * `--format`, with `--json` as its short form: `--json` is `--format json` (over the
 * environment's default), and an explicit `--format` that prints something else on stdout is
 * refused beside it, because under `--json` stdout holds one JSON document and nothing else.
 */
export function readFormatFlag<T extends string>(values: Values, io: Io, env: string, choices: readonly T[], fallback: T): T {
  if (values.json !== true) return readChoice(readStringFlag(values, io, 'format', env), 'format', choices, fallback);
  const flag = values.format;
  if (typeof flag === 'string' && flag !== 'json') {
    throw new TesseraError('TESSERA_USAGE', `--json prints one JSON document on stdout; it does not go with --format ${flag}`, { hint: `Drop --json for --format ${flag}, or drop --format ${flag} for the JSON document.` });
  }
  return readChoice('json', 'format', choices, fallback);
}

/**
 * The range CI already worked out for Nx or Turborepo, after TESSERA_BASE / TESSERA_HEAD:
 * NX_BASE / NX_HEAD (nrwl/nx-set-shas sets them), then TURBO_SCM_BASE / TURBO_SCM_HEAD.
 */
function readCiRange(io: Io, side: 'base' | 'head'): string | undefined {
  for (const name of side === 'base' ? ['NX_BASE', 'TURBO_SCM_BASE'] : ['NX_HEAD', 'TURBO_SCM_HEAD']) {
    const value = io.env[name];
    if (value) return value;
  }
  return undefined;
}

/** The change range a command analyses, from --base/--head/--files/--uncommitted/--untracked. */
export interface RangeFlags {
  base?: string;
  head?: string;
  /** Explicit changed paths (`--files a,b`): the working tree, only these files. */
  files?: string[];
  uncommitted: boolean;
  untracked: boolean;
  deepen: boolean;
}

/**
 * The range rules of `affected` and `build`, in one place: --base and --head (else
 * TESSERA_BASE / TESSERA_HEAD); --files needs at least one path; --head compares commits, so
 * it cannot be combined with the flags that look at the working tree.
 */
export function readRangeFlags(values: Values, io: Io): RangeFlags {
  const files = typeof values.files === 'string' ? values.files.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
  if (files && files.length === 0) throw new TesseraError('TESSERA_USAGE', `--files needs at least one path; received ${JSON.stringify(values.files)}`);
  const head = readStringFlag(values, io, 'head', 'TESSERA_HEAD') ?? readCiRange(io, 'head');
  const uncommitted = values.uncommitted === true;
  const untracked = values.untracked === true;
  if (head && (uncommitted || untracked || files)) {
    throw new TesseraError('TESSERA_USAGE', '--head cannot be combined with --uncommitted, --untracked or --files, which look at the working tree', {
      hint: 'Drop --head to analyse the working tree, or drop the working-tree flags to compare commits.',
    });
  }
  return { base: readStringFlag(values, io, 'base', 'TESSERA_BASE') ?? readCiRange(io, 'base'), head, files, uncommitted, untracked, deepen: readBooleanFlag(values, io, 'deepen', 'TESSERA_DEEPEN') };
}

/**
 * `--projects a,tag:web,!b` and `--exclude legacy-*`: which apps a command reports or builds,
 * as Nx reads the same flags. A flag given with nothing in it is a usage error.
 */
export function readSelectionFlags(values: Values): ProjectSelection | undefined {
  const include = splitPatterns(typeof values.projects === 'string' ? values.projects : undefined);
  const exclude = splitPatterns(typeof values.exclude === 'string' ? values.exclude : undefined);
  for (const [flag, list] of [['projects', include], ['exclude', exclude]] as const) {
    if (list && list.length === 0) throw new TesseraError('TESSERA_USAGE', `--${flag} needs at least one project name, glob or tag:pattern; received ${JSON.stringify(values[flag])}`);
  }
  return include || exclude ? { ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) } : undefined;
}
