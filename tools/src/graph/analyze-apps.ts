import type * as esbuildTypes from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { TesseraError } from '../errors/tessera-error.js';
import { createResolveOptions } from './bundler-options.js';
import { createPathsOriginLocator } from './read-aliases.js';
import type { EdgeKind, FileGraph } from './file-graph.js';
import { createGraphState, type GraphState } from './graph-state.js';
import { scanComputedImports, scanCssSpecifiers, scanSpecifiers } from './scan-imports.js';
import { withEsbuildResolver } from './resolve-with-esbuild.js';

export interface AnalyzeAppsOptions {
  /** Absolute directory of the tree to analyse (the workspace, or a worktree of another revision). */
  root: string;
  apps: { name: string; entries: string[] }[];
  /** Source files (workspace-relative) larger than the parse limit: read as text, not parsed. */
  largeFiles: readonly string[];
  /** tsconfig path aliases: pattern → workspace-relative targets (`*` allowed once). */
  aliases: Record<string, string[]>;
  /** One tsconfig for every file (see readSharedTsconfig), or undefined to let esbuild pick per file. */
  tsconfig?: string;
  /** Update this graph instead of analysing from scratch; `modified` files changed content (nothing was added, deleted or reconfigured). */
  previous?: { graph: FileGraph; modified: string[] };
  /** Apps bundled per esbuild build (see planAppsPerBuild). @default all apps in one build */
  appsPerBuild?: number;
}

/**
 * Up to this many parseable files, every app goes through one esbuild build: the fastest
 * way, but esbuild holds every module of a build in memory until it ends (~25 kB each).
 */
export const SINGLE_BUILD_MAX_FILES = 20_000;
/** Past SINGLE_BUILD_MAX_FILES, each build covers about this many of the workspace's files. */
export const FILES_PER_BUILD = 10_000;
/**
 * How the Go runtime of an esbuild service started by the analysis collects garbage: not
 * at all (GOGC=off, as esbuild's own CLI does; about a fifth less CPU) until the heap nears
 * a budget (GOMEMLIMIT). A mid-size workspace's single build fits the budget without one
 * collection; a batched analysis gets a tighter budget, since Go would otherwise keep
 * earlier builds' garbage around. A batch's live heap stays below it.
 */
const GO_MEMORY_BUDGET = { single: '640MiB', batched: '448MiB' };

/**
 * How many apps to bundle per esbuild build, judged from the workspace's count of parseable
 * files. Several builds cost more (each later build loads what earlier ones read as a stub,
 * through a plugin round trip), so only workspaces past SINGLE_BUILD_MAX_FILES are split.
 */
export function planAppsPerBuild(appCount: number, sourceFileCount: number): number {
  if (sourceFileCount <= SINGLE_BUILD_MAX_FILES || appCount <= 1) return Math.max(appCount, 1);
  return Math.max(1, Math.floor(appCount / Math.ceil(sourceFileCount / FILES_PER_BUILD)));
}

/**
 * Starts a build, with the Go settings above for the esbuild service if this call starts it
 * (it is spawned synchronously on first use and inherits the environment then). If the user
 * set GOGC or GOMEMLIMIT, theirs win.
 */
function startBuild(esbuild: typeof esbuildTypes, options: esbuildTypes.BuildOptions & { metafile: true }, goMemoryLimit: string) {
  if (process.env.GOGC !== undefined || process.env.GOMEMLIMIT !== undefined) return esbuild.build(options);
  process.env.GOGC = 'off';
  process.env.GOMEMLIMIT = goMemoryLimit;
  try {
    return esbuild.build(options);
  } finally {
    delete process.env.GOGC;
    delete process.env.GOMEMLIMIT;
  }
}

const SOURCE = /\.(tsx?|mts|cts|jsx?|mjs|cjs)$/;
const ENTRIES_MODULE = '<tessera-entries>';
const CSS = /\.css$/;
const KIND: Record<string, EdgeKind> = {
  'import-statement': 'static', 'dynamic-import': 'dynamic', 'require-call': 'require', 'require-resolve': 'require',
  'import-rule': 'css-import', 'composes-from': 'css-import', 'url-token': 'url', 'entry-point': 'static',
};

type SkipKind = 'unparseable' | 'too-large' | 'asset' | 'unreadable';
interface PendingResolve { importer: string; specifier: string; kind: EdgeKind }

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const isBare = (spec: string) => !/^(\.{1,2}(\/|$)|\/)/.test(spec);

