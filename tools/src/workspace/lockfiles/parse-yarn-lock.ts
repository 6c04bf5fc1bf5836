import { linkId, type LockfileModel, normalizeDir } from '../lockfile-model.js';
import { parseLockYaml } from './read-lock-yaml.js';

type Entry = Record<string, unknown>;
const isEntry = (v: unknown): v is Entry => !!v && typeof v === 'object' && !Array.isArray(v);
const unquote = (s: string) => (s.length > 1 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);
/** The package name of a descriptor or locator (`@babel/core@npm:^7.0.0` → `@babel/core`). */
const nameOf = (descriptor: string) => descriptor.slice(0, descriptor.indexOf('@', 1));

/** One lockfile entry, before dependencies are resolved to node ids. */
interface RawEntry {
  id: string;
  name: string;
  version: string;
  integrity: string;
  /** Dependency name → range, looked up as the descriptor `name@range`. */
  ranges: Map<string, string>;
  workspace: string | null;
}

/** Resolves every entry's ranges through the descriptors, the way yarn itself reads its lockfile. */
function buildModel(entries: RawEntry[], byDescriptor: Map<string, RawEntry>): LockfileModel {
  const model: LockfileModel = { importers: new Map([['', new Map()]]), nodes: new Map() };
  for (const entry of entries) {
    const deps = new Map<string, string>();
    for (const [name, range] of entry.ranges) {
      const target = byDescriptor.get(`${name}@${range}`);
      if (target) deps.set(name, target.id);
    }
    if (entry.workspace !== null) model.importers.set(entry.workspace, deps);
    if (!model.nodes.has(entry.id)) model.nodes.set(entry.id, { name: entry.name, version: entry.version, integrity: entry.integrity, dependencies: deps });
  }
  return model;
}

/**
 * yarn berry (v2+, `__metadata`): YAML whose keys are the descriptors an entry satisfies.
 * Workspaces are entries resolved to `name@workspace:<dir>`: those are the importers.
 */
function parseBerry(text: string): LockfileModel {
  const doc = parseLockYaml(text);
  const entries: RawEntry[] = [];
  const byDescriptor = new Map<string, RawEntry>();
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata' || !isEntry(value)) continue;
    const resolution = String(value.resolution ?? key.split(',')[0]!.trim());
    const name = nameOf(resolution);
    const reference = resolution.slice(name.length + 1);
    const workspace = reference.startsWith('workspace:') ? normalizeDir(reference.slice(10)) : null;
    const version = String(value.version ?? '');
    const id = workspace !== null ? linkId(workspace) : reference === `npm:${version}` ? `${name}@${version}` : resolution;
    const ranges = new Map<string, string>();
    for (const field of ['dependencies', 'optionalDependencies']) {
      if (isEntry(value[field])) for (const [dep, range] of Object.entries(value[field])) ranges.set(dep, String(range));
    }
    const entry: RawEntry = { id, name, version, integrity: String(value.checksum ?? resolution), ranges, workspace };
    entries.push(entry);
    for (const descriptor of key.split(',')) byDescriptor.set(descriptor.trim(), entry);
  }
  return buildModel(entries, byDescriptor);
}

/**
 * yarn classic (v1): its own indented format. It records no workspaces (they are symlinks),
 * so only the root importer exists and an import resolves by name (resolveImport).
 */
function parseClassic(text: string): LockfileModel {
  const entries: RawEntry[] = [];
  const byDescriptor = new Map<string, RawEntry>();
  let current: RawEntry | null = null;
  let section: string | null = null;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      const descriptors = trimmed.replace(/:$/, '').split(',').map((d) => unquote(d.trim()));
      current = { id: '', name: nameOf(descriptors[0]!), version: '', integrity: '', ranges: new Map(), workspace: null };
      entries.push(current);
      for (const d of descriptors) byDescriptor.set(d, current);
      section = null;
      continue;
    }
    if (!current) continue;
    if (line.startsWith('    ') && section) {
      const space = trimmed.indexOf(' ');
      if (section === 'dependencies' || section === 'optionalDependencies') current.ranges.set(unquote(trimmed.slice(0, space)), unquote(trimmed.slice(space + 1).trim()));
      continue;
    }
    section = trimmed.endsWith(':') ? trimmed.slice(0, -1) : null;
    if (section) continue;
    const space = trimmed.indexOf(' ');
    const field = trimmed.slice(0, space);
    const value = unquote(trimmed.slice(space + 1).trim());
    if (field === 'version') current.version = value;
    else if (field === 'integrity') current.integrity = value;
    else if (field === 'resolved' && !current.integrity) current.integrity = value;
  }
  for (const entry of entries) entry.id = `${entry.name}@${entry.version}`;
  return buildModel(entries, byDescriptor);
}

/** `yarn.lock`, classic or berry (told apart by berry's `__metadata` block). */
export function parseYarnLock(text: string): LockfileModel {
  return /^__metadata:/m.test(text) ? parseBerry(text) : parseClassic(text);
}
