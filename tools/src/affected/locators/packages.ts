import { posix } from 'node:path';
import { isObject, parseJson } from '../../workspace/parse-json.js';
import { type AffectedInput, changedKeys, type GraphView, type LockfileVersions } from '../locator-context.js';
import { computeChangedNodes, computeClosure, createEmptyModel, findImporter, LOCKFILES, type LockfileModel, computePackageMove, type PackageMove } from '../../workspace/lockfile-model.js';
import { parseLockfile, UnreadableLockfile } from '../../workspace/parse-lockfile.js';
import { computeWorkspaceGlobs } from '../../workspace/workspace-globs.js';
import { computePackageImports } from '../package-imports.js';
import type { LocatorResult, Reason } from '../reason.js';

const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies', 'overrides', 'resolutions'];
/** package.json keys that do not change what any app's build produces. */
export const INERT_PACKAGE_KEYS = ['name', 'version', 'description', 'keywords', 'author', 'contributors', 'maintainers', 'license', 'repository', 'bugs', 'homepage', 'private', 'funding', 'engines', 'publishConfig', 'files', 'bin', 'man', 'directories', 'config', 'nx', '$schema', 'allowScripts', 'prettier', 'eslintConfig'];

/** Where each npm package is imported from (file ids by name), from the graph's resolved packages only. */
function indexImports(view: GraphView): Map<string, number[]> {
  const index = new Map<string, number[]>();
  for (const [id, names] of Object.entries(view.snapshot.graph.packages)) for (const name of names) {
    if (!index.has(name)) index.set(name, []);
    index.get(name)!.push(Number(id));
  }
  return index;
}

function allApps(view: GraphView, reason: Reason) {
  return view.apps.map((a) => ({ app: a.name, reason }));
}

/** Apps importing package `name` directly, one reason each (the first importing file found). */
function appsImporting(view: GraphView, imports: Map<string, number[]>, name: string, reason: (app: string, file: number) => Reason) {
  const hits: LocatorResult['hits'] = [];
  const seen = new Set<string>();
  for (const file of imports.get(name) ?? []) {
    for (const app of view.appsReaching(file)) if (!seen.has(app)) (seen.add(app), hits.push({ app, reason: reason(app, file) }));
  }
  return hits;
}

type Side = LockfileModel | UnreadableLockfile | null;

/** One side of a changed lockfile: pre-parsed by the caller (through the blob cache) or parsed here. */
function sideOf(path: string, pre: Side | undefined, text: string | null | undefined): Side {
  if (pre !== undefined) return pre;
  if (text == null) return null;
  try {
    return parseLockfile(path, text);
  } catch (error) {
    if (error instanceof UnreadableLockfile) return error;
    throw error;
  }
}

/** `scheduler 0.25.0 → 0.26.0`, `scheduler 0.25.0 (integrity changed)`, `react (new) → 19.0.0`. */
function describeMove(move: PackageMove): string {
  if (move.from !== null && move.from === move.to) return `${move.name} ${move.to} (${move.change === 'integrity' ? 'integrity changed' : 'its dependencies resolve differently'})`;
  return `${move.name} ${move.from ?? '(new)'} → ${move.to ?? '(removed)'}`;
}

/**
 * The packages of config.buildToolPackages and everything they reach, as any importer
 * resolves them on either side: a move among those changes how every app builds.
 */
function findToolMove(before: LockfileModel, after: LockfileModel, changed: ReadonlySet<string>, tools: readonly string[]): string | null {
  for (const [model, other] of [[after, before], [before, after]] as const) {
    const roots = new Set<string>();
    for (const name of tools) {
      for (const deps of model.importers.values()) if (deps.has(name)) roots.add(deps.get(name)!);
      for (const [id, node] of model.nodes) if (node.name === name && !id.startsWith('link:')) roots.add(id);
    }
    for (const [id, path] of computeClosure(model, [...roots])) {
      if (!changed.has(id)) continue;
      const node = model.nodes.get(id)!;
      const twin = other.nodes.get(id);
      const moved = model === after ? `${node.name} ${twin ? twin.version : '(new)'} → ${node.version}` : `${node.name} ${node.version} → ${[...other.nodes.values()].find((n) => n.name === node.name)?.version ?? '(removed)'}`;
      return `${moved}${path.length > 1 ? ` (through ${path.slice(0, -1).join(' → ')})` : ''}`;
    }
  }
  return null;
}

