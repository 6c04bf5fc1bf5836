import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DEFAULT_BUSY_TIMEOUT_MS } from './open-database.js';

/** Options of {@link createWalCheckpointer}. */
export interface WalCheckpointerOptions {
  /** How often the thread copies the write-ahead log into the database. @default 100 */
  intervalMs?: number;
  /** How long a checkpoint waits for a lock. @default 5000 */
  busyTimeoutMs?: number;
  /** Called once if the thread fails (the caller then checkpoints on its own again). */
  onError(error: Error): void;
}

/** A thread that checkpoints one SQLite database in WAL mode. */
export interface WalCheckpointer {
  /** Stops the thread; a checkpoint in progress finishes first (SQLite checkpoints are crash-safe anyway). */
  close(): void;
}

// Plain CommonJS so that it runs the same from the sources (tests) and from the bundle.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    if (error && error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') throw error;
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Moves WAL checkpoints off the caller's thread. SQLite checkpoints automatically inside the
 * commit that grows the log past 1000 pages, so one commit in a few hundred copies ~4 MB into
 * the database file and fsyncs it: tens of milliseconds during which an event loop answers
 * nothing. A connection that opened the database with `autoCheckpoint: false` leaves that to
 * this thread, whose PASSIVE checkpoints run beside writers without blocking them. Durability
 * does not change: commits are in the log either way, and a checkpoint cut short by a crash
 * is redone from the log.
 */
export function createWalCheckpointer(path: string, options: WalCheckpointerOptions): WalCheckpointer {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const thread = new Worker(THREAD, { eval: true, workerData: { path, sqlite, intervalMs: options.intervalMs ?? 100, busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS } });
  // Never what keeps a process alive: the database is consistent whenever the process ends.
  thread.unref();
  let closed = false;
  thread.once('error', (error) => {
    if (!closed) options.onError(error);
    closed = true;
  });
  return {
    close() {
      if (closed) return;
      closed = true;
      thread.postMessage('close');
    },
  };
}
