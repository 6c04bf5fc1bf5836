import type * as esbuildTypes from 'esbuild';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { isRegistryRelease } from '../workspace/registry-release.js';

/** A workspace package: its package.json `name` and its folder, workspace-relative. */
export interface WorkspacePackage {
  name: string;
  root: string;
}

/** `exports` conditions, in the order a source-first resolution tries them. */
const CONDITIONS = ['source', 'development', 'import', 'module', 'browser', 'default', 'require', 'node', 'types'];
/** Folders packages build into, mapped back to where their source usually is. */
const OUTPUT_DIRS = ['dist', 'build', 'lib', 'out', 'esm', 'cjs', 'es', 'dist/esm', 'dist/cjs', 'dist/src', 'dist/lib'];
const SOURCE_DIRS = ['src', 'lib', ''];
const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json', '/index.ts', '/index.tsx', '/index.mts', '/index.js', '/index.jsx', '/index.mjs'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every target an `exports` value offers, in condition order (nested conditions and arrays flattened). */
function flattenTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(flattenTargets);
  if (!isObject(value)) return [];
  const keys = Object.keys(value);
  return [...CONDITIONS.filter((c) => keys.includes(c)), ...keys.filter((k) => !CONDITIONS.includes(k))].flatMap((k) => flattenTargets(value[k]));
}

/** The targets `exports` gives a subpath (`.` or `./x`), `*` patterns included. */
function readExportTargets(exports: unknown, subpath: string): string[] {
  if (typeof exports === 'string' || Array.isArray(exports)) return subpath === '.' ? flattenTargets(exports) : [];
  if (!isObject(exports)) return [];
  const keys = Object.keys(exports);
  if (!keys.some((k) => k.startsWith('.'))) return subpath === '.' ? flattenTargets(exports) : [];
  if (subpath in exports) return flattenTargets(exports[subpath]);
  for (const key of keys.filter((k) => k.includes('*')).sort((a, b) => b.length - a.length)) {
    const [prefix, suffix] = key.split('*') as [string, string];
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      const middle = subpath.slice(prefix.length, subpath.length - suffix.length);
      return flattenTargets(exports[key]).map((t) => t.split('*').join(middle));
    }
  }
  return [];
}

/** `dist/x.js` → `src/x`, `lib/x`, `x`: where a build output's source may be (extension dropped, for the extension search). */
function mapOutputToSource(path: string, outDirs: readonly string[], rootDirs: readonly string[]): string[] {
  const bare = path.replace(/\.d\.[cm]?ts$|\.[cm]?jsx?$/, '');
  const out: string[] = [];
  for (const dir of [...outDirs].sort((a, b) => b.length - a.length)) {
    if (bare !== dir && !bare.startsWith(`${dir}/`)) continue;
    const rest = bare.slice(dir.length).replace(/^\//, '');
    for (const src of rootDirs) out.push(posix.join(src || '.', rest || 'index'));
  }
  return out;
}

/** tsconfig `outDir`/`rootDir` of a package (its own tsconfig.json or tsconfig.build.json), when it states them. */
function readPackageTsconfigDirs(dir: string): { outDirs: string[]; rootDirs: string[] } {
  const outDirs: string[] = [];
  const rootDirs: string[] = [];
  for (const name of ['tsconfig.build.json', 'tsconfig.lib.json', 'tsconfig.json']) {
    try {
      // A loose read: only two string options are wanted, so comments and trailing commas do not matter.
      const text = readFileSync(join(dir, name), 'utf8');
      const outDir = /"outDir"\s*:\s*"([^"]+)"/.exec(text)?.[1];
      const rootDir = /"rootDir"\s*:\s*"([^"]+)"/.exec(text)?.[1];
      if (outDir) outDirs.push(posix.normalize(outDir).replace(/^\.\/|\/$/g, ''));
      if (rootDir) rootDirs.push(posix.normalize(rootDir).replace(/^\.\/?|\/$/g, '').replace(/^\.$/, ''));
    } catch {
      // no such tsconfig
    }
  }
  return { outDirs, rootDirs };
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/** The package a bare specifier names: `@scope/ui/button` → `@scope/ui`, `ui/x` → `ui`. */
const packageNameOf = (specifier: string): string => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);

/** A memoised reader of `<dir>/package.json` (absolute dir): the parsed object, or null when absent or not an object. */
function createManifestReader(): (dir: string) => Record<string, unknown> | null {
  const manifests = new Map<string, Record<string, unknown> | null>();
  return (dir) => {
    if (manifests.has(dir)) return manifests.get(dir)!;
    let json: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      json = isObject(parsed) ? parsed : null;
    } catch {
      json = null;
    }
    manifests.set(dir, json);
    return json;
  };
}

/**
 * Resolves an import of a workspace package by name (`@scope/ui`, `@scope/ui/button`) to the
 * package's source in the tree, as the bundler would after a build, but without needing that
 * build or node_modules: through its package.json (`exports` with `source`/`development`
 * conditions first, then `module`, `main`, `types`), and when those point at build output
 * that is not there (`dist/…`), back to the source beside it (the package's tsconfig
 * `rootDir`/`outDir`, else `src/`), preferring that source even over build output that is
 * there. Returns the absolute path, or null when no source file
 * can be found (the import then counts as the whole package: see the project-level locator).
 */
