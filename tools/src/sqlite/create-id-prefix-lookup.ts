import type Database from 'better-sqlite3';

/**
 * What an id given on the command line names: one row (by its whole id, or by a prefix only
 * it has), none, or several. Data, not an error, because each caller words "not found" and
 * "ambiguous" for its own things and throws its own code.
 */
export type IdPrefixMatch =
  | { kind: 'unique'; id: string }
  | { kind: 'none' }
  /** `ids` are the first two matches in id order; `more` is true when there are others. */
  | { kind: 'ambiguous'; ids: string[]; more: boolean };

/** Options of {@link createIdPrefixLookup}. */
export interface IdPrefixLookupOptions {
  /** The table, e.g. `runs`. A name from the code, never from input: it is put into the SQL. */
  table: string;
  /** Its id column, which must be a TEXT primary key or UNIQUE (the prefix is a range of its index). @default 'id' */
  column?: string;
}

/**
 * Prepares, once, the lookup behind `tessera runs show 2025…` and `tessera deliveries show
 * <prefix>`: an exact id wins even when it is also the prefix of longer ones (`run-1` beside
 * `run-10`); otherwise the prefix is a key range (`>= p AND < p + U+10FFFF`), so the index
 * answers it without LIKE's wildcards, and three rows are enough to tell an ambiguous prefix.
 * An empty id matches nothing.
 */
export function createIdPrefixLookup(db: Database.Database, options: IdPrefixLookupOptions): (id: string) => IdPrefixMatch {
  const column = options.column ?? 'id';
  const exact = db.prepare(`SELECT ${column} FROM ${options.table} WHERE ${column} = ?`).pluck();
  const range = db.prepare(`SELECT ${column} FROM ${options.table} WHERE ${column} >= ? AND ${column} < ? ORDER BY ${column} LIMIT 3`).pluck();
  return (id) => {
    if (!id) return { kind: 'none' };
    if (exact.get(id) !== undefined) return { kind: 'unique', id };
    const matches = range.all(id, `${id}\u{10FFFF}`) as string[];
    if (matches.length === 1) return { kind: 'unique', id: matches[0]! };
    if (matches.length === 0) return { kind: 'none' };
    return { kind: 'ambiguous', ids: matches.slice(0, 2), more: matches.length > 2 };
  };
}