const BUILTINS = new Set(builtinModules);

/**
 * Whether package `name` is installed where the bundler would look for it from `dir`
 * (a `node_modules/<name>` in `dir` or any parent up to the workspace root). An import of a
 * package that is not installed does not resolve: the build fails, so it must not pass for
 * an npm dependency (a removed path alias looks exactly like one).
 */
function createInstalledCheck(root: string) {
  const memo = new Map<string, boolean>();
  const check = (dir: string, name: string): boolean => {
    const key = `${dir}\0${name}`;
    let known = memo.get(key);
    if (known === undefined) {
      known = existsSync(join(root, dir, 'node_modules', name)) || (dir !== '' && dir !== '.' && check(posix.dirname(dir) === '.' ? '' : posix.dirname(dir), name));
      memo.set(key, known);
    }
    return known;
  };
  return (importer: string, name: string) => BUILTINS.has(name) || check(posix.dirname(importer), name);
}

/** The npm package a bare specifier or node_modules path names (`@scope/pkg` or `pkg`). */
export function packageNameOf(specifierOrPath: string): string {
  const tail = specifierOrPath.includes('node_modules/') ? specifierOrPath.slice(specifierOrPath.lastIndexOf('node_modules/') + 13) : specifierOrPath;
  const parts = tail.split('/');
  return parts[0]!.startsWith('@') && parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function createAliasMatcher(aliases: Record<string, string[]>) {
  const patterns = Object.entries(aliases).map(([key, targets]) => {
    const star = key.indexOf('*');
    return { key, prefix: star < 0 ? key : key.slice(0, star), suffix: star < 0 ? '' : key.slice(star + 1), wildcard: star >= 0, targets };
  });
  /** The base paths `spec` maps to through an alias, or null when no alias matches. */
  return (spec: string): string[] | null => {
    for (const p of patterns) {
      if (!p.wildcard ? spec === p.key : spec.startsWith(p.prefix) && spec.endsWith(p.suffix) && spec.length >= p.prefix.length + p.suffix.length) {
        const middle = p.wildcard ? spec.slice(p.prefix.length, spec.length - p.suffix.length) : '';
        return p.targets.map((t) => t.replace('*', middle));
      }
    }
    return null;
  };
}

/**
 * An empty module standing in for a file whose imports are already known. It must accept
 * whatever its importers ask of it (a named import from JSON, a CSS module's class map), or
 * esbuild would fail on the importer: CommonJS for code and JSON, the matching CSS loader
 * for stylesheets, an empty asset otherwise.
 */
function stubFor(path: string): esbuildTypes.OnLoadResult {
  if (/\.module\.css$/.test(path)) return { contents: '', loader: 'local-css' };
  if (CSS.test(path)) return { contents: '', loader: 'css' };
  if (SOURCE.test(path) || path.endsWith('.json')) return { contents: 'module.exports = {}', loader: 'js' };
  if (/\.(txt|md)$/.test(path)) return { contents: '', loader: 'text' };
  return { contents: '', loader: 'file' };
}

/**
 * Builds the file-level input graph of every app: one esbuild bundle of all entries (or of
 * `appsPerBuild` apps at a time; metafile) for what the bundler reads, plus esbuild's own
 * resolver for what it erases (type-only imports). Files it cannot parse are kept, read as
 * text, and flagged.
 *
 * With `previous`, updates that graph instead: only the modified files (and files they now
 * reach for the first time) are read again, each import resolved by esbuild's resolver.
 */
export async function analyzeApps(options: AnalyzeAppsOptions): Promise<FileGraph> {
  const esbuild = await import('esbuild');
  const { root } = options;
  const abs = (rel: string) => join(root, rel);
  const rel = (path: string) => toPosix(isAbsolute(path) ? relative(root, path) : path);
  const aliasBases = createAliasMatcher(options.aliases);
  const isInstalled = createInstalledCheck(root);
  const state: GraphState = createGraphState(options.previous?.graph);
  const skip = new Map<string, { kind: SkipKind; detail: string }>();
  for (const file of options.largeFiles) skip.set(file, { kind: 'too-large', detail: 'larger than maxFileBytes; read as text, not parsed' });
  const unresolvedPairs = new Map<string, string>(); // importer \0 specifier -> importer
  const pending: PendingResolve[] = [];
  const scanned = new Set<string>();
  const perBuild = Math.max(1, options.appsPerBuild ?? options.apps.length);
  const goMemoryLimit = !options.previous && perBuild < options.apps.length ? GO_MEMORY_BUDGET.batched : GO_MEMORY_BUDGET.single;
  /** Files whose imports the graph already holds (from the previous graph, or an earlier build): loaded as stubs, never read again. */
  const known = new Set(options.previous ? options.previous.graph.files.filter((f) => !options.previous!.modified.includes(f)) : []);

  /** Runs the bundler until it succeeds, turning each located failure into a skip or an unresolved import. */
  async function bundle(input: { stdin: string } | { entryPoints: string[] }): Promise<esbuildTypes.Metafile> {
    // Folders whose known files are loaded for real in this build (see the "No matching export" case below); '' is all.
    const unstubbed = new Set<string>();
    const isStubbed = (path: string) => known.has(path) && !unstubbed.has('') && ![...unstubbed].some((dir) => path.startsWith(`${dir}/`));
    for (let pass = 0; ; pass++) {
      const skipPaths = [...skip.keys()];
      const specs = [...new Set([...unresolvedPairs.keys()].map((k) => k.split('\0')[1]!))];
      const plugin: esbuildTypes.Plugin = {
        name: 'tessera-graph',
        setup(build) {
          if (skipPaths.length) {
            build.onLoad({ filter: new RegExp(`^(${skipPaths.map((p) => escapeRe(abs(p))).join('|')})$`) }, (args) => {
              const entry = skip.get(rel(args.path))!;
              return entry.kind === 'asset' ? { contents: '', loader: 'file' } : { contents: 'module.exports = {}', loader: 'js' };
            });
          }
          if (specs.length) {
            build.onResolve({ filter: new RegExp(`^(${specs.map(escapeRe).join('|')})$`) }, (args) =>
              unresolvedPairs.has(`${rel(args.importer)}\0${args.path}`) ? { path: args.path, external: true } : undefined,
            );
          }
          if (known.size && !unstubbed.has('')) {
            // An update reads only modified files and files never read before; every other file is
            // already in the graph, so it is answered with an empty stub and esbuild reads no further.
            build.onLoad({ filter: /.*/ }, (args) => (isStubbed(rel(args.path)) ? stubFor(args.path) : undefined));
          }
        },
      };
      try {
        const source =
          'stdin' in input
            ? { stdin: { contents: input.stdin, resolveDir: root, sourcefile: ENTRIES_MODULE, loader: 'js' as const } }
            : { entryPoints: input.entryPoints.map(abs) };
        const result = await startBuild(esbuild, { ...createResolveOptions(root), ...source, ...(options.tsconfig ? { tsconfig: options.tsconfig } : {}), write: false, metafile: true, outdir: join(root, '.tessera', 'graph-out'), packages: 'external', plugins: [plugin] }, goMemoryLimit);
        return result.metafile;
      } catch (error) {
        const messages = (error as { errors?: esbuildTypes.Message[] }).errors;
        if (!messages || pass > 8) throw new TesseraError('TESSERA_GRAPH_BUNDLER_FAILED', `esbuild failed: ${(error as Error).message}`, { cause: error });
        let progressed = false;
        for (const m of messages) {
          const loc = m.location;
          const unresolved = /^Could not resolve "(.+)"/.exec(m.text);
          const noLoader = /No loader is configured for "[^"]*" files: (.+)$/.exec(m.text);
          const unreadable = /(?:Cannot read|Could not read from) (?:file|directory) "?([^":]+)"?(?::|$)/.exec(m.text);
          const noExport = /^No matching export in "(.+)" for import/.exec(m.text);
          if (noExport && known.size && !unstubbed.has('')) {
            // A barrel's `export *` of a stubbed file can leave a name unexported, which is the stub's
            // doing, not the code's: load the barrel's folder for real, then everything, before
            // blaming the importer.
            const dir = posix.dirname(rel(noExport[1]!));
            unstubbed.add(unstubbed.has(dir) || dir === '.' ? '' : dir);
            progressed = true;
          } else if (unresolved && loc) {
            const key = `${rel(loc.file)}\0${unresolved[1]}`;
            if (!unresolvedPairs.has(key)) (unresolvedPairs.set(key, rel(loc.file)), (progressed = true));
          } else if (noLoader) {
            const file = rel(noLoader[1]!);
            if (!skip.has(file)) (skip.set(file, { kind: 'asset', detail: 'no loader; treated as an opaque asset' }), (progressed = true));
          } else if (unreadable || /symbolic links|ELOOP/i.test(m.text)) {
            const file = rel(unreadable?.[1] ?? loc?.file ?? '');
            if (file && !skip.has(file)) {
              skip.set(file, { kind: 'unreadable', detail: m.text });
              state.warn({ code: /symbolic links|ELOOP/i.test(m.text) ? 'TESSERA_GRAPH_SYMLINK_LOOP' : 'TESSERA_GRAPH_UNPARSEABLE_FILE', text: `${file}: ${m.text}`, location: { file } });
              progressed = true;
            }
          } else if (loc) {
            const file = rel(loc.file);
            if (!skip.has(file)) {
              skip.set(file, { kind: 'unparseable', detail: `${m.text} (line ${loc.line})` });
              progressed = true;
            }
          }
        }
        if (!progressed) {
          const text = messages.slice(0, 5).map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text)).join('\n  ');
          throw new TesseraError('TESSERA_GRAPH_BUNDLER_FAILED', `esbuild could not analyse the apps:\n  ${text}`, { cause: error });
        }
      }
    }
  }

  const addUnresolved = (from: number, specifier: string) => {
    const importer = state.files[from]!;
    const bases = isBare(specifier) ? (aliasBases(specifier) ?? []) : [posix.normalize(posix.join(posix.dirname(importer), specifier))];
    state.addUnresolved({ file: from, specifier, bases: bases.map((b) => b.replace(/\.(tsx?|jsx?|mjs|cjs|mts|cts)$/, '')) });
    state.warn({ code: 'TESSERA_GRAPH_UNRESOLVED_IMPORT', text: `${importer} imports "${specifier}", which does not resolve`, location: { file: importer } });
  };

  /** What the bundler reads: edges straight from the metafile. */
  function readMetafile(metafile: esbuildTypes.Metafile) {
    const inputPaths = Object.keys(metafile.inputs).filter((p) => !p.includes(':') && p !== ENTRIES_MODULE);
    const readNow = inputPaths.filter((p) => !known.has(p));
    for (const path of readNow) state.reset(state.idOf(path));
    for (const path of readNow) {
      const from = state.idOf(path);
      const recorded = new Set<string>();
      for (const record of metafile.inputs[path]!.imports) {
        const spec = record.original ?? record.path;
        recorded.add(spec);
        if (!record.external) {
          if (!record.path.includes(':')) state.addEdge(from, state.idOf(record.path), KIND[record.kind] ?? 'static');
        } else if (unresolvedPairs.has(`${path}\0${record.path}`)) {
          addUnresolved(from, record.path);
        } else if (record.path.includes('*')) {
          const isMatch = picomatch(posix.normalize(posix.join(posix.dirname(path), record.path)), { dot: true });
          for (const candidate of inputPaths) if (candidate !== path && isMatch(candidate)) state.addEdge(from, state.idOf(candidate), 'glob');
        } else if (/^[a-z][a-z0-9+.-]*:/i.test(record.path) || record.path.startsWith('//')) {
          // URLs stay URLs.
        } else if (isBare(record.path) && !aliasBases(record.path)) {
          if (isInstalled(path, packageNameOf(record.path))) state.addPackage(from, packageNameOf(record.path));
          else addUnresolved(from, record.path);
        } else {
          // An import TypeScript erased (used only as a type): resolve it as the bundler would.
          pending.push({ importer: path, specifier: record.path, kind: 'type' });
        }
      }
      const skipped = skip.get(path);
      if (skipped) {
        if (skipped.kind === 'asset') continue;
        state.addUncertain({ file: from, kind: skipped.kind === 'too-large' ? 'too-large' : 'unparseable', detail: skipped.detail });
        if (skipped.kind === 'unparseable') state.warn({ code: 'TESSERA_GRAPH_UNPARSEABLE_FILE', text: `${path}: ${skipped.detail}`, location: { file: path } });
        if (skipped.kind === 'too-large') state.warn({ code: 'TESSERA_GRAPH_FILE_TOO_LARGE', text: `${path}: ${skipped.detail}`, location: { file: path } });
      }
      if (skipped?.kind !== 'unreadable' && (SOURCE.test(path) || (skipped && CSS.test(path)))) scanText(path, from, recorded, skipped ? 'static' : 'type');
    }
    return inputPaths;
  }

  function scanText(path: string, from: number, recorded: Set<string>, kind: EdgeKind) {
    if (scanned.has(path)) return;
    scanned.add(path);
    let text: string;
    try {
      text = readFileSync(abs(path), 'utf8');
    } catch {
      return;
    }
    const specs = CSS.test(path) ? scanCssSpecifiers(text) : scanSpecifiers(text);
    for (const spec of specs) {
      if (recorded.has(spec) || spec.includes('*') || /^[a-z][a-z0-9+.-]*:/i.test(spec)) continue;
      if (isBare(spec) && !aliasBases(spec)) {
        if (isInstalled(path, packageNameOf(spec))) state.addPackage(from, packageNameOf(spec));
        else addUnresolved(from, spec);
      } else pending.push({ importer: path, specifier: spec, kind });
    }
    if (SOURCE.test(path)) {
      const computed = scanComputedImports(text);
      if (computed.length) {
        state.addUncertain({ file: from, kind: 'computed-import', detail: `${computed[0]}${computed.length > 1 ? ` (+${computed.length - 1} more)` : ''}` });
        state.warn({ code: 'TESSERA_GRAPH_COMPUTED_IMPORT', text: `${path}: ${computed[0]}`, location: { file: path } });
      }
    }
  }

  if (!options.previous) {
    // One synthetic entry importing every app entry (of a batch): the bundler reads each file once
    // and links one output instead of a chunk per lazy route; reachability per app is ours to compute.
    for (let at = 0; at < options.apps.length; at += perBuild) {
      const entries = [...new Set(options.apps.slice(at, at + perBuild).flatMap((a) => a.entries))];
      const read = readMetafile(await bundle({ stdin: entries.map((e) => `import ${JSON.stringify(`./${e}`)};`).join('\n') }));
      // What this build read is in the graph now: later builds load it as a stub, so esbuild
      // neither parses it again nor walks on below it, and holds only the new files in memory.
      for (const path of read) known.add(path);
    }
  } else {
    const modified = options.previous.modified.filter((f) => state.ids.has(f));
    for (const f of modified) state.reset(state.ids.get(f)!);
    const entries = modified.filter((f) => (SOURCE.test(f) || CSS.test(f)) && !skip.has(f));
    if (entries.length) readMetafile(await bundle({ entryPoints: entries }));
  }

  // What the bundler erases: resolve with esbuild's resolver, then follow new files (types reach types).
  const pathsOrigin = createPathsOriginLocator(root);
  // One resolver build for every round: new files reached through types are scanned and resolved in turn.
  if (pending.length) {
    await withEsbuildResolver(root, options.tsconfig, async (resolveAll) => {
      while (pending.length) {
        const batch = pending.splice(0);
        // A path alias resolves alike from every directory under the same tsconfig `paths`:
        // resolve it once per (paths origin, specifier) instead of once per importing directory.
        const results = await resolveAll(batch.map((p) => ({ specifier: p.specifier, importer: abs(p.importer), key: isBare(p.specifier) ? `${pathsOrigin(posix.dirname(p.importer))}\0${p.specifier}` : `${posix.dirname(p.importer)}\0${p.specifier}` })));
        batch.forEach((p, i) => {
          const from = state.idOf(p.importer);
          const r = results[i]!;
          if (r.errors.length > 0 || !r.path) {
            if (!r.external) addUnresolved(from, p.specifier);
            else if (isBare(p.specifier)) state.addPackage(from, packageNameOf(p.specifier));
            return;
          }
          if (r.external) {
            // A path alias whose target is gone falls through to "bare package" in esbuild:
            // for Tessera that is an import that no longer resolves, never an npm package.
            if (isBare(p.specifier) && aliasBases(p.specifier)) addUnresolved(from, p.specifier);
            else if (isBare(r.path)) state.addPackage(from, packageNameOf(r.path));
            return;
          }
          const target = rel(r.path);
          if (target.startsWith('../') || target.includes('node_modules/')) {
            if (target.includes('node_modules/')) state.addPackage(from, packageNameOf(target));
            return;
          }
          const isNew = !state.ids.has(target);
          state.addEdge(from, state.idOf(target), p.kind);
          if (isNew && (SOURCE.test(target) || CSS.test(target))) scanText(target, state.idOf(target), new Set(), 'type');
        });
      }
    });
  }

  return state.toGraph(options.apps);
}