/** Whether every importer resolves every name to the same node on both sides. */
function isSameImporters(a: LockfileModel, b: LockfileModel): boolean {
  if (a.importers.size !== b.importers.size) return false;
  for (const [dir, deps] of a.importers) {
    const other = b.importers.get(dir);
    if (!other || other.size !== deps.size) return false;
    for (const [name, id] of deps) if (other.get(name) !== id) return false;
  }
  return true;
}

/**
 * A lockfile change affects exactly the apps whose inputs import a package whose resolved
 * version, integrity or transitive dependencies moved *for the importer that owns the
 * importing file* (the nearest workspace package dir the lockfile lists), computed from the
 * lockfile alone. Build-tool packages and their dependencies affect every app. An unreadable
 * lockfile is a warning, and affects every app whose inputs import packages, saying so.
 */
export function locateLockfileChanges(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [], warnings: [] };
  const { graph } = head.snapshot;
  for (const change of input.changes) {
    const name = change.path.split('/').pop()!;
    if (!LOCKFILES.includes(name)) continue;
    result.claimed.push(change.path);
    const lockDir = posix.dirname(change.path) === '.' ? '' : posix.dirname(change.path);
    const inScope = (path: string) => lockDir === '' || path.startsWith(lockDir + '/');
    const relative = (path: string) => (lockDir === '' ? path : path.slice(lockDir.length + 1));
    const versions = input.versions.get(change.path);
    const parsed: LockfileVersions | undefined = input.lockfiles?.get(change.path);
    const before = sideOf(change.path, parsed?.before, versions?.before);
    const after = sideOf(change.path, parsed?.after, versions?.after);
    const unreadable = [before, after].find((s): s is UnreadableLockfile => s instanceof UnreadableLockfile);
    if (unreadable) {
      result.warnings!.push({ code: 'TESSERA_LOCKFILE_UNREADABLE', text: `${unreadable.message}; every app whose inputs import packages is affected`, location: { file: change.path } });
      const imports = computePackageImports(graph);
      const reason = (app: string, id: number, names: Set<string>): Reason => ({
        kind: 'lockfile', file: change.path, package: [...names][0], chain: [...head.chain(app, id), `npm:${[...names][0]}`],
        detail: `${change.path} cannot be read (${unreadable.message}), so every app importing packages is affected`,
      });
      const seen = new Set<string>();
      for (const [id, names] of imports) {
        if (!inScope(head.pathOf(id))) continue;
        for (const app of head.appsReaching(id)) if (!seen.has(app)) (seen.add(app), result.hits.push({ app, reason: reason(app, id, names) }));
      }
      continue;
    }
    const b = (before as LockfileModel | null) ?? createEmptyModel();
    const a = (after as LockfileModel | null) ?? createEmptyModel();
    const changed = computeChangedNodes(b, a);
    if (changed.size === 0 && isSameImporters(a, b)) continue;
    const tool = findToolMove(b, a, changed, input.config.buildToolPackages);
    if (tool) {
      result.hits.push(...allApps(head, { kind: 'lockfile', file: change.path, package: tool.split(' ')[0], detail: `${tool} in ${change.path} is part of the build tool chain (buildToolPackages), so every app is affected` }));
      continue;
    }
    // Each app's own build tools (its executor, framework, Nx and its plugins): a move among them affects that app.
    const toolMoves = new Map<string, string | null>();
    for (const app of head.apps) {
      if (!app.buildTools?.length) continue;
      const key = app.buildTools.join('\0');
      if (!toolMoves.has(key)) toolMoves.set(key, findToolMove(b, a, changed, app.buildTools));
      const moved = toolMoves.get(key);
      if (moved) result.hits.push({ app: app.name, reason: { kind: 'lockfile', file: change.path, package: moved.split(' ')[0], detail: `${moved} in ${change.path} builds ${app.name} (its build tools: ${app.buildTools.join(', ')})` } });
    }
    const moves = new Map<string, PackageMove | null>();
    const seen = new Set<string>();
    for (const [id, names] of computePackageImports(graph)) {
      const path = head.pathOf(id);
      if (!inScope(path)) continue;
      const apps = head.appsReaching(id);
      if (!apps.length) continue;
      // The importer owning the file: the nearest workspace package dir either side lists.
      const file = relative(path);
      const importerA = findImporter(a, file);
      const importerB = findImporter(b, file);
      const importer = importerA.length >= importerB.length ? importerA : importerB;
      for (const pkg of [...names].sort()) {
        const key = `${importer}\0${pkg}`;
        if (!moves.has(key)) moves.set(key, computePackageMove(b, a, changed, importer, pkg));
        const move = moves.get(key)!;
        if (!move) continue;
        for (const app of apps) {
          if (seen.has(`${app}\0${move.name}`)) continue;
          seen.add(`${app}\0${move.name}`);
          result.hits.push({
            app,
            reason: {
              kind: 'lockfile', file: change.path, package: move.name, chain: [...head.chain(app, id), ...move.path.map((p) => `npm:${p}`)],
              detail: `${describeMove(move)} in ${change.path}${importer ? ` for ${importer}` : ''}${move.path.length > 1 ? `, reached through ${move.path.slice(0, -1).join(' → ')}` : ''}`,
            },
          });
        }
      }
    }
  }
  return result;
}

