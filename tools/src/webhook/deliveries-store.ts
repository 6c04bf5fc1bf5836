import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { TesseraError } from '../errors/tessera-error.js';
import { MIGRATIONS } from '../runs/open-runs-db.js';
import { createJobFacts } from '../runs/runs-store.js';
import { createIdPrefixLookup } from '../sqlite/create-id-prefix-lookup.js';
import { createWalCheckpointer, type WalCheckpointer } from '../sqlite/create-wal-checkpointer.js';
import { DEFAULT_BUSY_TIMEOUT_MS, openDatabase } from '../sqlite/open-database.js';
import { toSqliteError, type DatabaseRole } from '../sqlite/sqlite-error.js';
import { isLeaseOwnerAlive } from './lease-owner.js';
import { migrateWebhookSchema } from './webhook-schema.js';

/** Where a delivery is in its life. `done` means the pipeline ran to its end (builds may still have failed). */
export type DeliveryState = 'queued' | 'running' | 'done' | 'failed' | 'superseded' | 'ignored';
/** Every state, in the order `/metrics` and `deliveries list` show them. */
export const DELIVERY_STATES: readonly DeliveryState[] = ['queued', 'running', 'done', 'failed', 'superseded', 'ignored'];

/** A delivery as `tessera deliveries list --json` prints it. */
export interface Delivery {
  id: string;
  event: string;
  state: DeliveryState;
  receivedAt: string;
  runId?: string;
  error?: string;
  /** The payload's `action` (pull_request), when it has one. */
  action?: string;
  /** Why it was ignored or superseded. */
  reason?: string;
  /** How many times a worker claimed it (more than one: a worker died or gave it back). */
  attempts: number;
}

/** One visible step of a delivery's processing (fetch retries, the range chosen). */
export interface DeliveryNote {
  time: string;
  text: string;
}

/** A delivery with its payload and notes, as `deliveries show --json` prints it. */
export interface DeliveryDetail extends Delivery {
  key?: string;
  payload: unknown;
  notes: DeliveryNote[];
}

/** What a worker gets when it claims a delivery. */
export interface ClaimedDelivery {
  id: string;
  event: string;
  payload: string;
  attempts: number;
  /** The run of an earlier, interrupted attempt. */
  runId: string | null;
}

/** What the receiver stores. */
export interface IncomingDelivery {
  id: string;
  event: string;
  action: string | null;
  key: string | null;
  payload: string;
  state: 'queued' | 'ignored';
  reason: string | null;
  receivedAt: string;
}

/** What storing one delivery did. */
export interface ReceiveResult {
  inserted: boolean;
  superseded: number;
}

/** Options of {@link createDeliveriesStore}. */
export interface DeliveriesStoreOptions {
  /** @default 5000 */
  busyTimeoutMs?: number;
  /** The clock, in ms since the epoch (leases). @default Date.now */
  now?: () => number;
  /**
   * Checkpoint the write-ahead log on a thread of its own rather than inside the commit that
   * grows it past 1000 pages: the receiver's commits then never stall for a checkpoint.
   * @default false
   */
  checkpointInBackground?: boolean;
}

/** The durable queue of GitHub deliveries. Synchronous, like better-sqlite3. */
export interface DeliveriesStore {
  /** The database file. */
  readonly path: string;
  /** Stores a delivery and supersedes the open ones of its key; `inserted` is false for an id seen before. */
  receive(delivery: IncomingDelivery): ReceiveResult;
  /** {@link receive} for several deliveries, in arrival order, in one transaction (one commit for a burst). */
  receiveMany(deliveries: IncomingDelivery[]): ReceiveResult[];
  /** Takes the oldest queued delivery (or one whose worker died) for `owner`, or null. Gives up on ones claimed more than `maxAttempts` times. */
  claim(owner: string, leaseMs: number, maxAttempts: number): ClaimedDelivery | null;
  /** Extends the lease; false when the delivery is no longer this owner's (superseded, replayed, taken over). */
  heartbeat(id: string, owner: string, leaseMs: number): boolean;
  /** Records the run id of the delivery's current attempt. */
  setRunId(id: string, owner: string, runId: string): void;
  /** Adds a visible note to the delivery (`deliveries show`). */
  addNote(id: string, text: string): void;
  /** Ends the delivery; false when the owner had lost it meanwhile (its outcome is then dropped). */
  finish(id: string, owner: string, outcome: { state: 'done' | 'failed'; error?: string }): boolean;
  /** Gives the delivery back to the queue (graceful shutdown). */
  release(id: string, owner: string): boolean;
  /** Newest first. */
  list(options?: { limit?: number; state?: DeliveryState }): Delivery[];
  /** The delivery with that id or a unique prefix of one. */
  read(id: string): DeliveryDetail;
  /** Queues the delivery again, whatever its state (a running one's worker stops), and supersedes the open work of its branch or PR. */
  replay(id: string): Delivery;
  /** Counts for /metrics. */
  readStats(): { byState: Record<DeliveryState, number>; oldestQueuedAt: string | null; buildsByStatus: Record<string, number> };
  /** True when a build of this app at this version already SUCCEEDED (a fork's counts only with `includeUntrusted`): the same inputs never build twice. */
  isVersionBuilt(app: string, version: string, includeUntrusted?: boolean): boolean;
  close(): void;
}

