import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../../../tools/src/errors/tessera-error.js';
import { openDatabase } from '../../../tools/src/sqlite/open-database.js';
import { toSqliteError, type DatabaseRole } from '../../../tools/src/sqlite/sqlite-error.js';

const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });
const PATH = '/srv/queue.db';
const QUEUE: DatabaseRole = { name: 'parcel queue database', code: 'TESSERA_WEBHOOK_FETCH_FAILED', startAfresh: 'an empty parcel queue', relocate: 'set `parcels.db` elsewhere' };

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('toSqliteError', () => {
  it.each([
    ['SQLITE_BUSY', 'The parcel queue database /srv/queue.db is locked by another process: gave up saving p1 after waiting 2.5 s (sqlite says so)'],
    ['SQLITE_NOTADB', '/srv/queue.db is not a readable parcel queue database (sqlite says so); Tessera left it as it is'],
    ['SQLITE_FULL', 'Cannot write the parcel queue database /srv/queue.db while saving p1 (sqlite says so)'],
    ['SQLITE_MISMATCH', 'The parcel queue database /srv/queue.db failed while saving p1: sqlite says so'],
  ])('names the database it is given, with its code (%s)', (code, message) => {
    const cause = sqliteError(code, 'sqlite says so');
    const error = toSqliteError(QUEUE, PATH, 'saving p1', cause, 2500);
    expect(error).toBeInstanceOf(TesseraError);
    expect(error.code).toBe('TESSERA_WEBHOOK_FETCH_FAILED');
    expect(error.message).toBe(message);
    expect(error.message).not.toMatch(/runs/);
    expect(error.cause).toBe(cause);
  });

  it('says what moving a broken file aside starts, for the database it is given', () => {
    expect(toSqliteError(QUEUE, PATH, 'opening it', sqliteError('SQLITE_CORRUPT', 'malformed'), 5000).hint).toContain('Move it aside to start an empty parcel queue');
  });
});

describe('openDatabase', () => {
  it('names the database it is given when the file is not a database', () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'));
    const path = join(dir, 'queue.db');
    writeFileSync(path, 'not a database\n'.repeat(300));
    let error: unknown;
    try {
      openDatabase(path, { migrations: [`CREATE TABLE t (x)`], role: QUEUE }).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TesseraError);
    expect((error as TesseraError).code).toBe('TESSERA_WEBHOOK_FETCH_FAILED');
    expect((error as TesseraError).message).toContain(`${path} is not a readable parcel queue database`);
  });

  it('names the database it is given when a newer Tessera wrote it', () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'));
    const path = join(dir, 'queue.db');
    openDatabase(path, { migrations: [`CREATE TABLE t (x)`, `CREATE TABLE u (y)`], role: QUEUE }).close();
    expect(() => openDatabase(path, { migrations: [`CREATE TABLE t (x)`], role: QUEUE })).toThrow(`The parcel queue database ${path} has schema version 2, written by a newer Tessera; this one knows versions up to 1`);
  });
});
