import type * as esbuildTypes from 'esbuild';
import { writeFile } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { TesseraError, type Problem } from '../errors/tessera-error.js';
import { createResolveOptions } from '../graph/bundler-options.js';
import { type AssetEntry, type AssetManifest, computeAssetEntry, MANIFEST_FILE } from './asset-manifest.js';
import { renderShell } from './render-shell.js';

export interface WriteAppBundleOptions {
  /** The workspace (or job worktree) to build from. */
  root: string;
  app: string;
  /** Entry files, workspace-relative. */
  entries: string[];
  /** Where to write the bundle; emptied first. @default `<root>/dist/apps/<app>` */
  outDir?: string;
  version: string;
  commit: string | null;
  buildId: string;
  /** @default new Date() */
  now?: Date;
}

export interface WriteAppBundleResult {
  outDir: string;
  manifest: AssetManifest;
  /** Milliseconds spent in esbuild itself (the rest is hashing and writing). */
  esbuildMs: number;
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

// Loaded on first use, so commands that never bundle do not pay for esbuild's API, and kept:
// a dynamic import is resolved again on every call (through any loader hooks), even when cached.
let esbuildModule: Promise<typeof esbuildTypes> | undefined;
const loadEsbuild = () => (esbuildModule ??= import('esbuild'));

// The callback writeFile: a bundle is many small files, and fs/promises' writeFile costs a
// FileHandle and more promise round trips per file (about a quarter more CPU measured here).
const writeFileBytes = promisify(writeFile);

/**
 * The esbuild options of a production bundle: the graph's resolution options (so the
 * bundle reads exactly the files the version hashes) plus ESM code splitting for lazy
 * routes, minification, linked source maps and content-hashed names.
 */
export function createBundleOptions(root: string, app: string, entries: string[]): esbuildTypes.BuildOptions {
  return {
    ...createResolveOptions(root),
    entryPoints: entries.map((e) => join(root, e)),
    // A fixed output directory inside the tree: paths in source maps are relative to it,
    // so where the files are finally written (--out) cannot change a byte of them.
    outdir: join(root, 'dist', 'apps', app),
    splitting: true,
    minify: true,
    sourcemap: 'linked',
    target: 'es2020',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    charset: 'utf8',
    // Job worktrees reach packages through a link to the workspace's node_modules. Following
    // it would put the link target's location (which differs per checkout) into chunk hashes;
    // keeping the linked path makes a bundle byte-identical wherever the commit is checked out.
    preserveSymlinks: true,
    metafile: true,
    write: false,
  };
}

/** esbuild's located messages as Tessera problems (file:line:column, esbuild's numbering). */
export function toProblems(messages: readonly esbuildTypes.Message[]): Problem[] {
  return messages.map((m) => ({
    text: m.text + (m.notes.length ? ` (${m.notes.map((n) => n.text).join('; ')})` : ''),
    ...(m.location ? { location: { file: m.location.file, line: m.location.line, column: m.location.column } } : {}),
  }));
}

/**
 * Builds one app for production and writes it to `outDir`: the hashed files, index.html
 * and manifest.json (last, with every file's size, type and SRI). Nothing is written when
 * esbuild fails; the error carries esbuild's located messages.
 */
export async function writeAppBundle(options: WriteAppBundleOptions): Promise<WriteAppBundleResult> {
  const { root, app } = options;
  const esbuild = await loadEsbuild();
  const buildOptions = createBundleOptions(root, app, options.entries);
  const outdir = buildOptions.outdir!;
  const started = performance.now();
  let result: esbuildTypes.BuildResult<{ write: false; metafile: true }>;
  try {
    result = (await esbuild.build(buildOptions)) as typeof result;
  } catch (error) {
    const errors = (error as { errors?: esbuildTypes.Message[] }).errors;
    if (!errors) throw error;
    const problems = toProblems(errors);
    const first = problems[0]?.location;
    throw new TesseraError('TESSERA_BUNDLE_FAILED', `esbuild could not bundle app "${app}": ${errors.length} error(s)${first ? `, first at ${first.file}:${first.line}:${first.column}` : ''}`, { problems, cause: error });
  }
  const esbuildMs = performance.now() - started;

  // Hashed once, from esbuild's bytes in memory: the shell and the manifest share the entries.
  const files = new Map<string, Uint8Array>();
  const assets = new Map<string, AssetEntry>();
  for (const file of result.outputFiles) {
    const path = toPosix(relative(outdir, file.path));
    files.set(path, file.contents);
    assets.set(path, computeAssetEntry(path, file.contents));
  }
  const scripts: string[] = [];
  const styles: string[] = [];
  // Lazy routes are entry points to esbuild too; the shell loads only the app's own entries.
  const ownEntries = new Set(options.entries.map((e) => toPosix(relative(root, join(root, e)))));
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    if (!output.entryPoint || !ownEntries.has(output.entryPoint)) continue;
    const rel = toPosix(relative(outdir, resolve(root, path)));
    scripts.push(rel);
    if (output.cssBundle) styles.push(toPosix(relative(outdir, resolve(root, output.cssBundle))));
  }
  scripts.sort();
  styles.sort();
  const entry = (path: string) => ({ path, integrity: assets.get(path)!.integrity });
  const shell = Buffer.from(renderShell({ app, scripts: scripts.map(entry), styles: styles.map(entry) }));
  files.set('index.html', shell);
  assets.set('index.html', computeAssetEntry('index.html', shell));

  const manifest: AssetManifest = {
    schema: 1,
    app,
    version: options.version,
    commit: options.commit,
    buildId: options.buildId,
    builtAt: (options.now ?? new Date()).toISOString(),
    entries: { html: 'index.html', scripts, styles },
    files: [...assets.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
  };

  const target = options.outDir ?? outdir;
  await writeFiles(target, files);
  // Last, once every file it lists is on disk: a manifest is never there without its files.
  await writeFileBytes(join(target, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return { outDir: target, manifest, esbuildMs };
}

/**
 * Empties `dir` and writes `files` (POSIX paths inside it) there: one mkdir per directory,
 * then every file at once, as esbuild writes its own.
 */
async function writeFiles(dir: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  const dirs = new Set([dir]);
  for (const path of files.keys()) dirs.add(dirname(join(dir, path)));
  for (const d of dirs) await mkdir(d, { recursive: true });
  await Promise.all([...files].map(([path, bytes]) => writeFileBytes(join(dir, path), bytes)));
}