interface Row {
  seq: number;
  id: string;
  event: string;
  action: string | null;
  work_key: string | null;
  payload_id: number;
  state: DeliveryState;
  received_at: string;
  attempts: number;
  run_id: string | null;
  error: string | null;
  reason: string | null;
  log: string;
}

/**
 * The queue, as its failures name it, so that a locked or broken file met by the receiver or
 * `tessera deliveries` says it is the webhook queue's. The code stays TESSERA_RUNS_DB_FAILED:
 * the queue lives in the runs database's file, so the same file and the same fix are meant,
 * and clients of the 503 answer already match that code.
 */
export const WEBHOOK_QUEUE_DATABASE: DatabaseRole = {
  name: 'webhook queue database',
  code: 'TESSERA_RUNS_DB_FAILED',
  startAfresh: 'an empty queue and a fresh run history (they share the file)',
  relocate: 'set `webhook.database` in tessera.config.json (or TESSERA_WEBHOOK_DB) to a writable place',
};

/**
 * Opens the deliveries queue in the runs database at `path` (created and migrated when
 * needed). The runs schema is applied first: it owns the file's `user_version`, and the
 * queue reads the runs' job facts; the webhook tables follow, versioned on their own.
 */
export function createDeliveriesStore(path: string, options: DeliveriesStoreOptions = {}): DeliveriesStore {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const db = openDatabase(path, { migrations: MIGRATIONS, role: WEBHOOK_QUEUE_DATABASE, busyTimeoutMs });
  const guard = <T>(doing: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw toSqliteError(WEBHOOK_QUEUE_DATABASE, path, doing, error, busyTimeoutMs);
    }
  };
  const { s, jobs } = guard('preparing the webhook tables', () => {
    try {
      migrateWebhookSchema(db);
      return { s: prepare(db), jobs: createJobFacts(db) };
    } catch (error) {
      db.close();
      throw error;
    }
  });
  let closed = false;
  let checkpointer: WalCheckpointer | null = null;
  if (options.checkpointInBackground) {
    db.pragma('wal_autocheckpoint = 0');
    // Without the thread the log would only grow: checkpoint inside commits again.
    checkpointer = createWalCheckpointer(path, { busyTimeoutMs, onError: () => { if (!closed) db.pragma('wal_autocheckpoint = 1000'); } });
  }
  const iso = () => new Date(now()).toISOString();
  const host = hostname();

  const receiveOne = (d: IncomingDelivery): ReceiveResult => {
    const at = iso();
    if (s.exists.get(d.id) !== undefined) return { inserted: false, superseded: 0 };
    const payloadId = s.insertPayload.run(d.payload).lastInsertRowid;
    s.insert.run({ ...d, payloadId, updated_at: at });
    if (!d.key) return { inserted: true, superseded: 0 };
    const superseded = s.supersede.run({ key: d.key, id: d.id, reason: `superseded by delivery ${d.id}`, at }).changes;
    return { inserted: true, superseded };
  };
  const receive = db.transaction((list: IncomingDelivery[]) => list.map(receiveOne));

  // A replayed delivery is the newest of its branch or PR again: like one just received, it
  // supersedes the open work of its key (a newer push's queued or running build included).
  const replay = db.transaction((id: string): Delivery => {
    const row = resolve(s, id);
    const at = iso();
    s.replay.run({ seq: row.seq, at });
    if (row.work_key) s.supersede.run({ key: row.work_key, id: row.id, reason: `superseded by delivery ${row.id} (replayed)`, at });
    return toDelivery(s.byId.get(row.id) as Row);
  });

  const claim = db.transaction((owner: string, leaseMs: number, maxAttempts: number): ClaimedDelivery | null => {
    const t = now();
    // A lease of a dead process on this host needs no waiting: it can never be renewed.
    for (const r of s.runningOnHost.all(`${host}:%`) as { seq: number; lease_owner: string }[]) {
      if (r.lease_owner !== owner && !isLeaseOwnerAlive(r.lease_owner)) s.expire.run(r.seq);
    }
    for (;;) {
      const row = s.claim.get({ owner, until: t + leaseMs, now: t, at: iso() }) as Row | undefined;
      if (!row) return null;
      if (row.attempts <= maxAttempts) return { id: row.id, event: row.event, payload: readPayload(s, row), attempts: row.attempts, runId: row.run_id };
      s.giveUp.run({ seq: row.seq, at: iso(), error: `gave up after ${maxAttempts} attempts: the service stopped or crashed during each of them` });
    }
  });

  return {
    path,
    receive: (d) => guard(`storing delivery ${d.id}`, () => receive.immediate([d])[0]!),
    receiveMany: (list) => guard(`storing ${list.length} deliveries`, () => receive.immediate(list)),
    claim: (owner, leaseMs, maxAttempts) => guard('claiming a delivery', () => claim.immediate(owner, leaseMs, maxAttempts)),
    heartbeat: (id, owner, leaseMs) => guard(`renewing the lease of delivery ${id}`, () => s.heartbeat.run({ id, owner, until: now() + leaseMs }).changes === 1),
    setRunId: (id, owner, runId) => void guard(`recording the run of delivery ${id}`, () => s.setRunId.run({ id, owner, runId, at: iso() })),
    addNote: (id, text) => void guard(`adding a note to delivery ${id}`, () => s.addNote.run({ id, note: JSON.stringify({ time: iso(), text }) })),
    finish: (id, owner, outcome) => guard(`finishing delivery ${id}`, () => s.finish.run({ id, owner, state: outcome.state, error: outcome.error ?? null, at: iso() }).changes === 1),
    release: (id, owner) => guard(`releasing delivery ${id}`, () => s.release.run({ id, owner, at: iso() }).changes === 1),
    list({ limit = 50, state } = {}) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`list: limit must be a whole number of at least 1; received ${String(limit)}`);
      return guard('listing deliveries', () => (s.list.all({ limit, state: state ?? null }) as Row[]).map(toDelivery));
    },
    read: (id) => guard(`reading delivery ${id}`, () => {
      const row = resolve(s, id);
      return toDetail(row, readPayload(s, row));
    }),
    replay: (id) => guard(`replaying delivery ${id}`, () => replay.immediate(id)),
    readStats: () =>
      guard('reading the queue statistics', () => {
        const byState = Object.fromEntries(DELIVERY_STATES.map((st) => [st, 0])) as Record<DeliveryState, number>;
        for (const r of s.countByState.all() as { state: DeliveryState; n: number }[]) byState[r.state] = r.n;
        return { byState, oldestQueuedAt: (s.oldestQueued.get() as string | undefined) ?? null, buildsByStatus: jobs.readBuildsByStatus() };
      }),
    isVersionBuilt: (app, version, includeUntrusted) => guard('reading build history', () => jobs.isVersionBuilt(app, version, includeUntrusted)),
    close() {
      if (closed) return;
      closed = true;
      checkpointer?.close();
      db.close();
    },
  };
}

