import { isTesseraError, TesseraError, type Warning } from '../errors/tessera-error.js';
import { type CommitTree, readFirstParentTrees, readTreeId } from '../git/read-repository.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { decodeGraphCache, type GraphSnapshot } from './graph-cache.js';
import { computeSnapshotKey, decodeSharedSnapshot, encodeSharedSnapshot, type SnapshotIdentity } from './shared-snapshot.js';

/**
 * What graph sharing needs of a store: any `Store` (store/store.ts) is one. The graph part comes
 * before the store part in the layers, so it names only these few methods and opens the
 * configured store with a lazy `import()`, as commands do: only when sharing is on.
 */
export interface SnapshotStore {
  readonly location: string;
  has(key: string): Promise<boolean>;
  get(key: string): Promise<Buffer | null>;
  putIfAbsent(key: string, body: Uint8Array, options: { contentType: string; cacheControl: string }): Promise<'created' | 'exists'>;
  close(): Promise<void>;
}

/** What sharing did during one analysis, for `--json` and the tests. */
export interface SharedSnapshotReport {
  /** Where snapshots are shared (the store's location); null when the analysis had no need to open it. */
  store: string | null;
  /** The snapshot read from the store, when one was: the commit it was found for, its tree and key, and its size in the store. */
  read: { commit: string; tree: string; key: string; bytes: number } | null;
  /** This revision's snapshot written to the store: `exists` when one was already there (it is immutable). */
  pushed: { key: string; result: 'created' | 'exists'; bytes: number; uncompressedBytes: number } | null;
  /** Requests made to the store (existence checks, reads and writes). */
  requests: number;
}

/**
 * Candidates asked about per round, in parallel: the first round holds the usual answers (the
 * revision itself, the merge-base, the nearest parents), the second reaches 20 commits back, the
 * third the rest. A lookup of 50 ancestors is at most three rounds of HEAD requests, not 50 GETs
 * in a row, and the common case is four.
 */
const ROUNDS = [4, 24, 24];
/** Snapshots downloaded at most per lookup (each skipped one, of another version or damaged, costs a download). */
const MAX_DOWNLOADS = 3;
/** First-parent ancestors looked at, besides the revision itself and the merge-base. */
export const SHARE_ANCESTORS = 50;

/**
 * Whether analyses share snapshots: TESSERA_GRAPH_SHARE when set (1, true, yes or 0, false,
 * no), else `graph.share` in tessera.config.json. Pure.
 */
export function resolveGraphShare(config: ResolvedConfig, env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.TESSERA_GRAPH_SHARE?.trim() ?? '';
  if (value === '') return config.graph.share;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new TesseraError('TESSERA_USAGE', `TESSERA_GRAPH_SHARE must be 1 or 0 (true/false, yes/no); received "${value}"`, { hint: 'Set TESSERA_GRAPH_SHARE=1 to share graph snapshots through the store, 0 to stop, or unset it to follow `graph.share` in tessera.config.json.' });
}

/**
 * The workspace's store (`store`, or TESSERA_STORE), opened for sharing: one retry, and a
 * connection that does not open in 5 s or a socket idle for 30 s fails, so that a store that
 * does not answer costs an analysis a warning, not a hang.
 */
export async function openSnapshotStore(root: string, config: ResolvedConfig, env: Readonly<Record<string, string | undefined>>): Promise<SnapshotStore> {
  const { openStore } = await import('../store/open-store.js');
  return openStore(root, config.store, env.TESSERA_STORE || undefined, { maxAttempts: 2, timeoutMs: { connect: 5_000, idle: 30_000 } });
}

/** A snapshot found in the store that this revision can start from; `T` says what changed since (what `find`'s `fits` answered). */
export interface FetchedSnapshot<T> {
  candidate: CommitTree;
  /** Its store key, which its cache bytes carry. */
  key: string;
  snapshot: GraphSnapshot;
  /** The graph cache bytes, keyed by `key` (graph-cache.ts rekeyGraphCache moves them into the local cache). */
  cacheBytes: Buffer;
  /** What changed between its tree and this revision (nothing when it is this revision's own). */
  changes: T;
}

export interface SnapshotSharingOptions {
  open: () => Promise<SnapshotStore>;
  /** Whether `close()` closes the store (false for one the caller passed in). */
  ownsStore: boolean;
  identity: SnapshotIdentity;
  tessera: string;
  warnings: Warning[];
  /** A push was asked for (`tessera graph --push`): its failure is an error, not a warning. */
  strict: boolean;
}

/**
 * One analysis's use of the store: find a snapshot to start from, write the one it made. A
 * store that cannot be reached, or refuses a request, is the warning TESSERA_GRAPH_SHARE_FAILED
 * and the analysis goes on locally; only an asked-for push throws.
 */
