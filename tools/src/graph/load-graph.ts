import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TesseraError, type Warning } from '../errors/tessera-error.js';
import { addWorktree, hashWorkingFiles, readCommitId, readDirtyPaths, readPrefix, readTreeEntries, readTreeId, removeWorktree, type TreeEntry } from '../git/read-repository.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { readConfig, readProjectsAt, readWorkspace } from '../workspace/read-workspace.js';
import { createProjectMatcher, isEmptySelection } from '../workspace/select-projects.js';
import { findOwningProject, type Project } from '../workspace/project.js';
import { readTsconfigExtends } from '../workspace/tsconfig-extends.js';
import type { WorkspacePackage } from './resolve-workspace-package.js';
import { computeGraphWithout, type FileGraph } from './file-graph.js';
import { analyzeApps, planAppsPerBuild, planGraphThreads, resolveGraphEngine } from './analyze-apps.js';
import { GRAPH_CACHE_FORMAT, type GraphSnapshot, readGraphCache, readGraphCacheBytes, readGraphIndex, rekeyGraphCache, encodeGraphCache, writeGraphCacheBytes } from './graph-cache.js';
import { createSnapshotSharing, openSnapshotStore, readShareCandidates, resolveGraphShare, type SharedSnapshotReport, type SnapshotSharing, type SnapshotStore, UNUSED_SHARING } from './share-snapshots.js';
import { readAliases, readRootBareResolution, readSharedTsconfig } from './read-aliases.js';
import { type GraphUpdatePlan, planGraphUpdate, type TreeChanges } from './plan-graph-update.js';
import { isUnchanged, readTreeChanges } from './read-tree-changes.js';

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
  /**
   * The merge-base of the change being analysed: with graph sharing on, the first snapshot
   * looked for in the store after the revision's own (docs/affected.md, "Graph snapshots in the store").
   */
  shareBase?: string;
  /**
   * Write the revision's snapshot to the store even when sharing is off or the graph was in the
   * local cache (`tessera graph --push`); a failure to write it throws. Needs a commit, or a
   * working tree without changes.
   */
  push?: boolean;
  /** Where TESSERA_GRAPH_SHARE, TESSERA_GRAPH_ENGINE and TESSERA_STORE are read. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** The store to share snapshots through, instead of opening `store` (or TESSERA_STORE); the caller closes it. */
  snapshotStore?: SnapshotStore;
  /**
   * Return once the graph is made and cached locally, the push to the store going on (a fresh
   * runner's answer need not wait for 11 MB to be compressed and uploaded): the caller awaits
   * `pushed` before it reports or exits. Not with `push`, whose failure must fail the command.
   * @default false
   */
  deferPush?: boolean;
}

