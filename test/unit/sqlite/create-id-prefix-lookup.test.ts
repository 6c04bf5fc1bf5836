import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdPrefixLookup } from '../../../tools/src/sqlite/create-id-prefix-lookup.js';

const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function lookupOver(ids: string[]) {
  const db = new Database(':memory:');
  open.push(db);
  db.exec(`CREATE TABLE things (seq INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT`);
  const insert = db.prepare(`INSERT INTO things (name) VALUES (?)`);
  for (const id of ids) insert.run(id);
  return createIdPrefixLookup(db, { table: 'things', column: 'name' });
}

describe('createIdPrefixLookup', () => {
  const ids = ['run-1', 'run-10', 'run-11', 'run-12', 'other-a', 'other-b', 'solo-x', '50%_off', 'ünïcode'];

  it.each([
    ['a whole id, even when it also starts longer ones', 'run-1', { kind: 'unique', id: 'run-1' }],
    ['a prefix only one id has', 'so', { kind: 'unique', id: 'solo-x' }],
    ['a prefix of a non-ASCII id', 'ün', { kind: 'unique', id: 'ünïcode' }],
    ['a prefix with LIKE wildcards, taken literally', '50%', { kind: 'unique', id: '50%_off' }],
    ['a prefix two ids share', 'other-', { kind: 'ambiguous', ids: ['other-a', 'other-b'], more: false }],
    ['a prefix of three or more', 'run-', { kind: 'ambiguous', ids: ['run-1', 'run-10'], more: true }],
    ['no id', 'nope', { kind: 'none' }],
    ['a wildcard that would match everything in LIKE', '%', { kind: 'none' }],
    ['the empty string', '', { kind: 'none' }],
  ])('%s', (_, id, expected) => {
    expect(lookupOver(ids)(id)).toEqual(expected);
  });

  it("defaults to the table's id column", () => {
    const db = new Database(':memory:');
    open.push(db);
    db.exec(`CREATE TABLE runs (id TEXT PRIMARY KEY) STRICT; INSERT INTO runs VALUES ('20260101-a'), ('20260102-b')`);
    const lookup = createIdPrefixLookup(db, { table: 'runs' });
    expect(lookup('2026')).toEqual({ kind: 'ambiguous', ids: ['20260101-a', '20260102-b'], more: false });
    expect(lookup('20260102')).toEqual({ kind: 'unique', id: '20260102-b' });
  });
});
