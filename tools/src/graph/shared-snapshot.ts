import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { availableParallelism } from 'node:os';
import { gunzip, gzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/**
 * A graph snapshot as it is shared through the store: one gzip stream (of several members)
 * holding a JSON header line and then the graph cache's own encoding (graph-cache.ts), keyed
 * by the store key.
 *
 *   { "kind": "tessera-graph-snapshot", "analysisVersion": 8, "cacheFormat": 6, "esbuild": "0.25.0",
 *     "projectsFrom": "tessera", "endian": "LE", "prefix": "", "tree": "…", "commit": "…",
 *     "tessera": "0.1.0", "sha256": "…", "bytes": 123456, "createdAt": "…" } \n
 *   <graph cache bytes>
 *
 * The header says what wrote it, so that a reader can skip a snapshot of another analysis
 * version before trusting any of it, and carries the SHA-256 of the cache bytes: gzip's own
 * CRC-32 catches a damaged transfer, the hash an object that was changed and re-compressed.
 * Pure: bytes in, bytes out. zlib works on libuv's thread pool, off the main thread: a fresh
 * runner (un)packs an 11 MB snapshot while it goes on with the rest of its analysis.
 */

/** What must be equal for a shared snapshot to be reused by this analysis. */
export interface SnapshotIdentity {
  /** ANALYSIS_VERSION (load-graph.ts): what an analysis computes. */
  analysisVersion: number;
  /** GRAPH_CACHE_FORMAT: how the graph is encoded. */
  cacheFormat: number;
  /** esbuild resolves the imports, so its version is part of the answer. */
  esbuild: string;
  projectsFrom: 'tessera' | 'nx';
  /** The typed arrays are stored in the writer's byte order. */
  endian: string;
  /** The workspace's directory inside the repository, `''` at its top: two workspaces of one repository share one tree id. */
  prefix: string;
}

/** The header line of a shared snapshot. */
export interface SharedSnapshotHeader extends SnapshotIdentity {
  kind: 'tessera-graph-snapshot';
  /** The git tree the snapshot describes. */
  tree: string;
  /** The commit it was analysed at (informational: any commit with this tree has this graph). */
  commit: string | null;
  /** The Tessera version that wrote it (informational). */
  tessera: string;
  /** SHA-256 (hex) of the graph cache bytes after the header line. */
  sha256: string;
  /** Their length. */
  bytes: number;
  createdAt: string;
}

const IDENTITY_KEYS = ['analysisVersion', 'cacheFormat', 'esbuild', 'projectsFrom', 'endian', 'prefix'] as const;

/**
 * The store key of a tree's snapshot: `graphs/<analysis version>/<tree>.graph.gz`, with the
 * workspace's directory (hashed) and `nx` for `--project-source nx` as suffixes when they apply.
 * Immutable: a tree's graph never changes within an analysis version.
 */
export function computeSnapshotKey(identity: Pick<SnapshotIdentity, 'analysisVersion' | 'projectsFrom' | 'prefix'>, tree: string): string {
  const variant = (identity.prefix ? `.${createHash('sha1').update(identity.prefix).digest('hex').slice(0, 12)}` : '') + (identity.projectsFrom === 'nx' ? '.nx' : '');
  return `graphs/${identity.analysisVersion}/${tree}${variant}.graph.gz`;
}

/** Wraps graph cache bytes (keyed by the store key) for the store: header line, then the bytes, gzipped. */
export async function encodeSharedSnapshot(identity: SnapshotIdentity, about: { tree: string; commit: string | null; tessera: string }, cacheBytes: Buffer): Promise<Buffer> {
  const header: SharedSnapshotHeader = {
    kind: 'tessera-graph-snapshot',
    ...Object.fromEntries(IDENTITY_KEYS.map((k) => [k, identity[k]])) as unknown as SnapshotIdentity,
    tree: about.tree,
    commit: about.commit,
    tessera: about.tessera,
    sha256: createHash('sha256').update(cacheBytes).digest('hex'),
    bytes: cacheBytes.length,
    createdAt: new Date().toISOString(),
  };
  // Level 1: on the large benchmark's 11 MB snapshot 106 ms against the default's 180 ms, for
  // 3.5% more bytes. One gzip member for the header line and one per part of the bytes, packed
  // side by side on the thread pool (a reader's gunzip reads concatenated members as one
  // stream): the runner that pushes waits for the slowest part, not for all of them in turn.
  const parts = cacheBytes.length < PART_MIN_BYTES ? 1 : Math.min(MAX_PARTS, availableParallelism());
  const step = Math.ceil(cacheBytes.length / parts);
  const members: Buffer[] = [Buffer.from(`${JSON.stringify(header)}\n`)];
  for (let at = 0; at < cacheBytes.length; at += step) members.push(cacheBytes.subarray(at, at + step));
  // An output buffer that holds all of a member's output: one call on the thread pool each.
  const packed = await Promise.all(members.map((m) => gzipAsync(m, { level: 1, chunkSize: Math.max(1 << 16, m.length + (m.length >> 8) + 4096) })));
  return Buffer.concat(packed);
}

/** Below this many bytes a snapshot is packed as one member. */
const PART_MIN_BYTES = 4 << 20;
const MAX_PARTS = 4;

/** A shared snapshot read back: its header and the graph cache bytes, or why it cannot be used. */
export type DecodedSharedSnapshot =
  | { ok: true; header: SharedSnapshotHeader; cacheBytes: Buffer }
  | { ok: false; problem: 'mismatch' | 'corrupt'; reason: string };

/**
 * Unwraps a shared snapshot and checks it is the one wanted: a snapshot of `tree` written with
 * this `identity` (else `mismatch`), whose bytes hash to what its header says (else `corrupt`).
 */
export async function decodeSharedSnapshot(body: Buffer, identity: SnapshotIdentity, tree: string): Promise<DecodedSharedSnapshot> {
  let raw: Buffer;
  try {
    // An output buffer for all of it (the last member's size, from gzip's trailer, times the
    // members encodeSharedSnapshot writes; capped, as a damaged trailer is only a hint): the
    // thread pool inflates it in a call per member, not one per chunk each waiting for the main thread.
    const last = body.length >= 18 ? body.readUInt32LE(body.length - 4) : 0;
    raw = await gunzipAsync(body, { chunkSize: Math.min(Math.max(last * MAX_PARTS + 4096, 1 << 16), 1 << 28) });
  } catch (error) {
    return { ok: false, problem: 'corrupt', reason: `not a whole gzip stream (${(error as Error).message})` };
  }
  const newline = raw.indexOf(10);
  let header: SharedSnapshotHeader;
  try {
    if (newline < 0) throw new Error('no header line');
    header = JSON.parse(raw.toString('utf8', 0, newline)) as SharedSnapshotHeader;
    if (header?.kind !== 'tessera-graph-snapshot') throw new Error('not a Tessera graph snapshot');
  } catch (error) {
    return { ok: false, problem: 'corrupt', reason: `no readable header (${(error as Error).message})` };
  }
  const differs = IDENTITY_KEYS.filter((k) => header[k] !== identity[k]);
  if (differs.length) {
    return { ok: false, problem: 'mismatch', reason: `written by another analysis (${differs.map((k) => `${k} ${JSON.stringify(header[k])}, this one ${JSON.stringify(identity[k])}`).join('; ')}; Tessera ${header.tessera})` };
  }
  if (header.tree !== tree) return { ok: false, problem: 'mismatch', reason: `describes tree ${header.tree}, not ${tree}` };
  const cacheBytes = raw.subarray(newline + 1);
  if (cacheBytes.length !== header.bytes || createHash('sha256').update(cacheBytes).digest('hex') !== header.sha256) {
    return { ok: false, problem: 'corrupt', reason: 'its SHA-256 checksum does not match its content' };
  }
  return { ok: true, header, cacheBytes };
}
