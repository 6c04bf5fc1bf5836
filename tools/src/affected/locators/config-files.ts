import picomatch from 'picomatch';
import { computeAliases, ROOT_TSCONFIGS } from '../../graph/read-aliases.js';
import { CONFIG_FILE } from '../../workspace/config.js';
import { isObject, parseJsonc } from '../../workspace/parse-json.js';
import { invertTsconfigExtends } from '../../workspace/tsconfig-extends.js';
import { type AffectedInput, changedKeys, type GraphView } from '../locator-context.js';
import type { LocatorResult, Reason } from '../reason.js';

/** nx.json keys that only steer Nx's own tooling and change no app's build. */
export const INERT_NX_KEYS = ['$schema', 'defaultBase', 'affected', 'tasksRunnerOptions', 'nxCloudAccessToken', 'nxCloudId', 'nxCloudUrl', 'nxCloudEncryptionKey', 'parallel', 'cli', 'generators', 'release', 'sync', 'installation', 'useDaemonProcess', 'cacheDirectory', 'defaultProject', 'neverConnectToCloud', 'useInferencePlugins', 'tui'];
/** project.json keys that change no build output. */
export const INERT_PROJECT_KEYS = ['$schema', 'tags', 'release'];

type Json = Record<string, unknown>;

function parseSides(input: AffectedInput, file: string): { before: Json; after: Json } | null {
  const v = input.versions.get(file);
  const parse = (text: string | null | undefined): Json | null => {
    if (text == null) return {};
    const parsed = parseJsonc(text, file);
    return parsed.ok && isObject(parsed.value) ? parsed.value : null;
  };
  const before = parse(v?.before);
  const after = parse(v?.after);
  return before && after ? { before, after } : null;
}


function everyApp(head: GraphView, reason: Reason): LocatorResult['hits'] {
  return head.apps.map((a) => ({ app: a.name, reason }));
}

/** Apps reaching any file under `root` (a library's apps), one reason each. */
function appsReachingRoot(head: GraphView, root: string, reason: Reason): LocatorResult['hits'] {
  const seen = new Set<string>();
  const hits: LocatorResult['hits'] = [];
  for (const id of head.filesUnder(root)) for (const app of head.appsReaching(id)) if (!seen.has(app)) (seen.add(app), hits.push({ app, reason }));
  return hits;
}

/** Apps reaching any file an alias target names (`libs/x/src/*` is a prefix). */
function appsReachingAliasTargets(head: GraphView, targets: string[]): Set<string> {
  const apps = new Set<string>();
  for (const target of targets) {
    const star = target.indexOf('*');
    const ids = star < 0 ? [head.idOf(target)].filter((id): id is number => id !== undefined) : head.filesUnder(target.slice(0, star).replace(/\/$/, ''));
    for (const id of ids) for (const app of head.appsReaching(id)) apps.add(app);
  }
  return apps;
}

/** tsconfig keys that change no build output. */
const INERT_TSCONFIG_KEYS = ['$schema', 'display'];

/** The changed keys of a tsconfig-like file: top-level keys, and compilerOptions by option. */
function changedTsconfigKeys(sides: { before: Json; after: Json }): string[] {
  const opts = (j: Json) => (isObject(j.compilerOptions) ? j.compilerOptions : {});
  return [
    ...changedKeys(sides.before, sides.after).filter((k) => k !== 'compilerOptions' && !INERT_TSCONFIG_KEYS.includes(k)),
    ...changedKeys(opts(sides.before), opts(sides.after)).map((k) => `compilerOptions.${k}`),
  ];
}

/** The apps a tsconfig governs: every app for the root one, its app for an app's own, the apps reaching a library's files for a library's. */
function appsGovernedBy(head: GraphView, tsconfig: string, reason: Reason): LocatorResult['hits'] {
  if (ROOT_TSCONFIGS.includes(tsconfig)) return everyApp(head, reason);
  const owner = head.ownerOf(tsconfig);
  if (!owner) return [];
  return owner.type === 'application' ? [{ app: owner.name, reason }] : appsReachingRoot(head, owner.root, reason);
}

