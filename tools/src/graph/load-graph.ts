import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TesseraError, type Warning } from '../errors/tessera-error.js';
import { runGit } from '../git/run-git.js';
import { addWorktree, hashWorkingFiles, readCommitId, readDirtyPaths, readTreeEntries, readTreeId, removeWorktree, type TreeEntry } from '../git/read-repository.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { readWorkspace } from '../workspace/read-workspace.js';
import { analyzeApps } from './analyze-apps.js';
import { type GraphSnapshot, readGraphCache, writeGraphCache } from './graph-cache.js';
import { readAliases } from './read-aliases.js';

/** Tessera's version, stamped at build time; part of every cache key. */
declare const TESSERA_VERSION: string;
const VERSION = typeof TESSERA_VERSION === 'string' ? TESSERA_VERSION : 'dev';

/** esbuild's installed version, read from its package.json so a cache hit never loads the bundler. */
function readEsbuildVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('esbuild/package.json') as { version: string }).version;
}

/** A revision to analyse: a commit, or the working tree as it is on disk. */
export type Revision = { kind: 'worktree' } | { kind: 'commit'; commit: string; tree?: string };

export interface LoadGraphOptions {
  /** The workspace directory the user pointed at. */
  root: string;
  config: ResolvedConfig;
  revision: Revision;
  projectsFrom?: 'tessera' | 'nx';
  /** Problems handled along the way are appended here. */
  warnings: Warning[];
}

export interface LoadedGraph extends GraphSnapshot {
  key: string;
  cache: 'hit' | 'miss';
}

const PARSED = /\.(tsx?|mts|cts|jsx?|mjs|cjs|css|json)$/;

/** Creates the cache directory with a .gitignore of its own, so it never shows as a change. */
export function ensureCacheDir(root: string, config: ResolvedConfig): string {
  const dir = join(root, config.cacheDir);
  if (!existsSync(join(dir, '.gitignore'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.gitignore'), '# Tessera cache, runs and local store\n*\n');
  }
  return dir;
}

async function readWorktreeKey(root: string, cacheDir: string): Promise<{ key: string; dirty: string[]; head: string }> {
  const head = (await readCommitId(root, 'HEAD'))!;
  const dirty = (await readDirtyPaths(root)).filter((p) => !p.startsWith(cacheDir + '/')).sort();
  const present = dirty.filter((p) => existsSync(join(root, p)) && statSync(join(root, p)).isFile());
  const hashes = await hashWorkingFiles(root, present);
  const tree = await readTreeId(root, head);
  const key = createHash('sha1').update(tree).update(dirty.map((p) => `${p}:${hashes.get(p) ?? 'gone'}`).join('\n')).digest('hex');
  return { key, dirty, head };
}

/** Blob ids of the graph's files: from the tree, re-hashed where the working tree differs, hashed directly when untracked. */
async function readBlobs(root: string, dir: string, files: string[], entries: TreeEntry[], dirty: string[]): Promise<string[]> {
  const blobs = new Map(entries.map((e) => [e.path, e.blob]));
  const rehash = new Set(dirty);
  const needHash = files.filter((f) => rehash.has(f) || !blobs.has(f));
  const onDisk = needHash.filter((f) => existsSync(join(dir, f)) && statSync(join(dir, f)).isFile());
  const hashed = await hashWorkingFiles(dir === root ? root : dir, onDisk);
  return files.map((f) => hashed.get(f) ?? blobs.get(f) ?? '');
}

/**
 * The projects and file graph of one revision, from the cache when its content was seen
 * before (on any branch), otherwise analysed: in the working tree when it holds exactly
 * that revision, else in a temporary git worktree.
 */
export async function loadGraph(options: LoadGraphOptions): Promise<LoadedGraph> {
  const { root, config, revision, warnings } = options;
  const cacheDir = ensureCacheDir(root, config);
  let treeKey: string;
  let dirty: string[] = [];
  let head: string;
  if (revision.kind === 'worktree') {
    ({ key: treeKey, dirty, head } = await readWorktreeKey(root, config.cacheDir));
  } else {
    treeKey = revision.tree ?? (await readTreeId(root, revision.commit));
    head = revision.commit;
  }
  const key = createHash('sha1').update([VERSION, readEsbuildVersion(), options.projectsFrom ?? 'tessera', treeKey].join('\0')).digest('hex');
  const graphsDir = join(cacheDir, 'cache', 'graphs');
  const cached = readGraphCache(graphsDir, key, warnings);
  if (cached) return { ...cached, key, cache: 'hit' };

  let dir = root;
  let cleanup = async () => {};
  if (revision.kind === 'commit') {
    const headNow = await readCommitId(root, 'HEAD');
    const clean = headNow === revision.commit && (await readDirtyPaths(root)).every((p) => p.startsWith(config.cacheDir + '/'));
    if (!clean) {
      const base = mkdtempSync(join(tmpdir(), 'tessera-tree-'));
      const checkout = join(base, 'tree');
      await addWorktree(root, checkout, revision.commit);
      const prefix = (await runGit(root, ['rev-parse', '--show-prefix'])).stdout.trim();
      dir = join(checkout, prefix);
      if (existsSync(join(root, 'node_modules')) && !existsSync(join(dir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
      cleanup = async () => {
        await removeWorktree(root, checkout);
        rmSync(base, { recursive: true, force: true });
      };
    }
  }
  try {
    const workspace = await readWorkspace(dir, { projectsFrom: options.projectsFrom });
    const entries = await readTreeEntries(root, head);
    const sizes = new Map(entries.map((e) => [e.path, e.size]));
    for (const path of dirty) if (existsSync(join(root, path))) sizes.set(path, statSync(join(root, path)).size);
    const largeFiles = [...sizes].filter(([path, size]) => size > workspace.config.maxFileBytes && PARSED.test(path)).map(([path]) => path);
    const graph = await analyzeApps({ root: dir, apps: workspace.apps.map((a) => ({ name: a.name, entries: a.entries })), largeFiles, aliases: readAliases(dir) });
    graph.blobs = await readBlobs(root, dir, graph.files, entries, dirty);
    const snapshot: GraphSnapshot = { projects: workspace.projects, nx: workspace.nx, graph };
    try {
      writeGraphCache(graphsDir, key, snapshot);
    } catch (error) {
      throw new TesseraError('TESSERA_CACHE_UNWRITABLE', `Cannot write the graph cache in ${graphsDir}: ${(error as Error).message}`, { cause: error });
    }
    return { ...snapshot, key, cache: 'miss' };
  } finally {
    await cleanup();
  }
}
