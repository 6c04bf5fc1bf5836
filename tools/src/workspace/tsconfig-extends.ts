import { posix } from 'node:path';
import { isObject, parseJsonc } from './parse-json.js';

/** A tsconfig or jsconfig file by name (tsconfig.json, tsconfig.app.json, jsconfig.json, …). */
export const TSCONFIG_NAME = /(^|\/)(tsconfig|jsconfig)[^/]*\.json$/;

/** What the resolver reads: the tree's files, their text, and the workspace packages by name. */
export interface TsconfigTree {
  /** True when the workspace-relative path is a file of the tree being analysed. */
  has(path: string): boolean;
  /** The file's text, or null when it cannot be read. */
  read(path: string): string | null;
  /** Workspace packages: package.json `name` → the package's root. */
  packages: ReadonlyMap<string, string>;
}

/** `@scope/name/sub/path` or `name/sub` → the package name and the subpath ('' for none). */
function splitPackageSpecifier(spec: string): { name: string; subpath: string } {
  const parts = spec.split('/');
  const count = spec.startsWith('@') ? 2 : 1;
  return { name: parts.slice(0, count).join('/'), subpath: parts.slice(count).join('/') };
}

/** The string an `exports` value gives for a tsconfig (conditions: types, default, require, import, in that order), or null. */
function pickExport(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(pickExport).find((v) => v !== null) ?? null;
  if (!isObject(value)) return null;
  for (const condition of ['types', 'default', 'require', 'import', 'node']) if (condition in value) return pickExport(value[condition]);
  return null;
}

/** A path inside a package for a subpath, through its package.json `exports` when it has them. */
function exportedPath(pkg: unknown, subpath: string): string | null {
  if (!isObject(pkg) || pkg.exports === undefined) return null;
  const exports = pkg.exports;
  const key = subpath === '' ? '.' : `./${subpath}`;
  if (typeof exports === 'string' || Array.isArray(exports)) return key === '.' ? pickExport(exports) : null;
  if (!isObject(exports)) return null;
  if (!Object.keys(exports).some((k) => k.startsWith('.'))) return key === '.' ? pickExport(exports) : null;
  if (key in exports) return pickExport(exports[key]);
  for (const [pattern, target] of Object.entries(exports)) {
    const star = pattern.indexOf('*');
    if (star < 0 || !key.startsWith(pattern.slice(0, star)) || !key.endsWith(pattern.slice(star + 1))) continue;
    const match = key.slice(star, key.length - (pattern.length - star - 1));
    const picked = pickExport(target);
    if (picked !== null) return picked.split('*').join(match);
  }
  return null;
}

/**
 * Resolves one `extends` entry of the tsconfig at `from` to a workspace-relative file, as
 * TypeScript 5 does: a relative path (with `.json` added when the file is not there); a
 * package specifier through the workspace package of that name (its `exports`, then the
 * subpath itself, `<subpath>.json`, `<subpath>/tsconfig.json`; the bare name through its
 * `tsconfig` field, else `tsconfig.json`). Workspace packages resolve from the tree, not
 * node_modules, so the answer is the same before an install. null for a package outside the
 * workspace (its files are not in the tree: the lockfile accounts for it) or a missing file.
 */
export function resolveTsconfigExtends(from: string, spec: string, tree: TsconfigTree): string | null {
  const pick = (candidates: string[]) => candidates.map((c) => posix.normalize(c)).find((c) => !c.startsWith('../') && tree.has(c)) ?? null;
  if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..') {
    const path = posix.join(posix.dirname(from), spec);
    return pick(spec.endsWith('.json') ? [path] : [path, `${path}.json`, `${path}/tsconfig.json`]);
  }
  if (spec.startsWith('/')) return null;
  const { name, subpath } = splitPackageSpecifier(spec);
  const root = tree.packages.get(name);
  if (root === undefined) return null;
  const manifestText = tree.read(posix.join(root, 'package.json'));
  const manifest = manifestText === null ? null : parseJsonc(manifestText, posix.join(root, 'package.json'));
  const pkg = manifest?.ok ? manifest.value : null;
  const exported = exportedPath(pkg, subpath);
  if (exported !== null) return pick([posix.join(root, exported)]);
  if (subpath === '') {
    const field = isObject(pkg) && typeof pkg.tsconfig === 'string' ? [posix.join(root, pkg.tsconfig)] : [];
    return pick([...field, posix.join(root, 'tsconfig.json')]);
  }
  const path = posix.join(root, subpath);
  return pick(subpath.endsWith('.json') ? [path] : [path, `${path}.json`, `${path}/tsconfig.json`]);
}

/** The `extends` entries of a parsed tsconfig: a string, or (TypeScript 5) an array of strings. */
function readExtends(json: unknown): string[] {
  if (!isObject(json)) return [];
  const value = json.extends;
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The `extends` edges of every tsconfig in the tree that extends files of the tree: file →
 * the files it extends, in order, followed from the tsconfigs to the (arbitrarily named)
 * files they extend and on. Files outside the workspace and configs that cannot be parsed
 * end a chain. The affected rules use the edges to find what a change to a shared base
 * (`packages/tsconfig/base.json`) reaches.
 */
export function readTsconfigExtends(files: Iterable<string>, tree: TsconfigTree): Record<string, string[]> {
  const edges: Record<string, string[]> = {};
  const seen = new Set<string>();
  const queue = [...files].filter((f) => TSCONFIG_NAME.test(f));
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = tree.read(file);
    const parsed = text === null ? null : parseJsonc(text, file);
    if (!parsed?.ok) continue;
    const targets = readExtends(parsed.value).map((spec) => resolveTsconfigExtends(file, spec, tree)).filter((t): t is string => t !== null && t !== file);
    if (!targets.length) continue;
    edges[file] = [...new Set(targets)];
    queue.push(...targets);
  }
  return Object.fromEntries(Object.entries(edges).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** For each file some tsconfig extends (directly or through others): the tsconfigs that extend it. */
export function invertTsconfigExtends(edges: Readonly<Record<string, readonly string[]>>): Map<string, string[]> {
  const direct = new Map<string, string[]>();
  for (const [file, targets] of Object.entries(edges)) {
    for (const t of targets) {
      const list = direct.get(t);
      if (list) list.push(file);
      else direct.set(t, [file]);
    }
  }
  const closure = new Map<string, string[]>();
  for (const target of direct.keys()) {
    const found = new Set<string>();
    const stack = [...direct.get(target)!];
    while (stack.length) {
      const f = stack.pop()!;
      if (found.has(f) || f === target) continue;
      found.add(f);
      stack.push(...(direct.get(f) ?? []));
    }
    closure.set(target, [...found].sort());
  }
  return closure;
}