function resolve(s: ReturnType<typeof prepare>, id: string): Row {
  const match = s.idByPrefix(id);
  if (match.kind === 'unique') return s.byId.get(match.id) as Row;
  throw new TesseraError('TESSERA_WEBHOOK_DELIVERY_NOT_FOUND', match.kind === 'ambiguous' ? `Delivery id prefix "${id}" is ambiguous` : `No delivery with id "${id}"`);
}

function toDelivery(r: Row): Delivery {
  return {
    id: r.id, event: r.event, state: r.state, receivedAt: r.received_at,
    ...(r.run_id ? { runId: r.run_id } : {}), ...(r.error ? { error: r.error } : {}), ...(r.action ? { action: r.action } : {}), ...(r.reason ? { reason: r.reason } : {}),
    attempts: r.attempts,
  };
}

function readPayload(s: ReturnType<typeof prepare>, row: Row): string {
  return (s.payload.get(row.payload_id) as string | undefined) ?? 'null';
}

function toDetail(r: Row, text: string): DeliveryDetail {
  let payload: unknown = null;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = text;
  }
  return { ...toDelivery(r), ...(r.work_key ? { key: r.work_key } : {}), payload, notes: JSON.parse(r.log) as DeliveryNote[] };
}

const COLUMNS = `seq, id, event, action, work_key, payload_id, state, received_at, attempts, run_id, error, reason, log`;

