import type { ErrorCode } from '../errors/codes.js';
import { TesseraError, isTesseraError } from '../errors/tessera-error.js';

/**
 * Which database a failure is about. Several parts of Tessera keep SQLite files (the run
 * history, the webhook queue), and a user who meets a locked or broken file needs to be told
 * which of them it is, and what moving it aside would throw away.
 */
export interface DatabaseRole {
  /** What messages call it, without an article: `runs database` reads "the runs database", "a readable runs database". */
  name: string;
  /** The code of the TesseraErrors about it. */
  code: ErrorCode;
  /** What moving the file aside starts, for the hint of a file that is not a database: `a fresh run history`. */
  startAfresh: string;
  /** How to put it elsewhere, for the hint of a directory that cannot be made: "set `cacheDir` in tessera.config.json to a writable directory". */
  relocate: string;
}

/** The SQLite error code better-sqlite3 puts on its errors (`SQLITE_BUSY`, `SQLITE_NOTADB`, ...). */
function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Turns whatever SQLite threw while `doing` something with the database `role` at `path` into
 * a TesseraError that names the database, the file and the way out. The three conditions a
 * user can meet in practice (another process holding the lock, a file that is not a database,
 * a read-only place) each get their own hint, because "delete it" is the wrong advice for the
 * first and dangerous advice for the second. TesseraErrors pass through untouched.
 */
export function toSqliteError(role: DatabaseRole, path: string, doing: string, error: unknown, busyTimeoutMs: number): TesseraError {
  if (isTesseraError(error)) return error;
  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TesseraError(role.code, `The ${role.name} ${path} is locked by another process: gave up ${doing} after waiting ${busyTimeoutMs / 1000} s (${detail})`, {
      hint: `Another tessera command is probably writing to it: let it finish and run this command again. If none is running, find the process that still holds the file (\`lsof ${path}\`) and stop it.`,
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new TesseraError(role.code, `${path} is not a readable ${role.name} (${detail}); Tessera left it as it is`, {
      hint: `Move it aside to start ${role.startAfresh} and keep the old file for inspection: \`mv ${path} ${path}.broken\` (also move ${path}-wal if it exists).`,
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_FULL')) {
    return new TesseraError(role.code, `Cannot write the ${role.name} ${path} while ${doing} (${detail})`, {
      hint: `Check that ${path} and its directory are writable and the disk is not full; SQLite also creates ${path}-wal and ${path}-shm next to it.`,
      cause: error,
    });
  }
  return new TesseraError(role.code, `The ${role.name} ${path} failed while ${doing}: ${detail}`, { cause: error });
}
