import type * as esbuildTypes from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import { createResolveOptions } from './bundler-options.js';
import { CSS, SOURCE, createAnalysisContext } from './analysis-context.js';
import { classifyEsbuildMessage } from './classify-esbuild-message.js';
import { createEsbuildService, type EsbuildService } from './create-esbuild-service.js';
import type { FileGraph } from './file-graph.js';
import { ENTRIES_MODULE, readMetafile } from './read-metafile.js';
import { readTypeOnlyImports } from './read-type-imports.js';
import { walkImports } from './walk-imports.js';
import { createReleasePinCheck, createWorkspacePackagePlugin, type WorkspacePackage } from './resolve-workspace-package.js';

export interface AnalyzeAppsOptions {
  /** Absolute directory of the tree to analyse (the workspace, or a worktree of another revision). */
  root: string;
  apps: { name: string; entries: string[] }[];
  /** Source files (workspace-relative) larger than the parse limit: read as text, not parsed. */
  largeFiles: readonly string[];
  /** The parse limit itself: the parser engine checks each file it reads against it (largeFiles may then be empty). @default none */
  maxFileBytes?: number;
  /** The tree's files as git lists them, for the parser engine's first try at relative imports (see ImportResolverOptions.files). @default none */
  files?: { regular: readonly string[]; unsure: readonly string[] };
  /** tsconfig path aliases: pattern → workspace-relative targets (`*` allowed once). */
  aliases: Record<string, string[]>;
  /** One tsconfig for every file (see readSharedTsconfig), or undefined to let esbuild pick per file. */
  tsconfig?: string;
  /**
   * Update this graph instead of analysing from scratch: `modified` files are read again
   * (those that changed content, and those whose imports may resolve elsewhere now, see
   * plan-graph-update.ts); `deleted` files lose their imports (the caller drops them from the
   * graph). Nothing that steers resolution was reconfigured.
   */
  previous?: { graph: FileGraph; modified: string[]; deleted?: readonly string[] };
  /** Apps bundled per esbuild build (see planAppsPerBuild). @default all apps in one build */
  appsPerBuild?: number;
  /**
   * Absolute directory given to the analysis's esbuild builds as `outdir`: under the
   * workspace's cache directory (`<cacheDir>/graph-out`), never inside the tree analysed.
   * Nothing is written there (`write: false`), but esbuild needs one to lay out outputs.
   */
  outdir: string;
  /** Workspace packages by package name: imports of them are followed into their source (see resolve-workspace-package.ts). @default none */
  workspacePackages?: readonly WorkspacePackage[];
  /**
   * How the graph is built. `parser`: each reachable file read and parsed once, its imports
   * resolved with esbuild's rules (walk-imports.ts); an import those rules do not resolve is
   * still asked of esbuild's resolver. `bundler`: every app bundled by esbuild and its
   * metafile read (the reference the parser engine is tested against).
   * @default 'parser'
   */
  engine?: GraphEngine;
  /** Worker threads the parser engine reads with beside the main thread, for a full analysis (see planGraphThreads). @default 0 */
  threads?: number;
}

/** Below this many parseable files a worker's start-up (its own parser and resolver) costs more than it saves. */
export const THREADED_MIN_FILES = 4_000;

/**
 * Worker threads for the parser engine's full analysis: one per core beyond the main
 * thread's (at most 3), for a workspace of THREADED_MIN_FILES parseable files or more.
 * TESSERA_GRAPH_THREADS sets the number (0: the main thread alone).
 */
export function planGraphThreads(sourceFileCount: number, cores: number, env: Readonly<Record<string, string | undefined>>): number {
  const value = env.TESSERA_GRAPH_THREADS?.trim() ?? '';
  if (value !== '') {
    if (!/^\d+$/.test(value) || Number(value) > 16) throw new TesseraError('TESSERA_USAGE', `TESSERA_GRAPH_THREADS must be a whole number from 0 to 16; received "${value}"`, { hint: 'Unset TESSERA_GRAPH_THREADS to let Tessera choose from the cores and the workspace size, or set 0 to read on the main thread alone.' });
    return Number(value);
  }
  return sourceFileCount >= THREADED_MIN_FILES ? Math.max(0, Math.min(3, cores - 1)) : 0;
}

/** The two ways analyzeApps builds the graph (see AnalyzeAppsOptions.engine). */
export type GraphEngine = 'parser' | 'bundler';

/**
 * The engine TESSERA_GRAPH_ENGINE asks for (`parser`, the default, or `bundler`, to compare
 * with or to fall back on).
 */