function prepare(db: Database.Database) {
  return {
    insert: db.prepare(`
      INSERT INTO webhook_deliveries (id, event, action, work_key, payload_id, state, received_at, updated_at, reason)
      VALUES (@id, @event, @action, @key, @payloadId, @state, @receivedAt, @updated_at, @reason)`),
    exists: db.prepare(`SELECT 1 FROM webhook_deliveries WHERE id = ?`),
    insertPayload: db.prepare(`INSERT INTO webhook_payloads (payload) VALUES (?)`),
    payload: db.prepare(`SELECT payload FROM webhook_payloads WHERE id = ?`).pluck(),
    // Older work of the same branch or PR: what it would build is out of date.
    supersede: db.prepare(`
      UPDATE webhook_deliveries SET state = 'superseded', reason = @reason, lease_owner = NULL, lease_until = NULL, updated_at = @at
      WHERE work_key = @key AND state IN ('queued', 'running') AND id != @id`),
    runningOnHost: db.prepare(`SELECT seq, lease_owner FROM webhook_deliveries WHERE state = 'running' AND lease_owner LIKE ?`),
    expire: db.prepare(`UPDATE webhook_deliveries SET lease_until = 0 WHERE seq = ?`),
    claim: db.prepare(`
      UPDATE webhook_deliveries SET state = 'running', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @at
      WHERE seq = (SELECT seq FROM webhook_deliveries WHERE state = 'queued' OR (state = 'running' AND lease_until < @now) ORDER BY seq LIMIT 1)
      RETURNING ${COLUMNS}`),
    giveUp: db.prepare(`UPDATE webhook_deliveries SET state = 'failed', error = @error, lease_owner = NULL, lease_until = NULL, updated_at = @at WHERE seq = @seq`),
    heartbeat: db.prepare(`UPDATE webhook_deliveries SET lease_until = @until WHERE id = @id AND state = 'running' AND lease_owner = @owner`),
    setRunId: db.prepare(`UPDATE webhook_deliveries SET run_id = @runId, updated_at = @at WHERE id = @id AND state = 'running' AND lease_owner = @owner`),
    addNote: db.prepare(`UPDATE webhook_deliveries SET log = json_insert(log, '$[#]', json(@note)) WHERE id = @id`),
    finish: db.prepare(`
      UPDATE webhook_deliveries SET state = @state, error = @error, lease_owner = NULL, lease_until = NULL, updated_at = @at
      WHERE id = @id AND state = 'running' AND lease_owner = @owner`),
    release: db.prepare(`
      UPDATE webhook_deliveries SET state = 'queued', lease_owner = NULL, lease_until = NULL, attempts = max(attempts - 1, 0), updated_at = @at
      WHERE id = @id AND state = 'running' AND lease_owner = @owner`),
    replay: db.prepare(`
      UPDATE webhook_deliveries SET state = 'queued', attempts = 0, error = NULL, reason = NULL, run_id = NULL, lease_owner = NULL, lease_until = NULL, updated_at = @at,
        seq = (SELECT max(seq) + 1 FROM webhook_deliveries)
      WHERE seq = @seq`),
    list: db.prepare(`SELECT ${COLUMNS} FROM webhook_deliveries WHERE @state IS NULL OR state = @state ORDER BY seq DESC LIMIT @limit`),
    byId: db.prepare(`SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = ?`),
    idByPrefix: createIdPrefixLookup(db, { table: 'webhook_deliveries' }),
    countByState: db.prepare(`SELECT state, count(*) AS n FROM webhook_deliveries GROUP BY state`),
    oldestQueued: db.prepare(`SELECT min(received_at) FROM webhook_deliveries WHERE state = 'queued'`).pluck(),
  };
}