/**
 * The root tsconfig: a changed or removed path alias affects the apps that import through
 * it (they reach its targets, or now fail to resolve it); any other option affects every
 * app, naming the key. A project's own tsconfig affects that project's apps. A file that
 * tsconfigs extend (directly, through others, from a workspace package such as
 * `@acme/tsconfig/base.json`, or as one entry of an `extends` array) affects the apps
 * each of those tsconfigs governs, by key.
 */
export function locateTsconfigChanges(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  const extendedBy = invertTsconfigExtends(head.snapshot.tsconfigExtends);
  const baseExtendedBy = input.base ? invertTsconfigExtends(input.base.tsconfigExtends) : new Map<string, string[]>();
  for (const change of input.changes) {
    const name = change.path.split('/').pop()!;
    const dependents = [...new Set([...(extendedBy.get(change.path) ?? []), ...(baseExtendedBy.get(change.previousPath ?? change.path) ?? [])])];
    const isTsconfig = /^tsconfig.*\.json$/.test(name);
    if (!isTsconfig && !dependents.length) continue;
    const isRoot = ROOT_TSCONFIGS.includes(change.path);
    const owner = isRoot ? undefined : head.ownerOf(change.path);
    if (!isRoot && !owner && !dependents.length) continue;
    result.claimed.push(change.path);
    const sides = parseSides(input, change.path);
    if (!sides) {
      const reason: Reason = { kind: 'tsconfig', file: change.path, detail: `${change.path} cannot be parsed` };
      if (isTsconfig) result.hits.push(...(owner ? appsReachingRoot(head, owner.root, reason) : isRoot ? everyApp(head, reason) : []));
      if (!isRoot) for (const dependent of dependents) result.hits.push(...appsGovernedBy(head, dependent, { ...reason, detail: `${change.path}, which ${dependent} extends, cannot be parsed` }));
      continue;
    }
    const opts = (j: Json) => (isObject(j.compilerOptions) ? j.compilerOptions : {});
    for (const key of changedTsconfigKeys(sides)) {
      // The root config already governs every app (and its path aliases, alias by alias).
      if (!isRoot) for (const dependent of dependents) {
        result.hits.push(...appsGovernedBy(head, dependent, { kind: 'tsconfig', file: change.path, key, detail: `${key} changed in ${change.path}, which ${dependent} extends` }));
      }
      if (!isTsconfig || (!isRoot && !owner)) continue;
      if (key === 'compilerOptions.paths' && isRoot) {
        // Thousands of aliases, a few changed: resolve only the patterns whose text changed.
        const paths = (j: Json) => (isObject(opts(j).paths) ? (opts(j).paths as Json) : {});
        const edited = changedKeys(paths(sides.before), paths(sides.after));
        const before = computeAliases(sides.before, edited);
        const after = computeAliases(sides.after, edited);
        for (const alias of changedKeys(before, after)) {
          const apps = appsReachingAliasTargets(head, [...(before[alias] ?? []), ...(after[alias] ?? [])]);
          const pattern = picomatch(alias.replace('*', '**'));
          for (const u of head.snapshot.graph.unresolved) if (pattern(u.specifier)) for (const app of head.appsReaching(u.file)) apps.add(app);
          const detail = `path alias "${alias}" ${!before[alias] ? 'added' : !after[alias] ? 'removed' : 'changed'} in ${change.path} (${JSON.stringify(before[alias] ?? null)} → ${JSON.stringify(after[alias] ?? null)})`;
          for (const app of [...apps].sort()) result.hits.push({ app, reason: { kind: 'tsconfig', file: change.path, key: `compilerOptions.paths.${alias}`, detail } });
        }
        continue;
      }
      const reason: Reason = { kind: 'tsconfig', file: change.path, key, detail: `${key} changed in ${change.path}, which ${owner ? `${owner.name}'s files compile with` : 'every app compiles with'}` };
      result.hits.push(...(owner ? (owner.type === 'application' ? [{ app: owner.name, reason }] : appsReachingRoot(head, owner.root, reason)) : everyApp(head, reason)));
    }
  }
  return result;
}

/**
 * nx.json by key (inert keys affect nothing; namedInputs, targetDefaults, plugins, layout and
 * unknown keys affect every app). project.json: an app's own settings affect that app; a
 * library's affect the apps that reach it.
 */
export function locateNxConfigChanges(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  for (const change of input.changes) {
    if (change.path === 'nx.json') {
      result.claimed.push(change.path);
      const sides = parseSides(input, change.path);
      const keys = sides ? changedKeys(sides.before, sides.after).filter((k) => !INERT_NX_KEYS.includes(k)) : ['(unparseable)'];
      for (const key of keys) result.hits.push(...everyApp(head, { kind: 'nx-config', file: 'nx.json', key, detail: `nx.json "${key}" changed; it configures how every project builds` }));
      continue;
    }
    if (!change.path.endsWith('project.json')) continue;
    const root = change.path.slice(0, Math.max(0, change.path.lastIndexOf('/')));
    const project = head.snapshot.projects.find((p) => p.root === root);
    if (!project) continue; // a removed project: see locateRemovedProjects
    result.claimed.push(change.path);
    const sides = parseSides(input, change.path);
    const keys = sides ? changedKeys(sides.before, sides.after).filter((k) => !INERT_PROJECT_KEYS.includes(k)) : ['(unparseable)'];
    for (const key of keys) {
      const reason: Reason = { kind: 'project-config', file: change.path, key, detail: `"${key}" changed in ${change.path}` };
      if (project.type === 'application') result.hits.push({ app: project.name, reason });
      else result.hits.push(...appsReachingRoot(head, project.root, reason));
    }
  }
  return result;
}

/**
 * buildspec.yml and the configured global inputs affect every app; tessera.config.json
 * affects the app a changed `apps.<name>` key names, and every app for other keys.
 */
export function locateBuildConfigChanges(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  const isGlobal = input.config.globalInputs.length ? picomatch([...input.config.globalInputs], { dot: true }) : () => false;
  for (const change of input.changes) {
    if (change.path === 'buildspec.yml' || change.path === 'buildspec.yaml') {
      result.claimed.push(change.path);
      result.hits.push(...everyApp(head, { kind: 'build-config', file: change.path, detail: `${change.path} changed; every app builds with it` }));
    } else if (change.path === CONFIG_FILE) {
      result.claimed.push(change.path);
      const sides = parseSides(input, change.path);
      if (!sides) {
        result.hits.push(...everyApp(head, { kind: 'build-config', file: change.path, detail: `${CONFIG_FILE} cannot be parsed` }));
        continue;
      }
      for (const key of changedKeys(sides.before, sides.after)) {
        if (key === '$schema' || key === 'cacheDir') continue;
        if (key === 'apps') {
          const b = isObject(sides.before.apps) ? sides.before.apps : {};
          const a = isObject(sides.after.apps) ? sides.after.apps : {};
          for (const app of changedKeys(b, a)) if (head.apps.some((p) => p.name === app)) result.hits.push({ app, reason: { kind: 'build-config', file: change.path, key: `apps.${app}`, detail: `apps.${app} changed in ${CONFIG_FILE}` } });
          continue;
        }
        result.hits.push(...everyApp(head, { kind: 'build-config', file: change.path, key, detail: `"${key}" changed in ${CONFIG_FILE}` }));
      }
    } else if (isGlobal(change.path) || (change.previousPath && isGlobal(change.previousPath))) {
      result.claimed.push(change.path);
      result.hits.push(...everyApp(head, { kind: 'build-config', file: change.path, key: 'globalInputs', detail: `${change.path} matches globalInputs in ${CONFIG_FILE}, so every app is affected` }));
    }
  }
  return result;
}