export function resolveGraphEngine(env: Readonly<Record<string, string | undefined>>): GraphEngine {
  const value = env.TESSERA_GRAPH_ENGINE?.trim() ?? '';
  if (value === '' || value === 'parser') return 'parser';
  if (value === 'bundler') return 'bundler';
  throw new TesseraError('TESSERA_USAGE', `TESSERA_GRAPH_ENGINE must be parser or bundler; received "${value}"`, { hint: 'Unset TESSERA_GRAPH_ENGINE for the parser engine (the default), or set it to bundler to build the graph from esbuild bundles of every app.' });
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

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

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
 *
 * The builds run in an esbuild service of the analysis's own, started with the Go settings
 * of GO_MEMORY_BUDGET and stopped at the end (see createEsbuildService).
 */
export async function analyzeApps(options: AnalyzeAppsOptions): Promise<FileGraph> {
  const perBuild = Math.max(1, options.appsPerBuild ?? options.apps.length);
  const engine = options.engine ?? 'parser';
  const goMemoryLimit = engine === 'bundler' && !options.previous && perBuild < options.apps.length ? GO_MEMORY_BUDGET.batched : GO_MEMORY_BUDGET.single;
  // Started on first use: the parser engine may need no build at all.
  let started: EsbuildService | undefined;
  const esbuild: EsbuildService = {
    build: ((buildOptions: esbuildTypes.BuildOptions) => (started ??= createEsbuildService({ goMemoryLimit })).build(buildOptions)) as EsbuildService['build'],
    stop: async () => started?.stop(),
  };
  try {
    return await analyzeWith(esbuild, options, perBuild, engine);
  } finally {
    await esbuild.stop();
  }
}

async function analyzeWith(esbuild: EsbuildService, options: AnalyzeAppsOptions, perBuild: number, engine: GraphEngine): Promise<FileGraph> {
  const { root, outdir } = options;
  const context = createAnalysisContext(options);
  const { abs, rel, state, skip, unresolvedPairs, known } = context;
  // tsconfig `paths` come first in esbuild's own resolution: an aliased name is left to it.
  const workspacePlugin = createWorkspacePackagePlugin(options.workspacePackages ?? [], (spec) => context.resolveWorkspacePackage(spec), (spec) => Boolean(context.aliasBases(spec)), createReleasePinCheck(root, options.workspacePackages ?? []));

  const moduleTypes = new Map<string, boolean>();
  /** Whether the package a directory belongs to says `"type": "module"` (nearest package.json; memoised). */
  const isModulePackage = (dir: string): boolean => {
    const cached = moduleTypes.get(dir);
    if (cached !== undefined) return cached;
    let result = false;
    const manifest = posix.join(dir, 'package.json');
    const text = existsSync(manifest) ? readFileSync(manifest, 'utf8') : null;
    if (text !== null) {
      try {
        result = (JSON.parse(text) as { type?: unknown }).type === 'module';
      } catch {
        result = false;
      }
    } else if (posix.dirname(dir) !== dir && dir !== root) result = isModulePackage(posix.dirname(dir));
    moduleTypes.set(dir, result);
    return result;
  };
  const isEsModule = (path: string) => /\.m[jt]s$/.test(path) || (/\.[jt]sx?$/.test(path) && isModulePackage(posix.dirname(path)));

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
          // `./app.css?url`, `./icon.svg?raw`: a bundler's query names how to load the file, not
          // another file. esbuild drops it for relative paths only; tsconfig aliases and workspace
          // packages (`~/styles.css?url`) resolve here without it.
          build.onResolve({ filter: /[?#]/ }, async (args) => {
            if ((args.pluginData as { unsuffixed?: boolean } | undefined)?.unsuffixed) return undefined;
            const at = args.path.search(/[?#]/);
            if (at <= 0) return undefined;
            const found = await build.resolve(args.path.slice(0, at), { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { unsuffixed: true } });
            return found.errors.length ? undefined : { path: found.path, external: found.external, namespace: found.namespace };
          });
          // A root-absolute url() in CSS (`/fonts/a.woff2`) names a file the app serves from its public folder, not a module.
          build.onResolve({ filter: /^\// }, (args) => (args.kind === 'url-token' ? { path: args.path, external: true } : undefined));
          if (specs.length) {
            build.onResolve({ filter: new RegExp(`^(${specs.map(escapeRe).join('|')})$`) }, (args) =>
              unresolvedPairs.has(`${rel(args.importer)}\0${args.path}`) ? { path: args.path, external: true } : undefined,
            );
          }
          if (known.size && !unstubbed.has('')) {
            // An update reads only modified files and files never read before; every other file is
            // already in the graph, so it is answered with an empty stub and esbuild reads no further.
            // An ES module (`.mjs`, or a `.js`/`.ts` in a `"type": "module"` package) is read for real:
            // esbuild takes a CommonJS stub there for an ES module too, and then its imports of it fail.
            build.onLoad({ filter: /.*/ }, (args) => (isStubbed(rel(args.path)) && !isEsModule(args.path) ? stubFor(args.path) : undefined));
          }
        },
      };
      try {
        const source =
          'stdin' in input
            ? { stdin: { contents: input.stdin, resolveDir: root, sourcefile: ENTRIES_MODULE, loader: 'js' as const } }
            : { entryPoints: input.entryPoints.map(abs) };
        const result = await esbuild.build({ ...createResolveOptions(root), ...source, ...(options.tsconfig ? { tsconfig: options.tsconfig } : {}), write: false, metafile: true, outdir, packages: 'external', plugins: [plugin, workspacePlugin] });
        return result.metafile;
      } catch (error) {
        const messages = (error as { errors?: esbuildTypes.Message[] }).errors;
        if (!messages || pass > 8) throw new TesseraError('TESSERA_GRAPH_BUNDLER_FAILED', `esbuild failed: ${(error as Error).message}`, { cause: error });
        let progressed = false;
        // The build these messages come from had stubs or not; what this loop unstubs is for the next pass.
        const stubsActive = known.size > 0 && !unstubbed.has('');
        for (const m of messages) {
          const found = classifyEsbuildMessage(m, stubsActive);
          if (found.kind === 'load-folder') {
            // A barrel's `export *` of a stubbed file can leave a name unexported, which is the stub's
            // doing, not the code's: load the barrel's folder for real, then everything, before
            // blaming the importer.
            const dir = posix.dirname(rel(found.file));
            unstubbed.add(unstubbed.has(dir) || dir === '.' ? '' : dir);
            progressed = true;
          } else if (found.kind === 'unresolved') {
            const key = `${rel(found.importer)}\0${found.specifier}`;
            if (!unresolvedPairs.has(key)) (unresolvedPairs.set(key, rel(found.importer)), (progressed = true));
          } else if (found.kind === 'skip') {
            const file = rel(found.file);
            if (file && !skip.has(file)) {
              skip.set(file, found.skip);
              if (found.warning) state.warn({ code: found.warning, text: `${file}: ${found.skip.detail}`, location: { file } });
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

  // A deleted file imports nothing any more, and nothing reaches it: it stays known, so it is never read.
  for (const f of options.previous?.deleted ?? []) if (state.ids.has(f)) state.reset(state.ids.get(f)!);
  if (engine === 'parser') {
    const modified = options.previous ? options.previous.modified.filter((f) => state.ids.has(f)) : [];
    const start = options.previous ? modified : [...new Set(options.apps.flatMap((a) => a.entries))];
    const threads = options.previous ? 0 : (options.threads ?? 0);
    await walkImports(context, { start, tsconfig: options.tsconfig, aliases: options.aliases, workspacePackages: options.workspacePackages ?? [], threads, maxFileBytes: options.maxFileBytes, files: options.files });
  } else if (!options.previous) {
    state.forgetGlobs();
    // One synthetic entry importing every app entry (of a batch): the bundler reads each file once
    // and links one output instead of a chunk per lazy route; reachability per app is ours to compute.
    for (let at = 0; at < options.apps.length; at += perBuild) {
      const entries = [...new Set(options.apps.slice(at, at + perBuild).flatMap((a) => a.entries))];
      const read = readMetafile(context, await bundle({ stdin: entries.map((e) => `import ${JSON.stringify(`./${e}`)};`).join('\n') }));
      // What this build read is in the graph now: later builds load it as a stub, so esbuild
      // neither parses it again nor walks on below it, and holds only the new files in memory.
      for (const path of read) known.add(path);
    }
  } else {
    state.forgetGlobs();
    const modified = options.previous.modified.filter((f) => state.ids.has(f));
    for (const f of modified) state.reset(state.ids.get(f)!);
    const entries = modified.filter((f) => (SOURCE.test(f) || CSS.test(f)) && !skip.has(f));
    if (entries.length) readMetafile(context, await bundle({ entryPoints: entries }));
  }

  // What the bundler erases: resolved with esbuild's resolver, following new files (types reach types).
  await readTypeOnlyImports(context, { esbuild, tsconfig: options.tsconfig, outdir, plugins: [workspacePlugin] });
  context.warnNotInstalled();

  return state.toGraph(options.apps);
}
