import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import { type AssetManifest, computeAssetEntry } from './asset-manifest.js';

export interface ReadBuildOutputOptions {
  /** The folder an app's own build wrote (`dist`, `build`, `.next`, …). */
  dir: string;
  app: string;
  version: string;
  commit: string | null;
  buildId: string;
  /** @default new Date() */
  now?: Date;
}

/** Folders of a build output that are the tool's cache, not the app: Next.js `.next/cache`. */
const CACHE_DIRS: Readonly<Record<string, readonly string[]>> = { '.next': ['cache'] };

/** The `src`/`href` of an HTML page's module scripts and stylesheets, in order (a literal read, for the manifest's entries). */
function readShellEntries(html: string): { scripts: string[]; styles: string[] } {
  const local = (url: string) => !/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(url);
  const clean = (url: string) => url.replace(/^\.?\//, '').split(/[?#]/)[0]!;
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["'][^>]*>/gi)].map((m) => m[1]!).filter(local).map(clean);
  const styles = [...html.matchAll(/<link\b[^>]*\brel=["']?stylesheet["']?[^>]*>/gi)].map((m) => /\bhref=["']([^"']+)["']/i.exec(m[0])?.[1]).filter((h): h is string => Boolean(h) && local(h!)).map(clean);
  return { scripts, styles };
}

/**
 * Reads what an app's own build wrote (any folder of static files) as a bundle: every
 * regular file, with its integrity, and an asset manifest naming `index.html` and the scripts
 * and styles it loads as the entries. Symbolic links are left out (a build output is files;
 * a link may point anywhere). An empty or missing folder is TESSERA_BUILD_OUTPUT_NOT_FOUND.
 */
export function readBuildOutput(options: ReadBuildOutputOptions): { manifest: AssetManifest; bodies: Map<string, Buffer> } {
  const { dir } = options;
  const bodies = new Map<string, Buffer>();
  const skip = new Set((CACHE_DIRS[basename(dir)] ?? []).map((d) => d));
  const walk = (abs: string, rel: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (!rel && skip.has(entry.name)) continue;
      if (entry.isDirectory()) walk(join(abs, entry.name), path);
      else if (entry.isFile()) bodies.set(path, readFileSync(join(abs, entry.name)));
    }
  };
  if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TesseraError('TESSERA_BUILD_OUTPUT_NOT_FOUND', `The build of ${options.app} wrote no ${dir}`);
  }
  walk(dir, '');
  if (bodies.size === 0) throw new TesseraError('TESSERA_BUILD_OUTPUT_NOT_FOUND', `The build of ${options.app} left ${dir} empty`);
  const files = [...bodies].map(([path, body]) => computeAssetEntry(path, body)).sort((a, b) => (a.path < b.path ? -1 : 1));
  const html = bodies.has('index.html') ? 'index.html' : '';
  const shell = html ? readShellEntries(bodies.get(html)!.toString('utf8')) : { scripts: [], styles: [] };
  const manifest: AssetManifest = {
    schema: 1, app: options.app, version: options.version, commit: options.commit, buildId: options.buildId, builtAt: (options.now ?? new Date()).toISOString(),
    entries: { html, scripts: shell.scripts.filter((p) => bodies.has(p)), styles: shell.styles.filter((p) => bodies.has(p)) },
    files,
  };
  return { manifest, bodies };
}
