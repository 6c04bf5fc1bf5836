import type Database from 'better-sqlite3';

/**
 * The webhook service's tables, in the runs database (one file, so that `/runs` and the
 * deliveries that started them are read together, and so that several services share one
 * queue). Ordered, append-only steps like the runs schema's MIGRATIONS, but versioned in
 * their own row of `tessera_schema`, not in `user_version`: the runs part owns that counter,
 * and two parts bumping one counter from separate branches would skip each other's steps.
 *
 * `seq` orders the queue (first received, first claimed). `lease_until` is a Unix time in
 * ms, compared with the claimer's clock: leases are long (a minute) against clock skew.
 * `lease_owner` is `host:pid:nonce`, so a worker on the same host can tell that the owner
 * died without waiting for the lease to run out.
 */
export const WEBHOOK_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE webhook_deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    action TEXT,
    work_key TEXT,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until INTEGER,
    run_id TEXT,
    error TEXT,
    reason TEXT,
    log TEXT NOT NULL DEFAULT '[]'
  ) STRICT;
  -- the claim: the oldest queued (or abandoned running) delivery
  CREATE INDEX webhook_deliveries_open ON webhook_deliveries(state, seq) WHERE state IN ('queued', 'running');
  -- supersede: the open deliveries of one branch or pull request
  CREATE INDEX webhook_deliveries_key ON webhook_deliveries(work_key, seq) WHERE state IN ('queued', 'running');
  `,
  // 2: /metrics counts deliveries by state and finds the oldest queued one. Without an index
  // both read every row, payload (kilobytes, in overflow pages) included, on the receiver's
  // event loop at every scrape.
  `
  CREATE INDEX webhook_deliveries_state ON webhook_deliveries(state, received_at);
  `,
  // 3: the payload (kilobytes) in a table of its own. In the deliveries row it took overflow
  // pages, and every change of state (superseding, claiming, a heartbeat, a note) rewrote
  // the whole record, payload and all. The payload is written once, keyed by an integer (no
  // index of its own to update), and read when a worker claims or shows the delivery.
  `
  CREATE TABLE webhook_payloads (
    id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL
  ) STRICT;
  ALTER TABLE webhook_deliveries ADD COLUMN payload_id INTEGER;
  INSERT INTO webhook_payloads (id, payload) SELECT seq, payload FROM webhook_deliveries;
  UPDATE webhook_deliveries SET payload_id = seq;
  ALTER TABLE webhook_deliveries DROP COLUMN payload;
  `,
];

const PART = 'webhook';

/** Brings the webhook tables of an open runs database up to date. Safe from several processes at once. */
export function migrateWebhookSchema(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS tessera_schema (part TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT`);
  const read = db.prepare(`SELECT version FROM tessera_schema WHERE part = ?`).pluck();
  for (let target = 1; target <= WEBHOOK_MIGRATIONS.length; target++) {
    // IMMEDIATE and re-read under the lock: another service may be migrating the same file.
    db.transaction(() => {
      const found = (read.get(PART) as number | undefined) ?? 0;
      if (found >= target) return;
      db.exec(WEBHOOK_MIGRATIONS[target - 1]!);
      db.prepare(`INSERT INTO tessera_schema (part, version) VALUES (?, ?) ON CONFLICT (part) DO UPDATE SET version = excluded.version`).run(PART, target);
    }).immediate();
  }
}
