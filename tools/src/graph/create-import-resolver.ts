import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, posix, relative, resolve as resolvePath, sep } from 'node:path';
import { ResolverFactory, type NapiResolveOptions } from 'oxc-resolver';
import { isBare } from './analysis-context.js';
import { createPathsOriginLocator } from './read-aliases.js';

/** Where one import leads. Paths are workspace-relative (POSIX). */
export type ImportResolution =
  | { kind: 'file'; path: string }
  /** A bare import that names an npm package (or a Node built-in), external to the graph. */
  | { kind: 'package' }
  /** Nothing answers it: the build would fail here. */
  | { kind: 'unresolved' }
  /** A URL, a file outside the tree, or an esbuild-internal path: nothing of the workspace. */
  | { kind: 'none' };

/** What the resolver is built from: the analysis context's view of aliases and workspace packages. */
export interface ImportResolverOptions {
  /** Absolute directory of the tree analysed. */
  root: string;
  /** One tsconfig (workspace-relative or absolute) for every file, or undefined for the nearest one per directory, as esbuild picks it. */
  tsconfig?: string;
  /** The targets a tsconfig path alias maps `specifier` to, or null (see createAnalysisContext). */
  aliasBases: (specifier: string) => string[] | null;
  /** A workspace package's source for `specifier`, absolute, or null (see createWorkspacePackageResolver). */
  resolveWorkspacePackage: (specifier: string) => string | null;
  /** Whether `specifier` names a workspace package at all (by name). */
  isWorkspacePackage: (specifier: string) => boolean;
  /** Whether the importing file's package takes that workspace package from the registry (see createReleasePinCheck). */
  isReleasePinned: (importerAbs: string, specifier: string) => boolean;
  /**
   * The tree's files as git lists them, for a first try at relative imports without asking the
   * file system: `regular` are tracked regular files as they are on disk; a candidate in
   * `unsure` (changed, untracked or deleted in the working tree) sends the import to
   * oxc-resolver instead. @default none (every import asks oxc-resolver)
   */
  files?: { regular: PathLookup; unsure: ReadonlySet<string> };
}

/** Whether a path is in a list. */
export interface PathLookup {
  has(path: string): boolean;
}

/**
 * A lookup over a list of paths. git lists a tree's files in path order, so when the list is
 * sorted (checked, in one pass) a path is found by binary search with no index to build; else
 * a Set. Written by hand for a fresh runner's update, which asks about a few dozen paths of
 * 120k: a Set of them took 10–40 ms to build (40 in the fresh runner's profile), the check of the order 5 ms.
 */
export function createPathLookup(paths: readonly string[]): PathLookup {
  for (let i = 1; i < paths.length; i++) if (!(paths[i - 1]! < paths[i]!)) return new Set(paths);
  return {
    has(path) {
      let lo = 0;
      let hi = paths.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const at = paths[mid]!;
        if (at === path) return true;
        if (at < path) lo = mid + 1;
        else hi = mid - 1;
      }
      return false;
    },
  };
}

/**
 * esbuild's resolution rules (see bundler-options.ts: platform browser, its default
 * resolveExtensions, the `.js` → `.ts` rewrite, package.json `browser` maps), as
 * oxc-resolver options. `modules: []`: no node_modules lookup at all, as the analysis builds
 * with `packages: 'external'`: a bare name resolves only through tsconfig `paths`/`baseUrl`.
 */
const ESBUILD_RULES: NapiResolveOptions = {
  extensions: ['.tsx', '.ts', '.jsx', '.js', '.css', '.json'],
  extensionAlias: { '.js': ['.js', '.ts', '.tsx'], '.jsx': ['.jsx', '.tsx'], '.mjs': ['.mjs', '.mts'], '.cjs': ['.cjs', '.cts'] },
  mainFields: ['browser', 'module', 'main'],
  aliasFields: [['browser']],
  conditionNames: ['browser', 'import', 'module', 'default'],
  mainFiles: ['index'],
  modules: [],
  symlinks: true,
  builtinModules: false,
};

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));
const URL_LIKE = /^[a-z][a-z0-9+.-]*:|^\/\//i;

/**
 * Resolves imports the way the analysis's esbuild builds do, without a build: relative paths
 * and tsconfig `paths`/`baseUrl` by oxc-resolver under the importing directory's tsconfig,
 * workspace packages into their source (after a path alias, as the bundler plugin does), and
 * every other bare name as an npm package. Answers are memoised per directory for paths and
 * per governing tsconfig for bare names (a bare name resolves alike under the same `paths`).
 */
