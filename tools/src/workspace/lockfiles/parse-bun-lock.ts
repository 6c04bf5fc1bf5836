import { linkId, type LockfileModel, normalizeDir } from '../lockfile-model.js';
import { isObject, parseJsonc } from '../parse-json.js';

/** Package names along a bun.lock key (`web/@types/react` → `['web', '@types/react']`). */
function namesOf(key: string): string[] {
  const out: string[] = [];
  const parts = key.split('/');
  for (let i = 0; i < parts.length; i++) out.push(parts[i]!.startsWith('@') && i + 1 < parts.length ? `${parts[i]}/${parts[++i]}` : parts[i]!);
  return out;
}

const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];
const IMPORTER_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
const depNames = (entry: Record<string, unknown>, fields: string[]) => fields.flatMap((f) => (isObject(entry[f]) ? Object.keys(entry[f]) : []));

/**
 * bun's text lockfile `bun.lock` (JSONC). `workspaces` are the importers, by dir; `packages`
 * is keyed by install path as package names (`react`, `web/react` for the copy only
 * workspace `web` gets, `a/b` for b nested under a), each an array
 * `[ident, registry?, info?, integrity?]`. A dependency resolves to the nearest key along
 * its dependent's path, as bun installs it. (The binary `bun.lockb` is not readable.)
 */
export function parseBunLock(text: string): LockfileModel {
  const parsed = parseJsonc(text, 'bun.lock');
  if (!parsed.ok) throw new Error(parsed.problem.text);
  const doc = parsed.value as Record<string, unknown>;
  const workspaces = isObject(doc.workspaces) ? doc.workspaces : {};
  const packages = isObject(doc.packages) ? doc.packages : {};
  const idOf = new Map<string, string>();
  const taken = new Set<string>();
  for (const [key, value] of Object.entries(packages)) {
    if (!Array.isArray(value) || typeof value[0] !== 'string') continue;
    const ident = value[0];
    const at = ident.indexOf('@', 1);
    const reference = ident.slice(at + 1);
    let id = reference.startsWith('workspace:') ? linkId(normalizeDir(reference.slice(10))) : ident;
    if (!id.startsWith('link:') && taken.has(id)) id = `${ident} (${key})`;
    taken.add(id);
    idOf.set(key, id);
  }
  const resolveFrom = (path: string[], dep: string) => {
    for (let n = path.length; n >= 0; n--) {
      const id = idOf.get([...path.slice(0, n), dep].join('/'));
      if (id) return id;
    }
    return undefined;
  };
  const depsOf = (entry: Record<string, unknown>, fields: string[], path: string[]) => {
    const deps = new Map<string, string>();
    for (const dep of depNames(entry, fields)) {
      const id = resolveFrom(path, dep);
      if (id) deps.set(dep, id);
    }
    return deps;
  };
  const model: LockfileModel = { importers: new Map([['', new Map()]]), nodes: new Map() };
  for (const [dir, entry] of Object.entries(workspaces)) {
    if (!isObject(entry)) continue;
    const name = typeof entry.name === 'string' ? entry.name : '';
    const deps = depsOf(entry, IMPORTER_FIELDS, dir && name ? [name] : []);
    model.importers.set(normalizeDir(dir), deps);
    model.nodes.set(linkId(normalizeDir(dir)), { name: name || dir, version: `link:${normalizeDir(dir)}`, integrity: '', dependencies: deps });
  }
  for (const [key, value] of Object.entries(packages)) {
    const id = idOf.get(key);
    if (!id || id.startsWith('link:')) continue;
    const array = value as unknown[];
    const ident = array[0] as string;
    const info = (array.find((v) => isObject(v)) ?? {}) as Record<string, unknown>;
    const integrity = array.length >= 4 && typeof array[3] === 'string' ? array[3] : JSON.stringify(array.slice(1).filter((v) => !isObject(v)));
    model.nodes.set(id, { name: ident.slice(0, ident.indexOf('@', 1)), version: ident.slice(ident.indexOf('@', 1) + 1), integrity, dependencies: depsOf(info, DEP_FIELDS, namesOf(key)) });
  }
  return model;
}
