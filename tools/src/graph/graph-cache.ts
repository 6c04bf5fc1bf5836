import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Warning } from '../errors/tessera-error.js';
import type { NxSettings } from '../workspace/discover-projects.js';
import type { ExcludedProject, Project } from '../workspace/project.js';
import { attachFileTable, attachImportIndex, computeReverseEdges, createPackedFileTable, defineLazy, EDGE_KINDS, expandImportIndex, type FileGraph, type ImportIndex, readImportIndex } from './file-graph.js';

/** What one cache entry holds: the projects and the file graph of one revision. */
export interface GraphSnapshot {
  projects: Project[];
  nx: NxSettings;
  /** tsconfig `extends` edges within the tree (workspace/tsconfig-extends.ts): file → the files it extends. */
  tsconfigExtends: Record<string, string[]>;
  /** Applications and e2e projects tessera.config.json `projects` leaves out. */
  excluded: ExcludedProject[];
  /**
   * The one tsconfig every analysed file uses (read-aliases.ts readSharedTsconfig), or null
   * when projects differ: what an update reuses, since it never follows a tsconfig change.
   * Absent in a snapshot written before it was recorded.
   */
  sharedTsconfig?: string | null;
  graph: FileGraph;
}

/**
 * Format 3 is binary, so a warm `tessera affected` on a workspace of 100k files reads it in
 * a few milliseconds instead of parsing 10 MB of JSON into 100k arrays:
 *
 *   header line (JSON, padded to 8 bytes) \n
 *   meta     JSON: projects, nx, tsconfigExtends, excluded, packages, unresolved, uncertain, globs, apps, warnings
 *   files    each path followed by a NUL (git paths cannot hold one)
 *   fileStarts  Uint32 × (files + 1): the byte where each path begins, then the section's end
 *   blobs    blob ids joined by NUL (decoded only when someone asks for them)
 *   offsets  Uint32 × (files + 1): file i's imports are targets[offsets[i] .. offsets[i+1])
 *   targets  Uint32 × imports
 *   kinds    Uint8 × imports (index into EDGE_KINDS)
 *   importerOffsets, importers   the same imports reversed (Uint32 × (files + 1), Uint32 × imports)
 *
 * Each section starts on a 4-byte boundary. The header carries the key, the section sizes
 * and a CRC-32 of the body: a truncated, edited or foreign file is detected and never trusted.
 */
const FORMAT = 6;
const KEEP = 24;
const SUFFIX = '.graph';
const ENDIAN = endianness();

const SECTIONS = ['meta', 'files', 'fileStarts', 'blobs', 'offsets', 'targets', 'kinds', 'importerOffsets', 'importers'] as const;
type SectionSizes = Record<(typeof SECTIONS)[number], number>;
interface Header {
  format: number;
  key: string;
  endian: string;
  checksum: number;
  bodyBytes: number;
  sections: SectionSizes;
  createdAt: string;
}

const pad4 = (n: number) => (4 - (n % 4)) % 4;

