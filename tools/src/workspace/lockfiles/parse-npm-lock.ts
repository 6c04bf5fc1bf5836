import { linkId, type LockfileModel, type LockNode, normalizeDir } from '../lockfile-model.js';

type Entry = Record<string, unknown>;
const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];
const IMPORTER_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
const names = (entry: Entry, fields: string[]) => fields.flatMap((f) => (entry[f] && typeof entry[f] === 'object' ? Object.keys(entry[f] as object) : []));

/** npm v1's nested `dependencies`, flattened into v2's `packages` keys (`node_modules/a/node_modules/b`). */
function flattenV1(deps: Record<string, Entry> | undefined, prefix: string, out: Record<string, Entry>) {
  for (const [name, value] of Object.entries(deps ?? {})) {
    const key = `${prefix}node_modules/${name}`;
    out[key] = { version: value.version, integrity: value.integrity, resolved: value.resolved, dependencies: value.requires };
    flattenV1(value.dependencies as Record<string, Entry> | undefined, `${key}/`, out);
  }
}

/** The package name an install path holds (`node_modules/@s/a/node_modules/b` → `b`). */
const nameAt = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 13);

/**
 * npm's `package-lock.json` / `npm-shrinkwrap.json` (v2/v3 `packages`; v1 `dependencies`).
 * A dependency resolves as Node resolves it: the nearest `node_modules/<name>` at or above
 * the dependent's install path. Workspace dirs (keys outside node_modules) are the importers;
 * `link: true` entries point at them.
 */
export function parseNpmLock(text: string): LockfileModel {
  const json = JSON.parse(text) as { packages?: Record<string, Entry>; dependencies?: Record<string, Entry> };
  let packages = json.packages;
  if (!packages) {
    packages = { '': { dependencies: Object.fromEntries(Object.keys(json.dependencies ?? {}).map((n) => [n, '*'])) } };
    flattenV1(json.dependencies, '', packages);
  }
  const idOf = new Map<string, string>();
  const taken = new Map<string, string>(); // name@version → the path that took it
  for (const [key, entry] of Object.entries(packages)) {
    if (!key.includes('node_modules/')) continue;
    if (entry.link) {
      idOf.set(key, linkId(normalizeDir(String(entry.resolved ?? ''))));
      continue;
    }
    const base = `${String(entry.name ?? nameAt(key))}@${String(entry.version ?? '')}`;
    // Two install paths of one version can resolve their dependencies differently: keep them apart only then (below).
    idOf.set(key, taken.has(base) ? `${base} (${key})` : base);
    if (!taken.has(base)) taken.set(base, key);
  }
  const resolveFrom = (location: string, dep: string): string | undefined => {
    const parts = location ? location.split('/') : [];
    for (let n = parts.length; n >= 0; n--) {
      const at = parts.slice(0, n).join('/');
      const id = idOf.get(at ? `${at}/node_modules/${dep}` : `node_modules/${dep}`);
      if (id) return id;
    }
    return undefined;
  };
  const depsOf = (key: string, fields: string[]) => {
    const map = new Map<string, string>();
    for (const dep of names(packages![key]!, fields)) {
      const id = resolveFrom(key, dep);
      if (id) map.set(dep, id);
    }
    return map;
  };
  const model: LockfileModel = { importers: new Map(), nodes: new Map() };
  for (const [key, entry] of Object.entries(packages)) {
    if (key.includes('node_modules/')) continue;
    const dir = normalizeDir(key);
    const deps = depsOf(key, IMPORTER_FIELDS);
    model.importers.set(dir, deps);
    model.nodes.set(linkId(dir), { name: String(entry.name ?? dir), version: `link:${dir}`, integrity: '', dependencies: deps });
  }
  if (!model.importers.has('')) model.importers.set('', new Map());
  for (const [key, entry] of Object.entries(packages)) {
    const id = idOf.get(key);
    if (!id || entry.link) continue;
    const node: LockNode = { name: String(entry.name ?? nameAt(key)), version: String(entry.version ?? ''), integrity: String(entry.integrity ?? entry.resolved ?? ''), dependencies: depsOf(key, DEP_FIELDS) };
    if (!id.endsWith(')')) model.nodes.set(id, node);
  }
  // A second install path of a version that resolves its dependencies like the first is the same node.
  for (const [key, id] of idOf) {
    if (!id.endsWith(`(${key})`)) continue;
    const node = depsOf(key, DEP_FIELDS);
    const base = id.slice(0, id.length - key.length - 3);
    const first = model.nodes.get(base)!;
    const integrity = String(packages[key]!.integrity ?? packages[key]!.resolved ?? '');
    const same = first.integrity === integrity && first.dependencies.size === node.size && [...node].every(([n, d]) => first.dependencies.get(n) === d);
    if (!same) model.nodes.set(id, { name: first.name, version: first.version, integrity, dependencies: node });
  }
  // Dependencies were resolved before duplicates were merged: point them at the merged ids.
  const merged = (id: string) => (model.nodes.has(id) ? id : (id.slice(0, id.indexOf(' (')) || id));
  for (const node of model.nodes.values()) for (const [n, d] of node.dependencies) node.dependencies.set(n, merged(d));
  for (const deps of model.importers.values()) for (const [n, d] of deps) deps.set(n, merged(d));
  return model;
}
