import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { isObject, parseJsonc } from '../workspace/parse-json.js';

/** The root tsconfig files, in the order Nx workspaces use them. */
export const ROOT_TSCONFIGS = ['tsconfig.base.json', 'tsconfig.json'];

/** True for a relative path that joining onto "." and normalising leaves as it is (no ".", "..", "//", leading or trailing "/"). */
function isNormal(t: string): boolean {
  if (t === '' || t[0] === '/' || t[t.length - 1] === '/' || t.includes('//')) return false;
  const padded = `/${t}/`;
  return !padded.includes('/./') && !padded.includes('/../');
}

/**
 * Path aliases from the root tsconfig: pattern → workspace-relative targets (baseUrl
 * applied); only the patterns in `only` when given.
 */
export function computeAliases(json: unknown, only?: readonly string[]): Record<string, string[]> {
  const options = isObject(json) && isObject(json.compilerOptions) ? json.compilerOptions : {};
  const baseUrl = typeof options.baseUrl === 'string' ? options.baseUrl : '.';
  const paths = isObject(options.paths) ? options.paths : {};
  const aliases: Record<string, string[]> = {};
  for (const key of only ?? Object.keys(paths)) {
    const targets = Object.hasOwn(paths, key) ? paths[key] : undefined;
    if (Array.isArray(targets)) aliases[key] = targets.filter((t): t is string => typeof t === 'string').map((t) => (baseUrl === '.' && isNormal(t) ? t : posix.normalize(posix.join(baseUrl, t))));
  }
  return aliases;
}

/** The root tsconfig's JSON (the first of ROOT_TSCONFIGS there), or null when there is none or it does not parse. */
function readRootTsconfig(root: string): unknown {
  for (const name of ROOT_TSCONFIGS) {
    const path = join(root, name);
    if (existsSync(path)) {
      const parsed = parseJsonc(readFileSync(path, 'utf8'), name);
      return parsed.ok ? parsed.value : null;
    }
  }
  return null;
}

/** Reads the path aliases of the workspace at `root` (empty when there is no root tsconfig). */
export function readAliases(root: string): Record<string, string[]> {
  const json = readRootTsconfig(root);
  return json === null ? {} : computeAliases(json);
}

/**
 * How the root tsconfig resolves bare names besides `paths`: its `baseUrl` as a
 * workspace-relative folder ('' for the root; null when unset), and whether it sets
 * `moduleSuffixes` (`foo.ios.ts` before `foo.ts`).
 */
