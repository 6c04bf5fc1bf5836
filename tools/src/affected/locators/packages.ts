import { isObject, parseJson } from '../../workspace/parse-json.js';
import { type AffectedInput, changedKeys, type GraphView } from '../locator-context.js';
import { computeDependencies, computeDependents, diffLockfiles, LOCKFILES, type Lockfile, parseLockfile } from '../../workspace/parse-lockfile.js';
import type { LocatorResult, Reason } from '../reason.js';

const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies', 'overrides', 'resolutions'];
/** package.json keys that do not change what any app's build produces. */
export const INERT_PACKAGE_KEYS = ['name', 'version', 'description', 'keywords', 'author', 'contributors', 'maintainers', 'license', 'repository', 'bugs', 'homepage', 'private', 'funding', 'engines', 'publishConfig', 'files', 'bin', 'man', 'directories', 'config', 'nx', '$schema', 'allowScripts', 'prettier', 'eslintConfig'];

/** Where each npm package is imported from, built once per view. */
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

/**
 * Apps reaching package `name` (imported directly, or through packages that depend on it),
 * with a reason built from `describe`.
 */
function appsReachingPackage(view: GraphView, imports: Map<string, number[]>, lockfiles: Lockfile[], name: string, reason: (path: string[], app: string, file: number) => Reason) {
  const hits: LocatorResult['hits'] = [];
  const seen = new Set<string>();
  for (const [dependent, path] of computeDependents(lockfiles, name)) {
    for (const file of imports.get(dependent) ?? []) {
      for (const app of view.appsReaching(file)) {
        if (seen.has(app)) continue;
        seen.add(app);
        hits.push({ app, reason: reason(path, app, file) });
      }
    }
  }
  return hits;
}

function parseSide(file: string, text: string | null): Lockfile | null {
  if (text === null) return null;
  try {
    return parseLockfile(file, text);
  } catch {
    return null;
  }
}

/**
 * A lockfile change affects only the apps whose inputs reach a package whose resolved
 * version or integrity moved (through package dependencies too). Build-tool packages and
 * their dependencies affect every app. An unreadable lockfile affects every app, saying so.
 */
export function locateLockfileChanges(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  const imports = indexImports(head);
  for (const change of input.changes) {
    const name = change.path.split('/').pop()!;
    if (!LOCKFILES.includes(name)) continue;
    result.claimed.push(change.path);
    const versions = input.versions.get(change.path);
    const before = parseSide(name, versions?.before ?? null) ?? new Map();
    const after = parseSide(name, versions?.after ?? null);
    if (!after && versions?.after != null) {
      result.hits.push(...allApps(head, { kind: 'lockfile', file: change.path, detail: `${change.path} cannot be parsed, so every app is affected` }));
      continue;
    }
    const lockfiles = [before, after ?? new Map()];
    const tools = computeDependencies(lockfiles, input.config.buildToolPackages);
    for (const pkg of diffLockfiles(before, after ?? new Map())) {
      const moved = `${pkg.name} ${pkg.from ?? '(new)'} → ${pkg.to ?? '(removed)'}`;
      if (tools.has(pkg.name)) {
        result.hits.push(...allApps(head, { kind: 'lockfile', file: change.path, package: pkg.name, detail: `${moved} is part of the build tool chain (buildToolPackages), so every app is affected` }));
        continue;
      }
      result.hits.push(
        ...appsReachingPackage(head, imports, lockfiles, pkg.name, (path, app, file) => ({
          kind: 'lockfile', file: change.path, package: pkg.name, chain: [...head.chain(app, file), ...path.map((p) => `npm:${p}`)],
          detail: `${moved} in ${change.path}${path.length > 1 ? `, reached through ${path.slice(0, -1).join(' → ')}` : ''}`,
        })),
      );
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
            result.hits.push(...appsReachingPackage(head, imports, [], name, (_p, app, file) => ({ kind: 'package-json', file: change.path, key: `${key}.${name}`, package: name, chain: [...head.chain(app, file), `npm:${name}`], detail })));
          }
        }
        continue;
      }
      everything({ kind: 'package-json', file: change.path, key, detail: `"${key}" changed in ${change.path}; it can change how ${owner ? `${owner.name}'s files` : 'every app'} build${owner ? '' : 's'}` });
    }
  }
  return result;
}