export function createWorkspacePackageResolver(treeRoot: string, packages: readonly WorkspacePackage[]): (specifier: string) => string | null {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const readManifest = createManifestReader();
  const dirsOf = new Map<string, { outDirs: string[]; rootDirs: string[] }>();
  const memo = new Map<string, string | null>();
  return (specifier) => {
    if (memo.has(specifier)) return memo.get(specifier)!;
    const name = packageNameOf(specifier);
    const pkg = byName.get(name);
    let result: string | null = null;
    if (pkg) {
      const dir = join(treeRoot, pkg.root);
      const manifest = readManifest(dir) ?? {};
      const subpath = `.${specifier.slice(name.length)}`;
      const fields = subpath === '.' ? ['source', 'module', 'main', 'types', 'typings'].map((f) => manifest[f]).filter((v): v is string => typeof v === 'string') : [];
      const targets = [...('exports' in manifest ? readExportTargets(manifest.exports, subpath) : []), ...fields, subpath === '.' ? 'index' : subpath].map((t) => posix.normalize(t).replace(/^\.\//, ''));
      if (!dirsOf.has(pkg.root)) {
        const declared = readPackageTsconfigDirs(dir);
        dirsOf.set(pkg.root, { outDirs: [...declared.outDirs, ...OUTPUT_DIRS], rootDirs: [...declared.rootDirs, ...SOURCE_DIRS] });
      }
      const { outDirs, rootDirs } = dirsOf.get(pkg.root)!;
      // Source before build output, even when the output is there: a dist built in the working
      // tree is not what a change edits, and following it would hide the package's source.
      // `./src/index.js` naming TypeScript source (`src/index.ts`), as TypeScript itself resolves it, comes after the file itself.
      const asTypeScript = (t: string) => (/\.[cm]?jsx?$/.test(t) && !/\.d\.[cm]?ts$/.test(t) ? [t.replace(/\.[cm]?jsx?$/, '')] : []);
      const candidates = [...targets.flatMap((t) => [...mapOutputToSource(t, outDirs, rootDirs), ...(/\.d\.[cm]?ts$/.test(t) ? [] : [t]), ...asTypeScript(t)]), ...(subpath === '.' ? [] : rootDirs.map((r) => posix.join(r || '.', subpath)))];
      search: for (const candidate of candidates) {
        for (const ext of EXTENSIONS) {
          const path = join(dir, candidate + ext);
          if (isFile(path)) {
            result = path;
            break search;
          }
        }
      }
    }
    memo.set(specifier, result);
    return result;
  };
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/**
 * Whether an importing file's package declares a workspace package as a release from the
 * registry (isRegistryRelease): the import is then an npm package's, its version in the
 * lockfile, not the workspace's source. An import the package does not declare resolves to
 * the source, as a hoisted link would.
 */
export function createReleasePinCheck(treeRoot: string, packages: readonly WorkspacePackage[]): (importer: string, specifier: string) => boolean {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const readManifest = createManifestReader();
  const nearest = new Map<string, Record<string, unknown> | null>();
  const manifestOf = (dir: string): Record<string, unknown> | null => {
    if (nearest.has(dir)) return nearest.get(dir)!;
    const own = existsSync(join(dir, 'package.json')) ? readManifest(dir) : null;
    const parent = posix.dirname(dir);
    const result = own ?? (dir === treeRoot || parent === dir || !dir.startsWith(treeRoot) ? null : manifestOf(parent));
    nearest.set(dir, result);
    return result;
  };
  return (importer, specifier) => {
    const name = packageNameOf(specifier);
    const pkg = byName.get(name);
    const owner = pkg ? manifestOf(posix.dirname(importer)) : null;
    if (!pkg || !owner) return false;
    const spec = DEPENDENCY_FIELDS.map((f) => (isObject(owner[f]) ? owner[f][name] : undefined)).find((v): v is string => typeof v === 'string');
    return spec !== undefined && isRegistryRelease(spec, readManifest(join(treeRoot, pkg.root))?.version);
  };
}

/**
 * An esbuild plugin that answers imports of workspace packages with their source (see
 * createWorkspacePackageResolver). A name a tsconfig path alias may map (`deferToBundler`)
 * is the bundler's first, as in esbuild's own order; only when that fails for the importing
 * file (its tsconfig has no such alias, or the alias's target is not there) does the package
 * resolve to its source here.
 */
export function createWorkspacePackagePlugin(packages: readonly WorkspacePackage[], resolve: (specifier: string) => string | null, deferToBundler: (specifier: string) => boolean = () => false, isReleasePinned: (importer: string, specifier: string) => boolean = () => false): esbuildTypes.Plugin {
  const names = packages.map((p) => p.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return {
    name: 'tessera-workspace-packages',
    setup(build) {
      if (!names.length) return;
      build.onResolve({ filter: new RegExp(`^(?:${names.join('|')})(?:/.*)?$`) }, async (args) => {
        if ((args.pluginData as { tesseraBundlerFirst?: boolean } | undefined)?.tesseraBundlerFirst) return undefined;
        // A release from the registry, not the workspace's source: an npm package to the graph.
        if (isReleasePinned(args.importer, args.path)) return undefined;
        if (deferToBundler(args.path)) {
          const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { tesseraBundlerFirst: true } });
          // External means no alias took it (every bare name is external to the analysis): the package is ours to resolve.
          if (!found.errors.length && !found.external) return { path: found.path, namespace: found.namespace };
        }
        const path = resolve(args.path);
        return path ? { path } : undefined;
      });
    },
  };
}
