import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LockfileModel, LockNode } from './lockfile-model.js';
import { parseLockfile, UnreadableLockfile } from './parse-lockfile.js';

/**
 * Parsed lockfiles by git blob id: an in-memory LRU in front of one JSON file per blob under
 * `<cacheDir>/cache/lockfiles/<blob>.json`. JSON rather than a binary layout because V8's
 * JSON.parse is native and reads the compact form below (node ids as indices into one table,
 * a dependency stored as just its target's index unless it is an alias) several times faster
 * than any hand-written decoder of ours would be, and a person can still read the file.
 */
export interface LockfileCache {
  /** The model of lockfile `file` whose content is `text`; throws UnreadableLockfile like parseLockfile. */
  load(file: string, text: string): LockfileModel;
}

export interface LockfileCacheOptions {
  /** Directory for the on-disk cache; null keeps it in memory only. */
  dir: string | null;
  /** Parsed lockfiles kept in memory. @default 8 */
  maxEntries?: number;
}

/** Bumped when a parser or the layout below changes, so stale files are parsed again. */
const FORMAT = 1;

/** Git's blob id of `text` (as `git hash-object` gives it for the same bytes): the cache key, free of any git call. */
export function computeBlobId(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

type Deps = (number | [string, number])[];
interface Stored {
  format: number;
  file: string;
  ids: string[];
  /** Per node, in `ids` order: name, version, integrity, dependencies. */
  nodes: [string, string, string, Deps][];
  importers: [string, Deps][];
}

/** The compact JSON form of a model. */
export function serializeModel(file: string, model: LockfileModel): Stored {
  const ids = [...model.nodes.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const deps = (map: Map<string, string>): Deps => {
    const out: Deps = [];
    for (const [name, id] of map) {
      let i = index.get(id);
      if (i === undefined) (i = ids.length, ids.push(id), index.set(id, i));
      out.push(model.nodes.get(id)?.name === name ? i : [name, i]);
    }
    return out;
  };
  const nodes = [...model.nodes.values()].map((n): Stored['nodes'][number] => [n.name, n.version, n.integrity, deps(n.dependencies)]);
  return { format: FORMAT, file, ids, nodes, importers: [...model.importers].map(([dir, map]) => [dir, deps(map)]) };
}

/** A model back from its compact JSON form. */
export function deserializeModel(stored: Stored): LockfileModel {
  const { ids } = stored;
  const names = stored.nodes.map((n) => n[0]);
  const deps = (list: Deps) => new Map(list.map((d) => (typeof d === 'number' ? [names[d] ?? ids[d]!, ids[d]!] : [d[0], ids[d[1]]!])));
  const nodes = new Map<string, LockNode>();
  stored.nodes.forEach(([name, version, integrity, d], i) => nodes.set(ids[i]!, { name, version, integrity, dependencies: deps(d) }));
  return { importers: new Map(stored.importers.map(([dir, d]) => [dir, deps(d)])), nodes };
}

/** Creates a cache of parsed lockfiles; one per cache dir is enough for a process. */
export function createLockfileCache(options: LockfileCacheOptions): LockfileCache {
  const max = options.maxEntries ?? 8;
  const memory = new Map<string, LockfileModel | UnreadableLockfile>();
  const dir = options.dir ? join(options.dir, 'cache', 'lockfiles') : null;
  const remember = (key: string, value: LockfileModel | UnreadableLockfile) => {
    memory.delete(key);
    memory.set(key, value);
    if (memory.size > max) memory.delete(memory.keys().next().value!);
  };
  const readDisk = (blob: string, file: string): LockfileModel | null => {
    if (!dir) return null;
    try {
      const stored = JSON.parse(readFileSync(join(dir, `${blob}.json`), 'utf8')) as Stored;
      return stored.format === FORMAT && stored.file === file ? deserializeModel(stored) : null;
    } catch {
      return null; // absent or torn: parse again and rewrite it
    }
  };
  const writeDisk = (blob: string, file: string, model: LockfileModel) => {
    if (!dir) return;
    try {
      mkdirSync(dir, { recursive: true });
      const tmp = join(dir, `${blob}.${process.pid}.tmp`);
      writeFileSync(tmp, JSON.stringify(serializeModel(file, model)));
      renameSync(tmp, join(dir, `${blob}.json`));
    } catch {
      // A cache that cannot be written only costs the next run a parse.
    }
  };
  return {
    load(file, text) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      const blob = computeBlobId(text);
      const key = `${name}\0${blob}`;
      let value = memory.get(key);
      if (!value) {
        value = readDisk(blob, name) ?? undefined;
        if (!value) {
          try {
            value = parseLockfile(file, text);
            writeDisk(blob, name, value);
          } catch (error) {
            if (!(error instanceof UnreadableLockfile)) throw error;
            value = error;
          }
        }
      }
      remember(key, value);
      if (value instanceof UnreadableLockfile) throw value;
      return value;
    },
  };
}