export function createSnapshotSharing(options: SnapshotSharingOptions) {
  const { identity, warnings } = options;
  let store: SnapshotStore | null = null;
  let opening: Promise<SnapshotStore> | null = null;
  let location = '';
  let requests = 0;
  let failed = false;
  const report: SharedSnapshotReport = { store: null, read: null, pushed: null, requests: 0 };
  /** Trees whose snapshot's presence a lookup established. */
  const known = new Map<string, boolean>();
  const use = async (): Promise<SnapshotStore> => {
    store ??= await (opening ??= options.open());
    location = store.location;
    return store;
  };
  const counted = async <T>(request: (s: SnapshotStore) => Promise<T>): Promise<T> => {
    const s = await use();
    requests++;
    return request(s);
  };
  const warnFailed = (what: string, error: unknown) => {
    failed = true;
    const text = isTesseraError(error) ? error.message : (error as Error).message;
    warnings.push({ code: 'TESSERA_GRAPH_SHARE_FAILED', text: `graph snapshots: could not ${what}${location ? ` in ${location}` : ''}; the graph is analysed here (${text})` });
  };
  const skip = (key: string, problem: 'mismatch' | 'corrupt', reason: string) =>
    warnings.push({ code: problem === 'mismatch' ? 'TESSERA_GRAPH_SNAPSHOT_MISMATCH' : 'TESSERA_GRAPH_SNAPSHOT_CORRUPT', text: `graph snapshot ${key} in ${location} was skipped: ${reason}` });

  return {
    /**
     * Opens the store now, without waiting for the first request: an S3 client takes a tenth
     * of a second to load, which passes while git lists the tree. A failure surfaces at the first request.
     */
    prepare(): void {
      (opening ??= options.open()).catch(() => {});
    },

    /**
     * The first candidate (in order) whose snapshot is in the store, can be updated to this
     * revision (`fits` says which files to re-read, or null) and is whole and of this version.
     * Existence is asked in parallel rounds (ROUNDS); only a fitting one is downloaded.
     */
    async find<T>(candidates: readonly CommitTree[], fits: (tree: string) => Promise<T | null>): Promise<FetchedSnapshot<T> | null> {
      const seen = new Set<string>();
      const unique = candidates.filter((c) => !seen.has(c.tree) && seen.add(c.tree));
      let downloads = 0;
      try {
        let next = 0;
        for (let round = 0; next < unique.length && downloads < MAX_DOWNLOADS; round++) {
          const batch = unique.slice(next, (next += ROUNDS[Math.min(round, ROUNDS.length - 1)]!));
          const present = await Promise.all(batch.map((c) => counted((s) => s.has(computeSnapshotKey(identity, c.tree)))));
          batch.forEach((c, j) => known.set(c.tree, present[j]!));
          for (const [j, candidate] of batch.entries()) {
            if (!present[j] || downloads >= MAX_DOWNLOADS) continue;
            const changes = await fits(candidate.tree);
            if (!changes) continue;
            downloads++;
            const key = computeSnapshotKey(identity, candidate.tree);
            const body = await counted((s) => s.get(key));
            if (!body) continue;
            const decoded = await decodeSharedSnapshot(body, identity, candidate.tree);
            if (!decoded.ok) {
              skip(key, decoded.problem, decoded.reason);
              continue;
            }
            let snapshot: GraphSnapshot;
            try {
              snapshot = decodeGraphCache(decoded.cacheBytes, key, { hashed: true });
            } catch (error) {
              skip(key, 'corrupt', `its graph is inconsistent (${(error as Error).message})`);
              continue;
            }
            report.read = { commit: candidate.commit, tree: candidate.tree, key, bytes: body.length };
            return { candidate, key, snapshot, cacheBytes: decoded.cacheBytes, changes };
          }
        }
      } catch (error) {
        warnFailed('look for a snapshot to start from', error);
      }
      return null;
    },

    /**
     * Writes the snapshot of `tree` (graph cache bytes keyed by the store key) unless the store
     * has one: immutable, an exclusive create. Skipped after a failed lookup, which would only
     * fail again.
     */
    async push(about: { tree: string; commit: string | null }, cacheBytes: (key: string) => Buffer): Promise<void> {
      if (failed && !options.strict) return;
      const key = computeSnapshotKey(identity, about.tree);
      try {
        const bytes = cacheBytes(key);
        // Packed on the thread pool while the store is asked whether it has one already.
        const packing = encodeSharedSnapshot(identity, { ...about, tessera: options.tessera }, bytes);
        packing.catch(() => {}); // awaited below
        let result: 'created' | 'exists';
        const exists = known.get(about.tree) === true || (!known.has(about.tree) && (await counted((s) => s.has(key))));
        const payload = await packing;
        if (exists) result = 'exists';
        else result = await counted((s) => s.putIfAbsent(key, payload, { contentType: 'application/gzip', cacheControl: 'public, max-age=31536000, immutable' }));
        report.pushed = { key, result, bytes: payload.length, uncompressedBytes: bytes.length };
      } catch (error) {
        if (options.strict) {
          if (isTesseraError(error)) throw error;
          throw new TesseraError('TESSERA_STORE_FAILED', `Could not write the graph snapshot ${key}${location ? ` to ${location}` : ''}: ${(error as Error).message}`, { cause: error });
        }
        warnFailed(`write the snapshot ${key}`, error);
      }
    },

    /** What sharing did so far. */
    report(): SharedSnapshotReport {
      return { ...report, store: location || null, requests };
    },

    async close(): Promise<void> {
      const s = store ?? (opening ? await opening.catch(() => null) : null);
      if (s && options.ownsStore) await s.close().catch(() => {});
    },
  };
}

/**
 * Where a snapshot to start from may be in the store, best first: this revision's own commit,
 * the merge-base (when the caller knows one), then the first-parent ancestors within
 * SHARE_ANCESTORS commits, nearest first.
 */
export async function readShareCandidates(root: string, head: string, mergeBase: string | undefined): Promise<CommitTree[]> {
  const [line, base] = await Promise.all([readFirstParentTrees(root, head, SHARE_ANCESTORS + 1), mergeBase ? readTreeId(root, mergeBase).then((tree) => ({ commit: mergeBase, tree })) : null]);
  return base ? [...line.slice(0, 1), base, ...line.slice(1)] : line;
}

/** What a sharing analysis that never needed the store reports (a local cache hit). */
export const UNUSED_SHARING: SharedSnapshotReport = Object.freeze({ store: null, read: null, pushed: null, requests: 0 });

/** One analysis's sharing session (createSnapshotSharing). */
export type SnapshotSharing = ReturnType<typeof createSnapshotSharing>;
