import { posix } from 'node:path';
import { linkId, type LockfileModel, normalizeDir } from '../lockfile-model.js';
import { parseLockYaml } from './read-lock-yaml.js';

type Entry = Record<string, unknown>;
const isEntry = (v: unknown): v is Entry => !!v && typeof v === 'object' && !Array.isArray(v);
const IMPORTER_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'];
const NODE_FIELDS = ['dependencies', 'optionalDependencies'];

/** `react-dom@18.2.0(react@18.2.0)` (v9) or `/react-dom@18.2.0(react@18.2.0)` (v6) → name and plain version. */
export function splitPnpmKey(key: string): { id: string; name: string; version: string } {
  const id = key.startsWith('/') ? key.slice(1) : key;
  const peers = id.indexOf('(');
  const base = peers < 0 ? id : id.slice(0, peers);
  const at = base.lastIndexOf('@');
  if (at > 0) return { id, name: base.slice(0, at), version: base.slice(at + 1) };
  // v5 and older: `/name/version_peers`.
  const slash = base.lastIndexOf('/');
  return { id, name: base.slice(0, slash), version: base.slice(slash + 1) };
}

/**
 * The node a resolved version names: `link:../lib` is the workspace package at that dir
 * (relative to `from`); `18.2.0(react@18.2.0)` is `name@18.2.0(react@18.2.0)`; an alias
 * (`string-width@4.2.3`, or `/string-width@4.2.3` in v6) names its target.
 */
function nodeIdOf(name: string, version: string, from: string): string {
  if (version.startsWith('link:')) return linkId(normalizeDir(posix.join(from, version.slice(5))));
  const plain = version.startsWith('/') ? version.slice(1) : version;
  const base = plain.includes('(') ? plain.slice(0, plain.indexOf('(')) : plain;
  return base.lastIndexOf('@') > 0 ? plain : `${name}@${plain}`;
}

function depsOf(entry: Entry, fields: string[], from: string): Map<string, string> {
  const deps = new Map<string, string>();
  for (const field of fields) {
    const section = entry[field];
    if (!isEntry(section)) continue;
    for (const [name, value] of Object.entries(section)) {
      // Importers (v6+) hold `{ specifier, version }`; snapshots and v5 importers the bare version.
      const version = isEntry(value) ? value.version : value;
      if (version != null) deps.set(name, nodeIdOf(name, String(version), from));
    }
  }
  return deps;
}

/**
 * pnpm's `pnpm-lock.yaml`, v6 to v9. Importers are the workspace packages; `catalog:` and
 * `workspace:` specifiers are already resolved there (`version:` 18.2.0, `link:../lib`).
 * v9 splits a package's bytes (`packages`, by `name@version`) from its resolution in one
 * dependency context (`snapshots`, keyed with peer suffixes); v6 keeps both in `packages`.
 */
export function parsePnpmLock(text: string): LockfileModel {
  const doc = parseLockYaml(text);
  const model: LockfileModel = { importers: new Map(), nodes: new Map() };
  const importers = isEntry(doc.importers) ? doc.importers : { '.': doc };
  for (const [key, entry] of Object.entries(importers)) {
    if (!isEntry(entry)) continue;
    const dir = normalizeDir(key);
    const deps = depsOf(entry, IMPORTER_FIELDS, dir);
    model.importers.set(dir, deps);
    model.nodes.set(linkId(dir), { name: dir || '(root)', version: `link:${dir}`, integrity: '', dependencies: deps });
  }
  if (!model.importers.has('')) model.importers.set('', new Map());
  const packages = isEntry(doc.packages) ? doc.packages : {};
  const snapshots = isEntry(doc.snapshots) ? doc.snapshots : null;
  const integrityOf = (entry: unknown) => {
    const resolution = isEntry(entry) && isEntry(entry.resolution) ? entry.resolution : {};
    return typeof resolution.integrity === 'string' ? resolution.integrity : JSON.stringify(resolution);
  };
  const plainIds = new Map<string, Entry>();
  for (const [key, entry] of Object.entries(packages)) if (isEntry(entry)) plainIds.set(splitPnpmKey(key).id, entry);
  for (const [key, entry] of Object.entries(snapshots ?? packages)) {
    const { id, name, version } = splitPnpmKey(key);
    const info = isEntry(entry) ? entry : {};
    // In v9 the bytes live under the key without peers; in v6 on the entry itself.
    const bytes = snapshots ? (plainIds.get(id.includes('(') ? id.slice(0, id.indexOf('(')) : id) ?? plainIds.get(id)) : info;
    model.nodes.set(id, { name, version, integrity: integrityOf(bytes), dependencies: depsOf(info, NODE_FIELDS, '') });
  }
  return model;
}
