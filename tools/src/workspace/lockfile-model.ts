/**
 * The lockfile as Tessera sees it, whatever wrote it (npm, pnpm, yarn classic or berry, bun):
 * each importer's resolved dependency tree. Built from the lockfile alone, so the answer is
 * the same with or without node_modules.
 *
 *   importers  workspace package dir ('' for the root) → bare package name → node id
 *   nodes      node id → one resolved package and, by name, the node each dependency
 *              resolves to *as the lockfile resolves it* (npm: nested node_modules; pnpm:
 *              snapshot keys with their peer suffixes; yarn: descriptors; bun: nested keys)
 *
 * A node id is `name@version` plus whatever the format needs to tell two resolutions of one
 * version apart (pnpm's `(react@18.2.0)` peer suffix, npm's install path on a clash); a
 * workspace package is the node `link:<dir>`, whose dependencies are that importer's.
 */
export interface LockNode {
  name: string;
  version: string;
  /** Integrity hash, else the tarball or resolution string: whatever pins the bytes. */
  integrity: string;
  dependencies: Map<string, string>;
}

export interface LockfileModel {
  importers: Map<string, Map<string, string>>;
  nodes: Map<string, LockNode>;
}

/** The lockfiles Tessera reads, by file name, in the order it looks for them. */
export const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'];

/** An empty model: what a side without a lockfile has. */
export function createEmptyModel(): LockfileModel {
  return { importers: new Map([['', new Map()]]), nodes: new Map() };
}

/** The id of workspace package `dir` as a dependency. */
export const linkId = (dir: string) => `link:${dir}`;

/** Normalises a workspace-relative dir: no `./`, no trailing slash, '' for the root. */
export function normalizeDir(dir: string): string {
  const parts: string[] = [];
  for (const part of dir.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** The importer owning `path`: the nearest importer dir containing it ('' when only the root does). */
export function findImporter(model: LockfileModel, path: string): string {
  let best = '';
  for (const dir of model.importers.keys()) {
    if (dir.length > best.length && (path === dir || path.startsWith(dir + '/'))) best = dir;
  }
  return best;
}

const byName = new WeakMap<LockfileModel, Map<string, string[]>>();

/** Node ids by package name, built once per model (models are not changed after parsing). */
function nodesByName(model: LockfileModel): Map<string, string[]> {
  let index = byName.get(model);
  if (!index) {
    index = new Map();
    for (const [id, node] of model.nodes) {
      if (id.startsWith('link:')) continue;
      if (!index.has(node.name)) index.set(node.name, []);
      index.get(node.name)!.push(id);
    }
    for (const ids of index.values()) ids.sort();
    byName.set(model, index);
  }
  return index;
}


/**
 * The nodes importer `dir` gets for bare name `name`: its own resolution, else the root's
 * (a hoisted, undeclared dependency), else every node of that name (yarn classic records no
 * importers): never fewer than the lockfile could give it.
 */
export function resolveImport(model: LockfileModel, dir: string, name: string): string[] {
  const own = model.importers.get(dir)?.get(name) ?? model.importers.get('')?.get(name);
  return own ? [own] : (nodesByName(model).get(name) ?? []);
}

/** `ids` and every node they reach through dependencies, each with the names leading to it from its root. */
export function computeClosure(model: LockfileModel, ids: readonly string[]): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  const queue: string[] = [];
  for (const id of ids) if (!paths.has(id)) (paths.set(id, [model.nodes.get(id)?.name ?? id]), queue.push(id));
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (const [name, dep] of model.nodes.get(at)?.dependencies ?? []) {
      if (!paths.has(dep)) (paths.set(dep, [...paths.get(at)!, name]), queue.push(dep));
    }
  }
  return paths;
}

function sameDependencies(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, id] of a) if (b.get(name) !== id) return false;
  return true;
}

/**
 * Node ids whose own record differs between two models: missing on one side, another
 * integrity, or a dependency resolving to another node. A node's closure is unchanged
 * exactly when no node in it is in this set (same edges from the same root reach the same nodes).
 */
export function computeChangedNodes(before: LockfileModel, after: LockfileModel): Set<string> {
  const changed = new Set<string>();
  for (const [id, node] of after.nodes) {
    const old = before.nodes.get(id);
    if (!old || old.integrity !== node.integrity || old.version !== node.version || !sameDependencies(old.dependencies, node.dependencies)) changed.add(id);
  }
  for (const id of before.nodes.keys()) if (!after.nodes.has(id)) changed.add(id);
  return changed;
}

/** One package that moved for one importer: what the importer got before and after, and the dependency path to it. */
export interface PackageMove {
  /** The package that moved (the imported one, or one of its transitive dependencies). */
  name: string;
  from: string | null;
  to: string | null;
  /** Names from the imported package down to `name` (`['react-dom', 'scheduler']`). */
  path: string[];
  /** What moved: another resolution (version, peers, added, removed), the same version with other bytes, or where its own dependencies resolve. */
  change: 'resolution' | 'integrity' | 'dependencies';
}

/** Follows dependency names from the nodes `root` resolves to; the version found, or null. */
function versionAlong(model: LockfileModel, roots: string[], path: string[]): string | null {
  let at = roots.length === 1 ? roots[0] : undefined;
  for (const name of path.slice(1)) at = at === undefined ? undefined : model.nodes.get(at)?.dependencies.get(name);
  return at === undefined ? null : (model.nodes.get(at)?.version ?? null);
}

/**
 * Whether what importer `dir` gets for bare `name` moved, and the first move found
 * (breadth-first, so the shortest dependency path): the package itself (version, peer
 * resolution or integrity), or a node in its transitive dependencies. Null when nothing moved.
 */
export function computePackageMove(before: LockfileModel, after: LockfileModel, changed: ReadonlySet<string>, dir: string, name: string): PackageMove | null {
  const b = resolveImport(before, dir, name);
  const a = resolveImport(after, dir, name);
  const label = (model: LockfileModel, ids: string[]) => (ids.length ? ids.map((id) => model.nodes.get(id)?.version ?? id).join(', ') : null);
  if (a.join('\0') !== b.join('\0')) return { name, from: label(before, b), to: label(after, a), path: [name], change: 'resolution' };
  // A dependent whose only change is where a dependency resolves points at the real move below it: report that one.
  let first: PackageMove | null = null;
  for (const [id, path] of computeClosure(after, a)) {
    if (!changed.has(id)) continue;
    const moved = after.nodes.get(id)!;
    const old = before.nodes.get(id);
    const change = !old ? 'resolution' : old.integrity !== moved.integrity ? 'integrity' : 'dependencies';
    const found: PackageMove = { name: moved.name, from: versionAlong(before, b, path), to: moved.version, path, change };
    if (change !== 'dependencies') return found;
    first ??= found;
  }
  if (first) return first;
  // A node gone from `before` that `after` no longer reaches shows up as a changed edge above.
  return null;
}
