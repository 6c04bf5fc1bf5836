import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import { toSqliteError, type DatabaseRole } from './sqlite-error.js';

/**
 * How long a connection waits for a lock held by another process before failing. A
 * `tessera build` holds the write lock for a few milliseconds per save, so five seconds only
 * runs out when something is really stuck.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /**
   * The schema, as an ordered list of steps: step `i` takes a database from
   * `user_version = i` to `i + 1`. Append-only: a released step is never edited, because
   * databases out there already ran it; a change is a new step.
   */
  migrations: readonly string[];
  /** Which database this is, for the messages of its failures. */
  role: DatabaseRole;
  /**
   * How long to wait for another process's lock before failing with `role.code`.
   * @default 5000
   */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating it and its directory when needed) the SQLite database at `path`, migrated
 * through `migrations`. WAL lets readers read while a writer writes, and lets two writers
 * take turns instead of failing. Never deletes or rewrites a file it cannot read: a corrupt
 * file or one from a newer Tessera is reported, with the path, as a TesseraError of
 * `role.code` that names the database.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions): Database.Database {
  const { migrations, role } = options;
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new TesseraError(role.code, `Cannot create ${dirname(path)} for the ${role.name} ${path}: ${(error as Error).message}`, {
      hint: `Make ${dirname(path)} (or its parent) writable, or ${role.relocate}.`,
      cause: error,
    });
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    // The busy timeout comes first: switching to WAL and migrating both need a lock.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL never corrupts the database; a power cut may lose the last commits
    // (of the runs database: a progress save, which the next save or markInterrupted
    // repairs). FULL would fsync on every one of the many saves of a running build.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path, migrations, role);
    return db;
  } catch (error) {
    db?.close();
    throw toSqliteError(role, path, 'opening it', error, busyTimeoutMs);
  }
}

/** The schema version of an open database (`PRAGMA user_version`). */
export function readSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database.Database, path: string, migrations: readonly string[], role: DatabaseRole): void {
  const latest = migrations.length;
  const found = readSchemaVersion(db);
  if (found > latest) {
    throw new TesseraError(role.code, `The ${role.name} ${path} has schema version ${found}, written by a newer Tessera; this one knows versions up to ${latest}`, {
      hint: `Upgrade Tessera (the newer version that wrote it is in use somewhere), or move the file aside to start a separate history with this version: \`mv ${path} ${path}.v${found}\`.`,
    });
  }
  for (let target = found + 1; target <= latest; target++) {
    // IMMEDIATE takes the write lock up front (waiting under the busy timeout), and the
    // version is read again under it: another process may have migrated in the meantime.
    db.transaction(() => {
      if (readSchemaVersion(db) >= target) return;
      db.exec(migrations[target - 1]!);
      db.pragma(`user_version = ${target}`);
    }).immediate();
  }
}