/**
 * package.json: each changed dependency affects the apps that import that package (every
 * app for build-tool packages); inert metadata keys affect none; any other key (scripts,
 * type, browserslist, sideEffects, exports, workspaces, ...) affects every app for the root
 * file, and the apps reaching that project for a project's own package.json.
 */
export function locatePackageJsonChanges(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  const imports = indexImports(head);
  for (const change of input.changes) {
    if (!change.path.endsWith('package.json') || change.path.includes('node_modules/')) continue;
    const owner = change.path === 'package.json' ? null : head.ownerOf(change.path);
    if (change.path !== 'package.json' && (!owner || `${owner.root}/package.json` !== change.path)) continue;
    result.claimed.push(change.path);
    const versions = input.versions.get(change.path);
    const parse = (text: string | null | undefined) => {
      if (text == null) return {};
      const parsed = parseJson(text, change.path);
      return parsed.ok && isObject(parsed.value) ? parsed.value : null;
    };
    const before = parse(versions?.before);
    const after = parse(versions?.after);
    const scope = owner ? head.filesUnder(owner.root) : null;
    const everything = (reason: Reason) => {
      if (!scope) return result.hits.push(...allApps(head, reason));
      const seen = new Set<string>();
      for (const id of scope) for (const app of head.appsReaching(id)) if (!seen.has(app)) (seen.add(app), result.hits.push({ app, reason }));
    };
    if (!before || !after) {
      everything({ kind: 'package-json', file: change.path, detail: `${change.path} cannot be parsed as JSON` });
      continue;
    }
    for (const key of changedKeys(before, after)) {
      if (INERT_PACKAGE_KEYS.includes(key)) continue;
      if (DEP_FIELDS.includes(key)) {
        const b = isObject(before[key]) ? before[key] : {};
        const a = isObject(after[key]) ? after[key] : {};
        for (const name of changedKeys(b, a)) {
          const detail = `${key}.${name} changed in ${change.path} (${JSON.stringify(b[name] ?? null)} → ${JSON.stringify(a[name] ?? null)})`;
          if (input.config.buildToolPackages.includes(name)) {
            result.hits.push(...allApps(head, { kind: 'package-json', file: change.path, key: `${key}.${name}`, package: name, detail: `${detail}; a build-tool package, so every app is affected` }));
          } else {
            result.hits.push(...appsImporting(head, imports, name, (app, file) => ({ kind: 'package-json', file: change.path, key: `${key}.${name}`, package: name, chain: [...head.chain(app, file), `npm:${name}`], detail })));
          }
        }
        continue;
      }
      everything({ kind: 'package-json', file: change.path, key, detail: `"${key}" changed in ${change.path}; it can change how ${owner ? `${owner.name}'s files` : 'every app'} build${owner ? '' : 's'}` });
    }
  }
  return result;
}

/**
 * pnpm-workspace.yaml: a change of its `packages` list moves projects in or out of the
 * workspace, which changes what imports resolve to, so every app is affected, saying so.
 * Its other keys (catalogs, overrides, settings) take effect through pnpm-lock.yaml, which
 * pnpm rewrites with them: the lockfile rule answers for those, and the file is accounted for.
 */
export function locatePnpmWorkspaceChanges(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  for (const change of input.changes) {
    if (change.path !== 'pnpm-workspace.yaml') continue;
    result.claimed.push(change.path);
    const versions = input.versions.get(change.path);
    const globsOf = (text: string | null | undefined) => {
      const globs = computeWorkspaceGlobs({ rootPackageJson: null, lernaJson: null, pnpmWorkspace: text == null ? null : { file: change.path, text } });
      return JSON.stringify([globs.include, globs.exclude, globs.problems.length > 0]);
    };
    if (globsOf(versions?.before) !== globsOf(versions?.after)) {
      result.hits.push(...allApps(head, { kind: 'package-json', file: change.path, key: 'packages', detail: `${change.path} changed which folders are workspace packages, so every app is affected` }));
    }
  }
  return result;
}
