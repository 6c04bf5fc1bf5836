import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Warning } from '../errors/tessera-error.js';
import type { NxSettings } from '../workspace/discover-projects.js';
import type { Project } from '../workspace/project.js';
import type { FileGraph } from './file-graph.js';

/** What one cache entry holds: the projects and the file graph of one revision. */
export interface GraphSnapshot {
  projects: Project[];
  nx: NxSettings;
  graph: FileGraph;
}

const FORMAT = 2;
const KEEP = 24;

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

function isValidGraph(graph: FileGraph): boolean {
  const n = graph.files?.length;
  if (!Array.isArray(graph.files) || !Array.isArray(graph.edges) || graph.edges.length !== n || !Array.isArray(graph.blobs) || graph.blobs.length !== n || !Array.isArray(graph.apps)) return false;
  for (const edges of graph.edges) for (let i = 0; i < edges.length; i += 2) if (!(edges[i]! < n && edges[i]! >= 0)) return false;
  return graph.apps.every((a) => a.entries.every((e) => e < n));
}

/**
 * Reads a cached snapshot. The file is `header\nbody`; the header carries the key and the
 * body's checksum, so a truncated, edited or foreign file is detected and never trusted.
 */
export function readGraphCache(dir: string, key: string, warnings: Warning[]): GraphSnapshot | null {
  const path = join(dir, `${key}.json`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const newline = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, newline)) as { format: number; key: string; checksum: string };
    const body = text.slice(newline + 1);
    if (header.format !== FORMAT || header.key !== key || header.checksum !== sha1(body)) throw new Error('header does not match the body');
    const snapshot = JSON.parse(body) as GraphSnapshot;
    if (!isValidGraph(snapshot.graph)) throw new Error('graph structure is inconsistent');
    return snapshot;
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
    return Array.isArray(entries) ? entries.filter((e) => typeof e?.key === 'string' && existsSync(join(dir, `${e.key}.json`))) : [];
  } catch {
    return [];
  }
}

/** Writes a snapshot atomically (temp file + rename), records it in the index, and keeps the newest few. */
export function writeGraphCache(dir: string, key: string, snapshot: GraphSnapshot, entry?: Omit<GraphIndexEntry, 'key' | 'at'>): void {
  mkdirSync(dir, { recursive: true });
  const body = JSON.stringify(snapshot);
  const header = JSON.stringify({ format: FORMAT, key, checksum: sha1(body), createdAt: new Date().toISOString() });
  const tmp = join(dir, `.${key}.${process.pid}.tmp`);
  writeFileSync(tmp, `${header}\n${body}`);
  renameSync(tmp, join(dir, `${key}.json`));
  if (entry) {
    const index = [{ key, ...entry, at: new Date().toISOString() }, ...readGraphIndex(dir).filter((e) => e.key !== key)].slice(0, KEEP);
    const indexTmp = join(dir, `.index.${process.pid}.tmp`);
    writeFileSync(indexTmp, JSON.stringify(index));
    renameSync(indexTmp, join(dir, 'index.json'));
  }
  const entries = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');
  if (entries.length > KEEP) {
    entries
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .slice(KEEP)
      .forEach(({ f }) => rmSync(join(dir, f), { force: true }));
  }
}
