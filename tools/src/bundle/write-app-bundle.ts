import type * as esbuildTypes from 'esbuild';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
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
  /** Milliseconds spent in esbuild itself, its writes included (the rest is hashing, the shell and the manifest). */
  esbuildMs: number;
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

// Loaded on first use, so commands that never bundle do not pay for esbuild's API, and kept:
// a dynamic import is resolved again on every call (through any loader hooks), even when cached.
let esbuildModule: Promise<typeof esbuildTypes> | undefined;
const loadEsbuild = () => (esbuildModule ??= import('esbuild'));

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
 * and manifest.json (with every file's size, type and SRI). The bundle is put together in a
 * staging directory and moved into place whole, so `outDir` never holds half of one. Nothing
 * is written when esbuild fails; the error carries esbuild's located messages.
 *
 * Its file operations are synchronous: it runs alone in the `tessera bundle` process, and
 * for a few dozen files in the page cache a synchronous call costs a fraction of the CPU of
 * a promise's round trip through the thread pool (the bundle budget is 10% over esbuild).
 */
export async function writeAppBundle(options: WriteAppBundleOptions): Promise<WriteAppBundleResult> {
  const { root, app } = options;
  const esbuild = await loadEsbuild();
  const buildOptions = createBundleOptions(root, app, options.entries);
  // esbuild writes its files itself, as a plain build does (far cheaper than handing them to
  // this process to write), into a fresh directory beside the fixed output directory: at the
  // same depth, so every relative path in the source maps, and so every byte, is the same.
  const target = options.outDir ?? buildOptions.outdir!;
  checkOutDir(target, root);
  removeStaleStaging(dirname(buildOptions.outdir!), app);
  const staging = join(dirname(buildOptions.outdir!), `${stagingPrefix(app)}${randomBytes(4).toString('hex')}`);
  try {
    const started = performance.now();
    let result: esbuildTypes.BuildResult<{ metafile: true }>;
    try {
      result = (await esbuild.build({ ...buildOptions, outdir: staging })) as typeof result;
    } catch (error) {
      const errors = (error as { errors?: esbuildTypes.Message[] }).errors;
      if (!errors) throw error;
      const problems = toProblems(errors);
      const first = problems[0]?.location;
      throw new TesseraError('TESSERA_BUNDLE_FAILED', `esbuild could not bundle app "${app}": ${errors.length} error(s)${first ? `, first at ${first.file}:${first.line}:${first.column}` : ''}`, { problems, cause: error });
    }
    const esbuildMs = performance.now() - started;

    // Lazy routes are entry points to esbuild too; the shell loads only the app's own entries.
    const ownEntries = new Set(options.entries.map((e) => toPosix(relative(root, join(root, e)))));
    const inBundle = (path: string) => toPosix(relative(staging, resolve(root, path)));
    const scripts: string[] = [];
    const styles: string[] = [];
    for (const [path, output] of Object.entries(result.metafile.outputs)) {
      if (!output.entryPoint || !ownEntries.has(output.entryPoint)) continue;
      scripts.push(inBundle(path));
      if (output.cssBundle) styles.push(inBundle(output.cssBundle));
    }
    // Read back from the page cache, just written: cheaper than esbuild sending every byte down
    // its pipe. Synchronously: for files in the page cache one read each costs far less CPU
    // than a promise's open, stat, read and close on the thread pool.
    const outputs = Object.keys(result.metafile.outputs).map((path) => ({ path: inBundle(path), bytes: readFileSync(resolve(root, path)) }));
    const builtAt = (options.now ?? new Date()).toISOString();
    const { shell, manifest } = computeBundleManifest({ app, version: options.version, commit: options.commit, buildId: options.buildId, builtAt, outputs, scripts, styles });
    writeFileSync(join(staging, 'index.html'), shell);
    // Last, once every file it lists is on disk: a manifest is never there without its files.
    writeFileSync(join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await replaceDir(staging, target);
    return { outDir: target, manifest, esbuildMs };
  } finally {
    rmSync(staging, { recursive: true, force: true }); // gone already after a successful move
  }
}

const stagingPrefix = (app: string) => `.${app}-staging-`;
/** A staging directory this old was left by a process that died mid-bundle. */
const STALE_STAGING_MS = 60 * 60 * 1000;

/** Removes staging directories of `app` that a killed bundle left behind. */
function removeStaleStaging(dir: string, app: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(stagingPrefix(app))) continue;
    const info = statSync(join(dir, name), { throwIfNoEntry: false });
    if (info && Date.now() - info.mtimeMs > STALE_STAGING_MS) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * The output directory is replaced whole, so it must be one Tessera may replace: not the
 * workspace or a directory above it, and either absent, empty, or an earlier bundle (it holds
 * a manifest.json). Anything else would be deleted; refuse before building.
 */
export function checkOutDir(target: string, root: string): void {
  const out = resolve(target);
  const workspace = resolve(root);
  const hint = 'Pass --out a new or empty directory, or one an earlier `tessera bundle` wrote (the default is dist/apps/APP).';
  if (workspace === out || workspace.startsWith(out.endsWith(sep) ? out : out + sep)) {
    throw new TesseraError('TESSERA_BUNDLE_OUT_UNSAFE', `The output directory ${out} holds the workspace ${workspace}; writing the bundle there would replace it`, { hint });
  }
  const info = statSync(out, { throwIfNoEntry: false });
  if (!info) return;
  if (!info.isDirectory()) throw new TesseraError('TESSERA_BUNDLE_OUT_UNSAFE', `The output path ${out} is a file, not a directory`, { hint });
  const entries = readdirSync(out);
  if (entries.length && !entries.includes(MANIFEST_FILE)) {
    throw new TesseraError('TESSERA_BUNDLE_OUT_UNSAFE', `The output directory ${out} holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}) and no ${MANIFEST_FILE}: it is not an earlier bundle, and writing there would delete them`, { hint });
  }
}

/** What the shell and the manifest are made from: esbuild's output files and the app's entry outputs. */
export interface BundleManifestInput extends Omit<AssetManifest, 'schema' | 'entries' | 'files'> {
  /** esbuild's output files, paths POSIX and relative to the bundle directory. */
  outputs: readonly { path: string; bytes: Uint8Array }[];
  /** The app's own entry scripts and their CSS bundles, relative to the bundle directory. */
  scripts: readonly string[];
  styles: readonly string[];
}

/**
 * The shell (index.html) and the asset manifest of a bundle. Pure. Every file is hashed
 * once, from the bytes in memory; the shell's SRI attributes reuse the manifest's entries.
 */
export function computeBundleManifest(input: BundleManifestInput): { shell: Buffer; manifest: AssetManifest } {
  const assets = new Map<string, AssetEntry>(input.outputs.map((o) => [o.path, computeAssetEntry(o.path, o.bytes)]));
  const scripts = [...input.scripts].sort();
  const styles = [...input.styles].sort();
  const entry = (path: string) => ({ path, integrity: assets.get(path)!.integrity });
  const shell = Buffer.from(renderShell({ app: input.app, scripts: scripts.map(entry), styles: styles.map(entry) }));
  assets.set('index.html', computeAssetEntry('index.html', shell));
  const manifest: AssetManifest = {
    schema: 1,
    app: input.app,
    version: input.version,
    commit: input.commit,
    buildId: input.buildId,
    builtAt: input.builtAt,
    entries: { html: 'index.html', scripts, styles },
    files: [...assets.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
  return { shell, manifest };
}

/**
 * Moves the directory `from` to `to`, replacing whatever `to` held. It goes beside `to` first
 * (one rename on one file system, else a copy), out of `to`, which may hold `from` (as
 * `--out dist` does), then takes `to`'s place with a rename in the same directory. `from`,
 * when copied, is left for the caller to remove.
 */
export async function replaceDir(from: string, to: string, moveAcross: (from: string, to: string) => Promise<void> = async (a, b) => renameSync(a, b)): Promise<void> {
  mkdirSync(dirname(to), { recursive: true });
  const beside = join(dirname(to), `.${basename(to)}-${randomBytes(4).toString('hex')}`);
  try {
    try {
      await moveAcross(from, beside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await cp(from, beside, { recursive: true, errorOnExist: true, force: false });
    }
    rmSync(to, { recursive: true, force: true });
    renameSync(beside, to);
  } catch (error) {
    rmSync(beside, { recursive: true, force: true });
    throw error;
  }
}