export interface LoadedGraph extends GraphSnapshot {
  key: string;
  /** `hit`: read from the cache (or this revision's snapshot from the store); `update`: a cached or shared graph updated for modified files; `miss`: analysed in full. */
  cache: 'hit' | 'update' | 'miss';
  /** What graph sharing did, or null when it is off. */
  shared: SharedSnapshotReport | null;
  /**
   * With `deferPush`, the snapshot's push, still under way when the graph is returned: when it
   * settles, `shared` says what the push did and the store is closed. Absent otherwise.
   */
  pushed?: Promise<void>;
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

async function readWorktreeKey(root: string, cacheDir: string): Promise<{ key: string; dirty: string[]; head: string; tree: string }> {
  const [headId, dirtyPaths] = await Promise.all([readCommitId(root, 'HEAD'), readDirtyPaths(root)]);
  const head = headId!;
  const dirty = dirtyPaths.filter((p) => !p.startsWith(cacheDir + '/')).sort();
  const present = dirty.filter((p) => existsSync(join(root, p)) && statSync(join(root, p)).isFile());
  const [hashes, tree] = await Promise.all([hashWorkingFiles(root, present), readTreeId(root, head)]);
  const key = createHash('sha1').update(tree).update(dirty.map((p) => `${p}\0${hashes.get(p) ?? 'gone'}`).join('\0')).digest('hex');
  return { key, dirty, head, tree };
}

/**
 * A file's size, or 0 when it cannot be stat'ed: a missing file, or a symlink loop (ELOOP),
 * which the analysis reports with its own warning if an app imports it.
 */
function readSize(path: string): number {
  try {
    return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

/** A base config that tsconfigs extend (any name: packages/tsconfig/base.json) steers resolution too. */
const touchesTsconfigChain = (snapshot: GraphSnapshot, changes: TreeChanges) => [changes.modified, changes.added, changes.deleted].some((paths) => paths.some((p) => isInTsconfigChain(snapshot.tsconfigExtends, p)));

/** A snapshot to update, and what changed since its tree. */
interface UpdateBase {
  snapshot: GraphSnapshot;
  changes: TreeChanges;
}

/**
 * A cached snapshot this revision can be derived from by re-reading some files: same
 * parameters, and a tree that `fits` (readTreeChanges) can follow to this revision.
 */
async function findUpdateBase(graphsDir: string, params: string, fits: (baseTree: string) => Promise<TreeChanges | null>, warnings: Warning[]): Promise<UpdateBase | null> {
  for (const entry of readGraphIndex(graphsDir).filter((e) => e.params === params && e.tree).slice(0, 3)) {
    const changes = await fits(entry.tree!);
    if (!changes) continue;
    const snapshot = readGraphCache(graphsDir, entry.key, warnings);
    if (snapshot && touchesTsconfigChain(snapshot, changes)) continue;
    if (snapshot) return { snapshot, changes };
  }
  return null;
}

/** Whether a workspace read again is the one a snapshot was analysed with: the same projects, entries included. */
const isSameWorkspace = (a: Pick<GraphSnapshot, 'projects' | 'nx' | 'excluded'>, b: Pick<GraphSnapshot, 'projects' | 'nx' | 'excluded'>) => JSON.stringify([a.projects, a.nx, a.excluded]) === JSON.stringify([b.projects, b.nx, b.excluded]);

const TSCONFIG = /(^|\/)(tsconfig[^/]*|jsconfig)\.json$/;

/**
 * Blob ids of the graph's files: from the tree, re-hashed where the working tree differs, hashed
 * directly when untracked. An update passes the graph it started from: a file there at the same
 * id and not modified since keeps its blob, and only the others are looked up in the tree
 * (a fresh runner's update re-reads a few files of 100k).
 */
async function readBlobs(root: string, dir: string, files: string[], entries: TreeEntry[], dirty: string[], previous?: { graph: FileGraph; modified: readonly string[] }): Promise<string[]> {
  const result = new Array<string>(files.length);
  const rest: number[] = [];
  if (previous) {
    const before = previous.graph.files;
    const blobs = previous.graph.blobs;
    const modified = new Set(previous.modified);
    for (let i = 0; i < files.length; i++) {
      if (i < before.length && before[i] === files[i] && !modified.has(files[i]!) && blobs[i]) result[i] = blobs[i]!;
      else rest.push(i);
    }
  } else {
    for (let i = 0; i < files.length; i++) rest.push(i);
  }
  const wanted = new Set(rest.map((i) => files[i]!));
  const blobs = new Map<string, string>();
  for (const e of entries) if (wanted.has(e.path)) blobs.set(e.path, e.blob);
  const rehash = new Set(dirty);
  const needHash = [...wanted].filter((f) => rehash.has(f) || !blobs.has(f));
  const onDisk = needHash.filter((f) => existsSync(join(dir, f)) && statSync(join(dir, f)).isFile());
  const hashed = await hashWorkingFiles(dir === root ? root : dir, onDisk);
  for (const i of rest) result[i] = hashed.get(files[i]!) ?? blobs.get(files[i]!) ?? '';
  return result;
}

/** The tree's files less those the working tree deleted (a dirty path that is gone). */
const listPresentFiles = (tracked: ReadonlySet<string>, dirty: readonly string[], dir: string): string[] => {
  if (!dirty.length) return [...tracked];
  const changed = new Set(dirty);
  // lstat, not exists: a dangling symlink is still there, and discovery reports it.
  return [...tracked].filter((p) => !changed.has(p) || lstatSync(join(dir, p), { throwIfNoEntry: false }) !== undefined);
};

/**
 * A temporary checkout gets the working tree's package-local node_modules too (pnpm and
 * yarn berry install per package: `apps/web/node_modules/next`), so that what resolves
 * through them (a tsconfig `extends` of an npm package, a JSX runtime) resolves alike.
 */
function linkPackageNodeModules(root: string, dir: string, entries: readonly TreeEntry[]): void {
  for (const { path } of entries) {
    if (!path.endsWith('/package.json')) continue;
    const at = path.slice(0, -'/package.json'.length);
    const source = join(root, at, 'node_modules');
    const target = join(dir, at, 'node_modules');
    if (existsSync(source) && existsSync(join(dir, at)) && !existsSync(target)) symlinkSync(source, target, 'dir');
  }
}

interface Checkout {
  /** The directory holding the commit's files. */
  dir: string;
  cleanup: () => Promise<void>;
}

/** The working tree when it holds exactly `commit` (`headMatches`: HEAD is it; nothing changed), else a temporary worktree of it. */
async function prepareCheckout(root: string, commit: string, cacheDir: string, headMatches: Promise<boolean>): Promise<Checkout> {
  const [atHead, dirtyNow] = await Promise.all([headMatches, readDirtyPaths(root)]);
  if (atHead && dirtyNow.every((p) => p.startsWith(cacheDir + '/'))) return { dir: root, cleanup: async () => {} };
  const base = mkdtempSync(join(tmpdir(), 'tessera-tree-'));
  const checkout = join(base, 'tree');
  const cleanup = async () => {
    await removeWorktree(root, checkout);
    rmSync(base, { recursive: true, force: true });
  };
  try {
    await addWorktree(root, checkout, commit);
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
  const dir = join(checkout, await readPrefix(root));
  if (existsSync(join(root, 'node_modules')) && !existsSync(join(dir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, cleanup };
}

/** A file's text, or null when it cannot be read. */
function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** True when `path` is a tsconfig that extends another, or a file some tsconfig extends. */
const isInTsconfigChain = (edges: Readonly<Record<string, readonly string[]>>, path: string): boolean => Object.hasOwn(edges, path) || Object.values(edges).some((targets) => targets.includes(path));

/** The projects other packages can import by name: those with a package.json `name`. */
const listWorkspacePackages = (projects: readonly Project[]): WorkspacePackage[] => projects.filter((p) => p.packageName).map((p) => ({ name: p.packageName!, root: p.root }));

/**
 * The version of what an analysis computes (project discovery, entries, precision), part of
 * every cache key: a snapshot written by an analysis of another version is never reused.
 */
export const ANALYSIS_VERSION = 11;

/**
 * The projects and file graph of one revision, from the cache when its content was seen
 * before (on any branch), otherwise analysed: in the working tree when it holds exactly
 * that revision, else in a temporary git worktree.
 */
export async function loadGraph(options: LoadGraphOptions): Promise<LoadedGraph> {
  const { root, config, revision, warnings } = options;
  const env = options.env ?? process.env;
  const cacheDir = ensureCacheDir(root, config);
  let treeKey: string;
  let tree: string;
  let dirty: string[] = [];
  let head: string;
  if (revision.kind === 'worktree') {
    ({ key: treeKey, dirty, head, tree } = await readWorktreeKey(root, config.cacheDir));
  } else {
    tree = treeKey = revision.tree ?? (await readTreeId(root, revision.commit));
    head = revision.commit;
  }
  const esbuildVersion = readEsbuildVersion();
  const params = [VERSION, ANALYSIS_VERSION, esbuildVersion, options.projectsFrom ?? 'tessera'].join('\0');
  /** The cache key of a commit's tree (for the working tree, of its content). */
  const keyOf = (id: string) => createHash('sha1').update(`${params}\0${id}`).digest('hex');
  const key = keyOf(treeKey);
  const graphsDir = join(cacheDir, 'cache', 'graphs');
  /** The analysis's esbuild outdir: in the workspace's cache directory, also when a temporary worktree is analysed. */
  const outdir = join(cacheDir, 'graph-out');
  /** Only a snapshot of exactly a commit's tree is shared, not one of a working tree with changes. */
  const pushable = revision.kind === 'commit' || dirty.length === 0;
  if (options.push && !pushable) throw new TesseraError('TESSERA_USAGE', 'Only the snapshot of a commit can be pushed, and the working tree has changes', { hint: 'Push the snapshot of HEAD (`tessera graph --push` analyses HEAD), or commit the changes first.' });
  const share = options.push === true || resolveGraphShare(config, env);
  const engine = resolveGraphEngine(env);
  /** Sharing opens the store on first use, so nothing is left open when an error comes first. */
  const startSharing = async () =>
    createSnapshotSharing({
      open: options.snapshotStore ? async () => options.snapshotStore! : () => openSnapshotStore(root, config, env),
      ownsStore: !options.snapshotStore,
      identity: { analysisVersion: ANALYSIS_VERSION, cacheFormat: GRAPH_CACHE_FORMAT, esbuild: esbuildVersion, projectsFrom: options.projectsFrom ?? 'tessera', endian: endianness(), prefix: await readPrefix(root) },
      tessera: VERSION,
      warnings,
      strict: options.push === true,
    });
  const push = (sharing: SnapshotSharing, bytes: Buffer) => sharing.push({ tree, commit: head }, (sharedKey) => rekeyGraphCache(bytes, key, sharedKey));
  const cached = readGraphCache(graphsDir, key, warnings);
  if (cached) {
    // A hit is not written again (its analysis did that) unless asked: `tessera graph --push`.
    if (!options.push) return { ...cached, key, cache: 'hit', shared: share ? UNUSED_SHARING : null };
    const sharing = await startSharing();
    try {
      await push(sharing, readGraphCacheBytes(graphsDir, key)!);
    } finally {
      await sharing.close();
    }
    return { ...cached, key, cache: 'hit', shared: sharing.report() };
  }
  const sharing = share ? await startSharing() : null;
  sharing?.prepare();

  // git lists the tree while it checks the working tree: two processes, two cores.
  const entriesRead = readTreeEntries(root, head);
  entriesRead.catch(() => {}); // awaited below; a failure surfaces there
  /** The tree's files, and the working tree's dirty files still there: made when first asked for (100k paths are 30 ms, which an update from a recent snapshot does without). */
  let trackedRead: Promise<Set<string>> | undefined;
  let treePathsRead: Promise<Set<string>> | undefined;
  /** The tree's files alone. */
  const readTreePaths = () => (treePathsRead ??= entriesRead.then((entries) => new Set(entries.map((e) => e.path))));
  const readTracked = () =>
    (trackedRead ??= readTreePaths().then((paths) => {
      const tracked = new Set(paths);
      for (const path of dirty) if (existsSync(join(root, path))) tracked.add(path);
      return tracked;
    }));
  // Where a commit is analysed: in the working tree when it holds exactly that commit, else in a
  // temporary worktree. git status takes a quarter of a second on a tree of 100k files, so it runs
  // while the snapshot to update is looked for, which does not depend on it (a commit has no dirty files).
  const headMatches = revision.kind === 'commit' ? readCommitId(root, 'HEAD').then((id) => id === revision.commit) : Promise.resolve(true);
  headMatches.catch(() => {});
  const checkoutRead: Promise<Checkout> = revision.kind === 'commit' ? prepareCheckout(root, revision.commit, config.cacheDir, headMatches) : Promise.resolve({ dir: root, cleanup: async () => {} });
  checkoutRead.catch(() => {}); // awaited below, and in `finally`
  /**
   * The snapshot this revision is updated from: the local cache's, else the store's, or this
   * revision's own from the store (`hit`). Without dirty files it needs no tree listing, so a
   * fresh runner downloads and decodes it while git lists 100k files.
   */
  const lookForBase = async (): Promise<{ base: UpdateBase | null; hit?: GraphSnapshot }> => {
    // Which dirty paths the tree has tells a modified file from an added one.
    const inTree = dirty.length ? await readTreePaths() : new Set<string>();
    const fits = (baseTree: string) => readTreeChanges(root, baseTree, tree, dirty, (p) => inTree.has(p));
    const local = await findUpdateBase(graphsDir, params, fits, warnings);
    if (local || !sharing) return { base: local };
    const fetched = await sharing.find(await readShareCandidates(root, head, options.shareBase), fits);
    if (!fetched) return { base: null };
    if (isUnchanged(fetched.changes)) {
      // This revision's own snapshot (or one of a tree that differs only outside the workspace),
      // into the local cache as if analysed here: the next analysis finds it without the store.
      const baseKey = keyOf(fetched.candidate.tree);
      writeGraphCacheBytes(graphsDir, baseKey, rekeyGraphCache(fetched.cacheBytes, fetched.key, baseKey), { tree: fetched.candidate.tree, params });
      if (key !== baseKey) writeGraphCacheBytes(graphsDir, key, rekeyGraphCache(fetched.cacheBytes, fetched.key, key), { tree: revision.kind === 'commit' ? tree : null, params });
      return { base: null, hit: fetched.snapshot };
    }
    // An update: the local cache gets this revision's snapshot when it is done (the base's too
    // would be 11 MB more to write at the large size for an analysis that is rarely asked for).
    return { base: touchesTsconfigChain(fetched.snapshot, fetched.changes) ? null : { snapshot: fetched.snapshot, changes: fetched.changes } };
  };
  const baseRead = lookForBase();
  baseRead.catch(() => {});
  /** A push the caller awaits (deferPush), and the graph it is for. */
  let deferred: { push: Promise<void>; loaded: LoadedGraph } | null = null;
  try {
    const entries = await entriesRead;
    // What git says is there, for the parser engine's resolver: the dirty files of the working
    // tree are not (a commit has none; the checkout of another revision is clean).
    const unsure = [...dirty];
    const unsureSet = new Set(unsure);
    const files = { regular: entries.filter((e) => !e.symlink && !unsureSet.has(e.path)).map((e) => e.path), unsure };
    const found = await baseRead;
    if (found.hit) return { ...found.hit, key, cache: 'hit', shared: sharing!.report() };
    // An added symlink is left to a full analysis, which follows what it points to.
    const symlinks = new Set(entries.filter((e) => e.symlink).map((e) => e.path));
    const base = found.base && !found.base.changes.added.some((p) => symlinks.has(p)) ? found.base : null;
    /** A snapshot of this revision made in `dir` (the working tree or a temporary checkout of the commit). */
    const inDir = async <T extends GraphSnapshot | null>(dir: string, make: (dir: string) => Promise<T>): Promise<T> => {
      if (dir !== root) linkPackageNodeModules(root, dir, entries);
      const snapshot = await make(dir);
      // Paths in messages are workspace-relative: a temporary checkout's own path means nothing to the reader.
      if (snapshot && dir !== root) snapshot.graph.warnings = snapshot.graph.warnings.map((w) => ({ ...w, text: w.text.split(`${dir}/`).join('').split(dir).join('.') }));
      return snapshot;
    };
    /** Source files over the parse limit, by their size in the checkout being analysed. */
    const findLargeFiles = (dir: string, paths: Iterable<string>, limit: number) => [...paths].filter((p) => PARSED.test(p) && readSize(join(dir, p)) > limit);
    /**
     * Which files an update re-reads, or null when only a full analysis gives the right graph.
     * Edits alone re-read the edited files. An added or deleted file can change how unchanged
     * imports resolve (planGraphUpdate finds those) and which entries the apps have, so the
     * projects around it must be the snapshot's still (keepsProjects).
     */
    const planUpdate = async (dir: string, update: UpdateBase, sharedTsconfig: string | null): Promise<GraphUpdatePlan | null> => {
      const { changes, snapshot: previous } = update;
      if (!changes.added.length && !changes.deleted.length) return { reread: changes.modified, deleted: [] };
      // The bundler engine leaves globs to esbuild, so its graph does not know which an added file matches.
      if (engine !== 'parser' || !previous.graph.globs) return null;
      // A full analysis reads a missing entry as an unreadable file: left to it.
      const entryFiles = new Set(previous.graph.apps.flatMap((a) => a.entries.map((id) => previous.graph.files[id]!)));
      if (changes.deleted.some((p) => entryFiles.has(p))) return null;
      const tracked = await readTracked();
      // Per-project tsconfigs resolve bare names each their own way; only one shared tsconfig is followed here.
      if (sharedTsconfig === null && [...tracked].some((p) => TSCONFIG.test(p))) return null;
      const bare = readRootBareResolution(dir);
      if (bare.moduleSuffixes || bare.baseUrl?.startsWith('..')) return null;
      if (!(await keepsProjects(dir, previous, [...changes.added, ...changes.deleted], tracked))) return null;
      return planGraphUpdate(previous.graph, changes, { aliases: readAliases(dir), baseUrl: bare.baseUrl, workspacePackages: listWorkspacePackages(previous.projects) });
    };
    /**
     * Whether files added or deleted at `paths` leave the snapshot's projects (entries, types,
     * builds) as they were: the projects around them discovered again (readProjectsAt), or,
     * when that cannot stand for the whole, the workspace read again.
     */
    const keepsProjects = async (dir: string, previous: GraphSnapshot, paths: readonly string[], tracked: ReadonlySet<string>): Promise<boolean> => {
      const files = listPresentFiles(tracked, dirty, dir);
      const whole = async () => isSameWorkspace(await readWorkspace(dir, { projectsFrom: options.projectsFrom, files, ...(dir === root ? { config } : {}) }), previous);
      if (options.projectsFrom === 'nx') return whole();
      const projects = [...previous.projects, ...previous.excluded];
      const owners = new Set<string>();
      for (const path of paths) {
        const owner = findOwningProject(projects, path);
        // A file of no project changes none, unless it is one of the root's own files.
        if (owner) owners.add(owner.root);
        else if (!path.includes('/')) return whole();
      }
      if (!owners.size) return true;
      const checkoutConfig = dir === root ? config : readConfig(dir);
      const around = readProjectsAt(dir, { roots: [...owners], files, config: checkoutConfig });
      if (!around) return whole();
      const inScope = (p: { root: string }) => [...owners].some((r) => p.root === r || p.root.startsWith(`${r}/`));
      const selected = createProjectMatcher(checkoutConfig.projects);
      const keep = (p: Project) => isEmptySelection(checkoutConfig.projects) || p.type === 'library' || selected(p);
      const byName = <T extends { name: string }>(list: T[]) => list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const now = { projects: byName(around.filter(keep)), excluded: byName(around.filter((p) => !keep(p)).map((p) => ({ name: p.name, root: p.root, type: p.type }))) };
      const before = { projects: byName(previous.projects.filter(inScope).map(({ dependsOn: _, ...p }) => p)), excluded: byName(previous.excluded.filter(inScope)) };
      return JSON.stringify(now) === JSON.stringify(before);
    };
    /** This revision's snapshot as an update of `base`, or null when it cannot be one (planUpdate). */
    const updateIn = async (dir: string): Promise<GraphSnapshot | null> => {
      const update = base!;
      const previous = update.snapshot.graph;
      // No tsconfig changed since the base (readTreeChanges), so the base's shared tsconfig still holds.
      const sharedTsconfig = update.snapshot.sharedTsconfig !== undefined ? update.snapshot.sharedTsconfig : readSharedTsconfig(dir, await readTracked(), update.snapshot.projects.map((p) => p.root));
      const plan = await planUpdate(dir, update, sharedTsconfig);
      if (!plan) return null;
      const largeFiles = findLargeFiles(dir, plan.reread, config.maxFileBytes);
      const apps = previous.apps.map((a) => ({ name: a.name, entries: a.entries.map((id) => previous.files[id]!) }));
      let graph = await analyzeApps({ root: dir, apps, largeFiles, aliases: readAliases(dir), tsconfig: sharedTsconfig ?? undefined, previous: { graph: previous, modified: plan.reread, deleted: plan.deleted }, maxFileBytes: config.maxFileBytes, files, outdir, workspacePackages: listWorkspacePackages(update.snapshot.projects), engine });
      graph.blobs = await readBlobs(root, dir, graph.files, entries, dirty, { graph: previous, modified: plan.reread });
      if (plan.deleted.length) graph = computeGraphWithout(graph, new Set(plan.deleted));
      return { projects: update.snapshot.projects, nx: update.snapshot.nx, tsconfigExtends: update.snapshot.tsconfigExtends, excluded: update.snapshot.excluded, sharedTsconfig, graph };
    };
    const analyseIn = async (dir: string): Promise<GraphSnapshot> => {
      // The command's config describes the working tree; a checkout of another revision is
      // read with its own tessera.config.json, which its tree id (the cache key) covers.
      const tracked = await readTracked();
      const workspace = await readWorkspace(dir, { projectsFrom: options.projectsFrom, files: listPresentFiles(tracked, dirty, dir), ...(dir === root ? { config } : {}) });
      // The parser engine checks each file it reads: no stat of every file beforehand.
      const largeFiles = engine === 'parser' ? [] : findLargeFiles(dir, tracked, workspace.config.maxFileBytes);
      let parseable = 0;
      for (const path of tracked) if (PARSED.test(path)) parseable++;
      const appsPerBuild = planAppsPerBuild(workspace.apps.length, parseable);
      const sharedTsconfig = readSharedTsconfig(dir, tracked, workspace.projects.map((p) => p.root));
      const graph = await analyzeApps({ root: dir, apps: workspace.apps.map((a) => ({ name: a.name, entries: [...a.entries, ...(a.buildConfigs ?? [])] })), largeFiles, aliases: readAliases(dir), tsconfig: sharedTsconfig ?? undefined, appsPerBuild, maxFileBytes: workspace.config.maxFileBytes, files, outdir, workspacePackages: listWorkspacePackages(workspace.projects), engine, threads: planGraphThreads(parseable, availableParallelism(), env) });
      graph.blobs = await readBlobs(root, dir, graph.files, entries, dirty);
      // Cached with the graph, so a warm run still says which projects were left out.
      graph.warnings.unshift(...workspace.warnings);
      const present = new Set(listPresentFiles(tracked, dirty, dir));
      const tsconfigExtends = readTsconfigExtends(present, { has: (p) => present.has(p), read: (p) => readText(join(dir, p)), packages: new Map(listWorkspacePackages(workspace.projects).map((p) => [p.name, p.root])) });
      return { projects: workspace.projects, nx: workspace.nx, tsconfigExtends, excluded: workspace.excluded, sharedTsconfig, graph };
    };
    /** An update of `base` where it can be one, else a full analysis; `updated` says which. */
    const makeIn = async (dir: string): Promise<{ snapshot: GraphSnapshot; updated: boolean }> => {
      const updated = base ? await inDir(dir, updateIn) : null;
      return updated ? { snapshot: updated, updated: true } : { snapshot: await inDir(dir, analyseIn), updated: false };
    };
    // An update takes a fraction of a second, as long as git status takes on a fresh clone of
    // 100k files: when HEAD is the commit it starts in the working tree while git status checks
    // that nothing there differs from the commit, and is done again in a temporary checkout when
    // something does. A full analysis waits for the answer (done twice it would cost seconds).
    let made: { snapshot: GraphSnapshot; updated: boolean };
    if (base && (await headMatches)) {
      const speculated = await inDir(root, updateIn).then((s) => ({ s }), (error: unknown) => ({ error }));
      const { dir } = await checkoutRead;
      if (dir !== root) made = await makeIn(dir);
      else if (!('s' in speculated)) throw speculated.error;
      else made = speculated.s ? { snapshot: speculated.s, updated: true } : { snapshot: await inDir(root, analyseIn), updated: false };
    } else {
      made = await makeIn((await checkoutRead).dir);
    }
    const { snapshot } = made;
    const bytes = encodeGraphCache(key, snapshot);
    // The push compresses on the thread pool while the local cache is written here.
    const pushed = sharing && pushable ? push(sharing, bytes) : null;
    try {
      writeGraphCacheBytes(graphsDir, key, bytes, { tree: revision.kind === 'commit' ? tree : null, params });
    } catch (error) {
      await pushed?.catch(() => {});
      throw new TesseraError('TESSERA_CACHE_UNWRITABLE', `Cannot write the graph cache in ${graphsDir}: ${(error as Error).message}`, { cause: error });
    }
    const loaded: LoadedGraph = { ...snapshot, key, cache: made.updated ? 'update' : 'miss', shared: sharing?.report() ?? null };
    if (pushed && options.deferPush && !options.push) {
      deferred = { push: pushed.then(() => void (loaded.shared = sharing!.report())), loaded };
      return loaded;
    }
    await pushed;
    loaded.shared = sharing?.report() ?? null;
    return loaded;
  } finally {
    const cleanup = checkoutRead.then((c) => c.cleanup(), () => {});
    if (deferred) {
      // The store stays open until the push is done; the graph is the caller's already.
      deferred.loaded.pushed = deferred.push.finally(() => sharing?.close());
      await cleanup;
    } else {
      await Promise.all([cleanup, sharing?.close()]);
    }
  }
}
