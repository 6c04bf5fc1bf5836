import { createRequire } from 'node:module';

/** YAML is only needed for pnpm and yarn berry lockfiles: loaded on first use. */
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
}

/** One installed package as a lockfile records it. */
export interface LockedPackage {
  name: string;
  version: string;
  integrity: string;
  dependencies: string[];
}

/** Packages by lockfile key (`node_modules/a/node_modules/b`, `a@1.0.0`, ...). */
export type Lockfile = Map<string, LockedPackage>;

/** The lockfiles Tessera reads, by file name. */
export const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock'];

const depNames = (value: unknown): string[] => (value && typeof value === 'object' ? Object.keys(value) : []);

function parseNpm(text: string): Lockfile {
  const json = JSON.parse(text) as { packages?: Record<string, Record<string, unknown>>; dependencies?: Record<string, Record<string, unknown>> };
  const out: Lockfile = new Map();
  if (json.packages) {
    for (const [key, value] of Object.entries(json.packages)) {
      if (!key || value.link) continue;
      const name = (value.name as string | undefined) ?? key.slice(key.lastIndexOf('node_modules/') + 13);
      out.set(key, {
        name,
        version: String(value.version ?? ''),
        integrity: String(value.integrity ?? value.resolved ?? ''),
        dependencies: [...depNames(value.dependencies), ...depNames(value.optionalDependencies), ...depNames(value.peerDependencies)],
      });
    }
    return out;
  }
  // lockfileVersion 1: nested `dependencies`.
  const walk = (deps: Record<string, Record<string, unknown>> | undefined, prefix: string) => {
    for (const [name, value] of Object.entries(deps ?? {})) {
      const key = `${prefix}node_modules/${name}`;
      out.set(key, { name, version: String(value.version ?? ''), integrity: String(value.integrity ?? ''), dependencies: depNames(value.requires) });
      walk(value.dependencies as Record<string, Record<string, unknown>> | undefined, `${key}/`);
    }
  };
  walk(json.dependencies, '');
  return out;
}

function splitNameVersion(key: string): [string, string] {
  const clean = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = clean.lastIndexOf('@');
  if (at > 0) return [clean.slice(0, at), clean.slice(at + 1)];
  const slash = clean.lastIndexOf('/');
  return [clean.slice(0, slash), clean.slice(slash + 1)];
}

function parsePnpm(text: string): Lockfile {
  const doc = (parseYaml(text) ?? {}) as { packages?: Record<string, Record<string, unknown>>; snapshots?: Record<string, Record<string, unknown>> };
  const out: Lockfile = new Map();
  for (const section of [doc.packages, doc.snapshots]) {
    for (const [key, value] of Object.entries(section ?? {})) {
      const [name, version] = splitNameVersion(key);
      const id = `${name}@${version}`;
      const previous = out.get(id);
      const resolution = (value?.resolution ?? {}) as { integrity?: string; tarball?: string };
      out.set(id, {
        name,
        version,
        integrity: previous?.integrity || resolution.integrity || resolution.tarball || '',
        dependencies: [...new Set([...(previous?.dependencies ?? []), ...depNames(value?.dependencies), ...depNames(value?.optionalDependencies)])],
      });
    }
  }
  return out;
}

function parseYarn(text: string): Lockfile {
  const out: Lockfile = new Map();
  if (/^__metadata:/m.test(text)) {
    const doc = (parseYaml(text) ?? {}) as Record<string, Record<string, unknown>>;
    for (const [key, value] of Object.entries(doc)) {
      if (key === '__metadata') continue;
      const first = key.split(',')[0]!.trim();
      const name = first.slice(0, first.indexOf('@', 1));
      out.set(key, { name, version: String(value.version ?? ''), integrity: String(value.checksum ?? ''), dependencies: depNames(value.dependencies) });
    }
    return out;
  }
  let current: LockedPackage | null = null;
  let inDeps = false;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      const first = line.replace(/:$/, '').split(',')[0]!.trim().replace(/^"|"$/g, '');
      current = { name: first.slice(0, first.indexOf('@', 1)), version: '', integrity: '', dependencies: [] };
      out.set(line.replace(/:$/, ''), current);
      inDeps = false;
    } else if (current) {
      const trimmed = line.trim();
      if (/^(dependencies|optionalDependencies):$/.test(trimmed)) inDeps = true;
      else if (line.startsWith('    ') && inDeps) current.dependencies.push(trimmed.split(/\s+/)[0]!.replace(/^"|"$/g, ''));
      else {
        inDeps = false;
        const [field, raw] = [trimmed.slice(0, trimmed.indexOf(' ')), trimmed.slice(trimmed.indexOf(' ') + 1).replace(/^"|"$/g, '')];
        if (field === 'version') current.version = raw;
        if (field === 'integrity' || field === 'resolved') current.integrity ||= raw;
      }
    }
  }
  return out;
}

/** Parses any supported lockfile by its file name. Throws on malformed content. */
export function parseLockfile(file: string, text: string): Lockfile {
  if (file.endsWith('pnpm-lock.yaml')) return parsePnpm(text);
  if (file.endsWith('yarn.lock')) return parseYarn(text);
  return parseNpm(text);
}

/** A package whose resolved version or integrity moved between two lockfiles. */
export interface PackageChange {
  name: string;
  from: string | null;
  to: string | null;
}

/** Packages added, removed, or moved (version or integrity) between two lockfiles, by name. */
export function diffLockfiles(before: Lockfile, after: Lockfile): PackageChange[] {
  const changes = new Map<string, PackageChange>();
  for (const [key, pkg] of after) {
    const old = before.get(key);
    if (!old || old.version !== pkg.version || old.integrity !== pkg.integrity) changes.set(pkg.name, { name: pkg.name, from: old?.version ?? null, to: pkg.version });
  }
  for (const [key, pkg] of before) if (!after.has(key) && !changes.has(pkg.name)) changes.set(pkg.name, { name: pkg.name, from: pkg.version, to: null });
  return [...changes.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * Every package that depends on `name`, directly or transitively, with the path from
 * that dependent down to `name` (`['react-dom', 'scheduler']`).
 */
export function computeDependents(lockfiles: Lockfile[], name: string): Map<string, string[]> {
  const reverse = new Map<string, Set<string>>();
  for (const lock of lockfiles) for (const pkg of lock.values()) for (const dep of pkg.dependencies) {
    if (!reverse.has(dep)) reverse.set(dep, new Set());
    reverse.get(dep)!.add(pkg.name);
  }
  const paths = new Map<string, string[]>([[name, [name]]]);
  const queue = [name];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (const dependent of reverse.get(at) ?? []) {
      if (!paths.has(dependent)) (paths.set(dependent, [dependent, ...paths.get(at)!]), queue.push(dependent));
    }
  }
  return paths;
}

/** `names` and everything they depend on, transitively. */
export function computeDependencies(lockfiles: Lockfile[], names: readonly string[]): Set<string> {
  const forward = new Map<string, Set<string>>();
  for (const lock of lockfiles) for (const pkg of lock.values()) {
    if (!forward.has(pkg.name)) forward.set(pkg.name, new Set());
    for (const dep of pkg.dependencies) forward.get(pkg.name)!.add(dep);
  }
  const seen = new Set(names);
  const queue = [...names];
  for (let i = 0; i < queue.length; i++) for (const dep of forward.get(queue[i]!) ?? []) if (!seen.has(dep)) (seen.add(dep), queue.push(dep));
  return seen;
}
