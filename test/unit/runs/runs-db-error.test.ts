import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../../tools/src/errors/tessera-error.js';
import { RUNS_DATABASE } from '../../../tools/src/runs/open-runs-db.js';
import { toSqliteError } from '../../../tools/src/sqlite/sqlite-error.js';

const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });
const PATH = '/ws/.tessera/tessera.db';

/** What the runs store throws: the generic mapping, as the runs database. */
const toRunsDbError = (path: string, doing: string, error: unknown, busyTimeoutMs: number) => toSqliteError(RUNS_DATABASE, path, doing, error, busyTimeoutMs);

describe('SQLite errors of the runs database', () => {
  it.each([
    ['SQLITE_BUSY', /locked by another process.*waiting 5 s/, /Another tessera command/],
    ['SQLITE_BUSY_SNAPSHOT', /locked by another process/, /lsof/],
    ['SQLITE_NOTADB', /is not a readable runs database/, /mv \/ws\/\.tessera\/tessera\.db /],
    ['SQLITE_CORRUPT', /is not a readable runs database/, /Move it aside/],
    ['SQLITE_READONLY', /Cannot write/, /writable/],
    ['SQLITE_IOERR_WRITE', /Cannot write/, /disk is not full/],
    ['SQLITE_MISMATCH', /failed while saving run r1/, /tessera\.db/],
  ])('gives %s a message naming the file and a hint that fits', (code, message, hint) => {
    const cause = sqliteError(code, 'sqlite says so');
    const error = toRunsDbError(PATH, 'saving run r1', cause, 5000);
    expect(error).toBeInstanceOf(TesseraError);
    expect(error.code).toBe('TESSERA_RUNS_DB_FAILED');
    expect(error.message).toContain(PATH);
    expect(error.message).toContain('sqlite says so');
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
    expect(error.cause).toBe(cause);
  });

  it('never advises deleting a file it cannot read', () => {
    expect(toRunsDbError(PATH, 'opening it', sqliteError('SQLITE_NOTADB', 'file is not a database'), 5000).hint).not.toMatch(/delete/i);
  });

  it('passes a TesseraError through unchanged', () => {
    const original = new TesseraError('TESSERA_RUN_NOT_FOUND', 'No run with id "x"');
    expect(toRunsDbError(PATH, 'reading run x', original, 5000)).toBe(original);
  });
});
