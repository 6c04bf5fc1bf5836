import { TesseraError, isTesseraError } from '../errors/tessera-error.js';

/** The SQLite error code better-sqlite3 puts on its errors (`SQLITE_BUSY`, `SQLITE_NOTADB`, ...). */
function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Turns whatever SQLite threw while `doing` something with the runs database at `path` into
 * a TESSERA_RUNS_DB_FAILED that names the file and the way out. The three conditions a user
 * can meet in practice (another process holding the lock, a file that is not a database, a
 * read-only place) each get their own hint, because "delete it" is the wrong advice for the
 * first and dangerous advice for the second. TesseraErrors pass through untouched.
 */
export function toRunsDbError(path: string, doing: string, error: unknown, busyTimeoutMs: number): TesseraError {
  if (isTesseraError(error)) return error;
  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TesseraError('TESSERA_RUNS_DB_FAILED', `The runs database ${path} is locked by another process: gave up ${doing} after waiting ${busyTimeoutMs / 1000} s (${detail})`, {
      hint: `Another tessera command is probably writing to it: let it finish and run this command again. If none is running, find the process that still holds the file (\`lsof ${path}\`) and stop it.`,
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new TesseraError('TESSERA_RUNS_DB_FAILED', `${path} is not a readable runs database (${detail}); Tessera left it as it is`, {
      hint: `Move it aside to start a fresh run history and keep the old file for inspection: \`mv ${path} ${path}.broken\` (also move ${path}-wal if it exists).`,
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_FULL')) {
    return new TesseraError('TESSERA_RUNS_DB_FAILED', `Cannot write the runs database ${path} while ${doing} (${detail})`, {
      hint: `Check that ${path} and its directory are writable and the disk is not full; SQLite also creates ${path}-wal and ${path}-shm next to it.`,
      cause: error,
    });
  }
  return new TesseraError('TESSERA_RUNS_DB_FAILED', `The runs database ${path} failed while ${doing}: ${detail}`, { cause: error });
}