function encodeSnapshot(key: string, snapshot: GraphSnapshot): Buffer {
  const { graph } = snapshot;
  const index = readImportIndex(graph);
  const reverse = computeReverseEdges(graph);
  const bytes = (array: Uint32Array | Uint8Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  const meta = { projects: snapshot.projects, nx: snapshot.nx, tsconfigExtends: snapshot.tsconfigExtends, excluded: snapshot.excluded, sharedTsconfig: snapshot.sharedTsconfig, packages: graph.packages, unresolved: graph.unresolved, uncertain: graph.uncertain, globs: graph.globs, apps: graph.apps, warnings: graph.warnings };
  const parts: Record<(typeof SECTIONS)[number], Buffer> = {
    meta: Buffer.from(JSON.stringify(meta)),
    files: Buffer.from(graph.files.length ? `${graph.files.join('\0')}\0` : ''),
    fileStarts: Buffer.alloc(0),
    blobs: Buffer.from(graph.blobs.join('\0')),
    offsets: bytes(index.offsets),
    targets: bytes(index.targets),
    kinds: bytes(index.kinds),
    importerOffsets: bytes(reverse.offsets),
    importers: bytes(reverse.sources),
  };
  parts.fileStarts = bytes(computeFileStarts(graph.files, parts.files));
  // The body is checksummed section by section and copied once, behind its header (11 MB at the large size).
  const sizes = SECTIONS.map((name) => parts[name].length);
  const bodyBytes = sizes.reduce((sum, size) => sum + size + pad4(size), 0);
  let checksum = 0;
  for (const name of SECTIONS) {
    checksum = crc32(parts[name], checksum);
    if (pad4(parts[name].length)) checksum = crc32(Buffer.alloc(pad4(parts[name].length)), checksum);
  }
  const sections = Object.fromEntries(SECTIONS.map((name, i) => [name, sizes[i]])) as SectionSizes;
  const header: Header = { format: FORMAT, key, endian: ENDIAN, checksum, bodyBytes, sections, createdAt: new Date().toISOString() };
  const line = renderHeaderLine(header);
  const out = Buffer.alloc(line.length + bodyBytes);
  let at = line.copy(out, 0);
  for (const name of SECTIONS) at += parts[name].copy(out, at) + pad4(parts[name].length);
  return out;
}

/** Where each path of `files` begins in `encoded` (their UTF-8 bytes, each NUL-terminated). */
function computeFileStarts(files: string[], encoded: Buffer): Uint32Array {
  const starts = new Uint32Array(files.length + 1);
  // All ASCII (the usual case) when the bytes are as many as the characters: each path's length is its size.
  const ascii = encoded.length === files.reduce((sum, f) => sum + f.length + 1, 0);
  for (let i = 0; i < files.length; i++) starts[i + 1] = starts[i]! + (ascii ? files[i]!.length : Buffer.byteLength(files[i]!)) + 1;
  return starts;
}

/** True when `offsets` cuts `m` items into `n` rows in order. */
function isRowIndex(offsets: Uint32Array, n: number, m: number): boolean {
  if (offsets.length !== n + 1 || offsets[0] !== 0 || offsets[n] !== m) return false;
  for (let i = 0; i < n; i++) if (offsets[i]! > offsets[i + 1]!) return false;
  return true;
}


/** The graph cache's format version (the header's `format`): part of a shared snapshot's identity. */
export const GRAPH_CACHE_FORMAT = FORMAT;

/**
 * Decodes an encoded snapshot that must carry `key`, checking every structure; throws what is
 * wrong. `hashed`: the caller checked the bytes against a SHA-256 already (a shared snapshot's
 * header carries one), so the body's CRC-32 is not computed again (20 ms at 11 MB).
 */
export function decodeGraphCache(buffer: Buffer, key: string, options: { hashed?: boolean } = {}): GraphSnapshot {
  return decodeSnapshot(buffer, key, options.hashed === true);
}

/** The raw bytes of a cached snapshot, or null when there is none (what a push uploads on a cache hit). */
export function readGraphCacheBytes(dir: string, key: string): Buffer | null {
  try {
    return readFileSync(join(dir, `${key}${SUFFIX}`));
  } catch {
    return null;
  }
}

/**
 * The same encoded snapshot under another key: only the header line changes (the body's
 * checksum covers the body alone), so a snapshot moves between the local cache's key and a
 * shared one without being decoded and encoded again. Throws when `bytes` do not carry `from`.
 */
export function rekeyGraphCache(bytes: Buffer, from: string, to: string): Buffer {
  const newline = bytes.indexOf(10);
  if (newline < 0) throw new Error('no header line');
  const header = JSON.parse(bytes.toString('latin1', 0, newline)) as Header;
  if (header.format !== FORMAT) throw new Error(`format ${header.format}, expected ${FORMAT}`);
  if (header.key !== from) throw new Error('the header names another key');
  return Buffer.concat([renderHeaderLine({ ...header, key: to }), bytes.subarray(newline + 1)]);
}

/** The header as its line: JSON padded with spaces so that the body starts on an 8-byte boundary. */
function renderHeaderLine(header: Header): Buffer {
  let line = JSON.stringify(header);
  line += ' '.repeat((8 - ((line.length + 1) % 8)) % 8);
  return Buffer.from(`${line}\n`);
}

function decodeSnapshot(buffer: Buffer, key: string, hashed = false): GraphSnapshot {
  const newline = buffer.indexOf(10);
  if (newline < 0) throw new Error('no header line');
  const header = JSON.parse(buffer.toString('latin1', 0, newline)) as Header;
  if (header.format !== FORMAT) throw new Error(`format ${header.format}, expected ${FORMAT}`);
  if (header.key !== key) throw new Error('the header names another key');
  if (header.endian !== ENDIAN) throw new Error(`written on a ${header.endian} machine`);
  // Typed-array views need their byte offset aligned: copy when the read buffer is not.
  let body = buffer.subarray(newline + 1);
  if (body.length !== header.bodyBytes) throw new Error(`body is ${body.length} bytes, the header says ${header.bodyBytes}`);
  if (!hashed && crc32(body) !== header.checksum) throw new Error('checksum does not match the body');
  if (body.byteOffset % 4) body = Buffer.from(body);
  let at = 0;
  const take = (name: (typeof SECTIONS)[number]) => {
    const size = header.sections[name];
    const slice = body.subarray(at, at + size);
    at += size + pad4(size);
    return slice;
  };
  const meta = JSON.parse(take('meta').toString()) as Omit<FileGraph, 'files' | 'blobs' | 'edges'> & GraphSnapshot;
  const view = (slice: Buffer, Type: Uint32ArrayConstructor) => new Type(slice.buffer, slice.byteOffset, slice.length / 4);
  const filesBytes = take('files');
  const fileStarts = view(take('fileStarts'), Uint32Array);
  const blobsBytes = take('blobs');
  const n = fileStarts.length - 1;
  if (!isRowIndex(fileStarts, n, filesBytes.length) || (n > 0 && filesBytes[filesBytes.length - 1] !== 0)) throw new Error('graph structure is inconsistent');
  for (let i = 1; i <= n; i++) if (filesBytes[fileStarts[i]! - 1] !== 0) throw new Error('graph structure is inconsistent');
  const index: ImportIndex = { offsets: view(take('offsets'), Uint32Array), targets: view(take('targets'), Uint32Array), kinds: new Uint8Array(take('kinds')) };
  index.reverse = { offsets: view(take('importerOffsets'), Uint32Array), sources: view(take('importers'), Uint32Array) };
  if (at !== body.length) throw new Error('section sizes do not add up to the body');
  const { offsets, targets, kinds } = index;
  const m = targets.length;
  if (!isRowIndex(offsets, n, m) || !isRowIndex(index.reverse.offsets, n, m) || kinds.length !== m || index.reverse.sources.length !== m) throw new Error('graph structure is inconsistent');
  for (let i = 0; i < m; i++) if (targets[i]! >= n || kinds[i]! >= EDGE_KINDS.length || index.reverse.sources[i]! >= n) throw new Error('graph structure is inconsistent');
  if (!Array.isArray(meta.apps) || !meta.apps.every((a) => a.entries.every((e) => e < n))) throw new Error('graph structure is inconsistent');
  const graph = { packages: meta.packages, unresolved: meta.unresolved, uncertain: meta.uncertain, ...(meta.globs ? { globs: meta.globs } : {}), apps: meta.apps, warnings: meta.warnings } as FileGraph;
  defineLazy(graph, 'blobs', () => {
    const blobs = n === 0 ? [] : blobsBytes.toString('latin1').split('\0');
    // The checksum passed, so this is a writer's bug, not a damaged file.
    if (blobs.length !== n) throw new Error(`graph cache ${key}: ${blobs.length} blob ids for ${n} files; delete the cache directory`);
    return blobs;
  });
  defineLazy(graph, 'files', () => (n === 0 ? [] : filesBytes.toString('utf8', 0, filesBytes.length - 1).split('\0')));
  defineLazy(graph, 'edges', () => expandImportIndex(index));
  attachImportIndex(graph, index);
  attachFileTable(graph, createPackedFileTable(filesBytes, fileStarts));
  return { projects: meta.projects, nx: meta.nx, tsconfigExtends: meta.tsconfigExtends, excluded: meta.excluded, ...(meta.sharedTsconfig === undefined ? {} : { sharedTsconfig: meta.sharedTsconfig }), graph };
}

/**
 * Reads a cached snapshot, or null when there is none. A file that cannot be trusted is
 * reported as TESSERA_CACHE_CORRUPT, removed, and treated as missing.
 */
export function readGraphCache(dir: string, key: string, warnings: Warning[]): GraphSnapshot | null {
  const path = join(dir, `${key}${SUFFIX}`);
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch {
    return null;
  }
  try {
    return decodeSnapshot(buffer, key);
  } catch (error) {
    warnings.push({ code: 'TESSERA_CACHE_CORRUPT', text: `cache file ${path} was unusable (${(error as Error).message}); rebuilt`, location: { file: path } });
    rmSync(path, { force: true });
    return null;
  }
}

/** What the index remembers of a snapshot: enough to find a base for an incremental update. */
export interface GraphIndexEntry {
  key: string;
  /** The git tree the snapshot describes (absent for working-tree snapshots). */
  tree: string | null;
  /** Tessera version, esbuild version and project source: snapshots only combine when these match. */
  params: string;
  at: string;
}

/** Snapshots in the cache, newest first. A missing or unreadable index is an empty one. */
export function readGraphIndex(dir: string): GraphIndexEntry[] {
  try {
    const entries = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as GraphIndexEntry[];
    return Array.isArray(entries) ? entries.filter((e) => typeof e?.key === 'string' && existsSync(join(dir, `${e.key}${SUFFIX}`))) : [];
  } catch {
    return [];
  }
}

/** Writes a snapshot atomically (temp file + rename), records it in the index, and keeps the newest few; returns the bytes written. */
export function writeGraphCache(dir: string, key: string, snapshot: GraphSnapshot, entry?: Omit<GraphIndexEntry, 'key' | 'at'>): Buffer {
  const bytes = encodeGraphCache(key, snapshot);
  writeGraphCacheBytes(dir, key, bytes, entry);
  return bytes;
}

/** A snapshot's bytes under `key`, as writeGraphCache writes them (for a caller that also sends them elsewhere). */
export const encodeGraphCache = (key: string, snapshot: GraphSnapshot): Buffer => encodeSnapshot(key, snapshot);

/** Writes an encoded snapshot (encodeSnapshot, rekeyGraphCache) as writeGraphCache does. */
export function writeGraphCacheBytes(dir: string, key: string, bytes: Uint8Array, entry?: Omit<GraphIndexEntry, 'key' | 'at'>): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${key}.${process.pid}.tmp`);
  writeFileSync(tmp, bytes);
  renameSync(tmp, join(dir, `${key}${SUFFIX}`));
  if (entry) {
    const index = [{ key, ...entry, at: new Date().toISOString() }, ...readGraphIndex(dir).filter((e) => e.key !== key)].slice(0, KEEP);
    const indexTmp = join(dir, `.index.${process.pid}.tmp`);
    writeFileSync(indexTmp, JSON.stringify(index));
    renameSync(indexTmp, join(dir, 'index.json'));
  }
  const names = readdirSync(dir);
  // Snapshots of an older format (`<key>.json`) are never read again.
  for (const name of names) if (name.endsWith('.json') && name !== 'index.json') rmSync(join(dir, name), { force: true });
  const entries = names.filter((f) => f.endsWith(SUFFIX));
  if (entries.length > KEEP) {
    entries
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .slice(KEEP)
      .forEach(({ f }) => rmSync(join(dir, f), { force: true }));
  }
}