export function createImportResolver(options: ImportResolverOptions) {
  const { root } = options;
  const base = options.tsconfig ? new ResolverFactory({ ...ESBUILD_RULES, tsconfig: { configFile: resolvePath(root, options.tsconfig) } }) : new ResolverFactory(ESBUILD_RULES);
  const pathsOrigin = options.tsconfig ? () => '' : createPathsOriginLocator(root);
  const byOrigin = new Map<string, ResolverFactory>();
  let withoutTsconfig: ResolverFactory | undefined;
  const bare = () => (withoutTsconfig ??= new ResolverFactory(ESBUILD_RULES));
  const resolverFor = (origin: string): ResolverFactory => {
    let resolver = byOrigin.get(origin);
    if (!resolver && !origin) return base;
    if (!resolver) {
      // A resolver of its own, not a clone: clones share answers, and two tsconfigs answer a name apart.
      resolver = new ResolverFactory({ ...ESBUILD_RULES, tsconfig: { configFile: join(root, origin) } });
      // A tsconfig esbuild cannot load either (an `extends` of a package not installed) fails
      // every request, whatever it asks: esbuild warns and resolves as if there were none.
      const probe = resolver.sync(root, './.tessera-resolver-probe').error ?? '';
      if (/tsconfig/i.test(probe) && !probe.includes('.tessera-resolver-probe')) resolver = bare();
      byOrigin.set(origin, resolver);
    }
    return resolver;
  };
  const memo = new Map<string, ImportResolution>();
  // oxc-resolver answers real paths: a workspace reached through a symbolic link is relative to where it really is.
  const realRoot = realpathSync(root);
  const rel = (abs: string) => toPosix(relative(abs.startsWith(realRoot + sep) || abs === realRoot ? realRoot : root, abs));
  const SUFFIXES = ['', ...(ESBUILD_RULES.extensions as string[])];
  const browserMapped = createBrowserMapCheck(root);
  /**
   * A relative import straight from git's list of files: the path itself or with one of
   * esbuild's extensions, in its order. Written by hand because it is the hot path of a
   * large analysis (an oxc-resolver call costs ~7 µs, and 100k files ask 100k of them); it
   * answers only when the answer is certain (a tracked regular file, no candidate changed on
   * disk, no package.json `browser` map over the importer) and leaves the rest to oxc-resolver.
   */
  const fromFileList = (dir: string, spec: string): string | null => {
    const files = options.files;
    if (!files || spec.endsWith('/') || spec.includes('\\')) return null;
    const target = posix.normalize(posix.join(dir || '.', spec));
    if (target.startsWith('../') || target === '..' || target.startsWith('/')) return null;
    if (browserMapped(dir)) return null;
    for (const suffix of SUFFIXES) {
      const candidate = target + suffix;
      if (files.unsure.has(candidate)) return null;
      if (files.regular.has(candidate)) return candidate;
    }
    return null;
  };
  const asFile = (abs: string | undefined): ImportResolution | null => {
    if (!abs) return null;
    const path = rel(abs);
    if (path.startsWith('../') || path.includes('node_modules/')) return { kind: 'package' };
    return { kind: 'file', path };
  };

  function resolveUncached(dir: string, origin: string, specifier: string, importerAbs: string): ImportResolution {
    if (URL_LIKE.test(specifier) || /^<[^>]*>$/.test(specifier)) return { kind: 'none' };
    const absDir = join(root, dir);
    const attempt = (spec: string) => asFile(resolverFor(origin).sync(absDir, spec).path);
    // `./app.css?url`: a bundler's query names how to load the file, not another file.
    const cut = specifier.search(/[?#]/);
    const plain = cut > 0 ? specifier.slice(0, cut) : specifier;
    if (!isBare(plain)) {
      const listed = fromFileList(dir, plain);
      return listed ? { kind: 'file', path: listed } : (attempt(plain) ?? { kind: 'unresolved' });
    }
    const aliased = Boolean(options.aliasBases(plain));
    // A release from the registry (the importing package pins one) is an npm package's, unless
    // a path alias takes the name first, as in esbuild's own order (see createWorkspacePackagePlugin).
    if (options.isWorkspacePackage(plain) && !options.isReleasePinned(importerAbs, plain)) {
      if (aliased) {
        const found = attempt(plain);
        if (found?.kind === 'file') return found;
      }
      return asFile(options.resolveWorkspacePackage(plain) ?? undefined) ?? { kind: 'package' };
    }
    const found = attempt(plain);
    if (found) return found;
    // A path alias whose target is gone: an import that no longer resolves, never an npm package.
    return aliased ? { kind: 'unresolved' } : { kind: 'package' };
  }

  /** Where `specifier`, imported by workspace-relative `importer`, leads. */
  return (importer: string, specifier: string): ImportResolution => {
    const dir = posix.dirname(importer);
    const bare = isBare(specifier) && !URL_LIKE.test(specifier);
    // A release pin depends on the importing package, so a workspace package's name is memoised per directory.
    const origin = pathsOrigin(dir === '.' ? '' : dir);
    const key = bare && !options.isWorkspacePackage(specifier) ? `${origin}\0${specifier}` : `${dir}/\0${specifier}`;
    let answer = memo.get(key);
    if (!answer) memo.set(key, (answer = resolveUncached(dir === '.' ? '' : dir, origin, specifier, join(root, importer))));
    return answer;
  };
}

/** Resolves one import (see createImportResolver). */
export type ResolveImport = ReturnType<typeof createImportResolver>;

/**
 * Whether the package a workspace-relative directory belongs to (its nearest package.json
 * in the tree) has a `browser` map, which can redirect a relative import (esbuild follows it
 * for the browser platform). Memoised per directory.
 */
function createBrowserMapCheck(root: string): (dir: string) => boolean {
  const memo = new Map<string, boolean>();
  const check = (dir: string): boolean => {
    let known = memo.get(dir);
    if (known !== undefined) return known;
    const manifest = join(root, dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const browser = (JSON.parse(readFileSync(manifest, 'utf8')) as { browser?: unknown }).browser;
        known = typeof browser === 'object' && browser !== null;
      } catch {
        known = true; // unreadable: leave its imports to the resolver
      }
    } else known = dir !== '' && check(posix.dirname(dir) === '.' ? '' : posix.dirname(dir));
    memo.set(dir, known);
    return known;
  };
  return check;
}