export function readRootBareResolution(root: string): { baseUrl: string | null; moduleSuffixes: boolean } {
  const json = readRootTsconfig(root);
  const options = isObject(json) && isObject(json.compilerOptions) ? json.compilerOptions : {};
  const normal = typeof options.baseUrl === 'string' ? posix.normalize(options.baseUrl).replace(/\/$/, '') : null;
  const baseUrl = normal === null ? null : normal === '.' ? '' : normal.replace(/^\.\//, '');
  return { baseUrl, moduleSuffixes: 'moduleSuffixes' in options };
}

/**
 * For a workspace-relative directory, the tsconfig whose `paths`/`baseUrl` govern bare
 * imports there: the nearest tsconfig.json (as esbuild picks it), followed through relative
 * `extends` until one defines them. Memoised; unreadable configs stand for themselves.
 */
export function createPathsOriginLocator(root: string): (dir: string) => string {
  const nearest = new Map<string, string>();
  const origin = new Map<string, string>();
  const originOf = (file: string, depth = 0): string => {
    const known = origin.get(file);
    if (known !== undefined) return known;
    let result = file;
    const parsed = existsSync(join(root, file)) ? parseJsonc(readFileSync(join(root, file), 'utf8'), file) : null;
    if (parsed?.ok && isObject(parsed.value)) {
      const options = isObject(parsed.value.compilerOptions) ? parsed.value.compilerOptions : {};
      const ext = parsed.value.extends;
      if (options.paths === undefined && options.baseUrl === undefined && typeof ext === 'string' && ext.startsWith('.') && depth < 10) {
        const target = posix.normalize(posix.join(posix.dirname(file), ext.endsWith('.json') ? ext : `${ext}.json`));
        result = originOf(target, depth + 1);
      }
    }
    origin.set(file, result);
    return result;
  };
  const find = (dir: string): string => {
    const known = nearest.get(dir);
    if (known !== undefined) return known;
    const candidate = dir === '' || dir === '.' ? 'tsconfig.json' : `${dir}/tsconfig.json`;
    const result = existsSync(join(root, candidate)) ? originOf(candidate) : dir === '' || dir === '.' ? '' : find(posix.dirname(dir) === '.' ? '' : posix.dirname(dir));
    nearest.set(dir, result);
    return result;
  };
  return find;
}

/** tsconfig options that change what esbuild resolves, erases or injects (JSX runtime imports). */
const ESBUILD_RELEVANT = ['paths', 'baseUrl', 'jsx', 'jsxFactory', 'jsxFragmentFactory', 'jsxImportSource', 'verbatimModuleSyntax', 'preserveValueImports', 'importsNotUsedAsValues', 'experimentalDecorators', 'useDefineForClassFields', 'target', 'alwaysStrict', 'moduleSuffixes', 'customConditions'];

/**
 * The one tsconfig every analysed file can use, when that is exactly what esbuild would do
 * file by file: every other `tsconfig.json` extends (through relative `extends`) down to the
 * root one and sets none of the options esbuild reads. esbuild keeps a copy of the path map
 * per tsconfig it loads, so a workspace of thousands of projects sharing a large map costs
 * gigabytes when each is loaded apart. Returns null when any project differs.
 */
export function readSharedTsconfig(root: string, files: Iterable<string>, projectRoots: readonly string[]): string | null {
  const rootFile = ROOT_TSCONFIGS.find((name) => existsSync(join(root, name)));
  if (!rootFile) return null;
  // A tsconfig.json governs the files below its folder: it matters when that folder holds a project or lies inside one.
  // Sets of the roots and of the folders above them, so each check walks one path (thousands of
  // tsconfigs times thousands of projects was 0.6 s of a fresh runner's 2 s on the large benchmark).
  const roots = new Set(projectRoots);
  const aboveRoots = new Set<string>();
  for (const p of projectRoots) for (let d = posix.dirname(p); d !== '.' && d !== '' && !aboveRoots.has(d); d = posix.dirname(d)) aboveRoots.add(d);
  const governsProjects = (dir: string) => {
    if (dir === '') return roots.size > 0;
    if (roots.has(dir) || aboveRoots.has(dir)) return true;
    for (let d = posix.dirname(dir); d !== '.' && d !== ''; d = posix.dirname(d)) if (roots.has(d)) return true;
    return false;
  };
  for (const file of files) {
    if (!/(^|\/)(tsconfig|jsconfig)\.json$/.test(file) || file === rootFile || file === 'tsconfig.json') continue;
    if (!governsProjects(posix.dirname(file) === '.' ? '' : posix.dirname(file))) continue;
    let at: string = file;
    for (let depth = 0; at !== rootFile; depth++) {
      if (depth > 10 || !existsSync(join(root, at))) return null;
      const parsed = parseJsonc(readFileSync(join(root, at), 'utf8'), at);
      if (!parsed.ok || !isObject(parsed.value)) return null;
      const options = isObject(parsed.value.compilerOptions) ? parsed.value.compilerOptions : {};
      if (ESBUILD_RELEVANT.some((key) => key in options)) return null;
      const ext = parsed.value.extends;
      if (typeof ext !== 'string' || !ext.startsWith('.')) return null;
      at = posix.normalize(posix.join(posix.dirname(at), ext.endsWith('.json') ? ext : `${ext}.json`));
    }
  }
  // A root tsconfig.json beside tsconfig.base.json governs root-level files: only shareable if it is the root itself.
  if (rootFile !== 'tsconfig.json' && existsSync(join(root, 'tsconfig.json'))) return null;
  return rootFile;
}
