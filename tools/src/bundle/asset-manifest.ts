import { hash } from 'node:crypto';
import { computeCacheControl, computeContentType } from './content-types.js';

/** The manifest's file name, in a bundle directory and in the store (written last: the commit point). */
export const MANIFEST_FILE = 'manifest.json';

/**
 * The key, under its version's prefix, a bundle file is stored at: its path, except that
 * `manifest.json` (a web app manifest, which many builds write) would be the asset manifest's
 * own key, so it and every path starting with `~` gain a leading `~` (one-to-one; bundles
 * `tessera bundle` writes never have either).
 */
export function computeStoredPath(path: string): string {
  return path === MANIFEST_FILE || path.startsWith('~') ? `~${path}` : path;
}

/** One file of a bundle, as the manifest lists it. */
export interface AssetEntry {
  /** Path inside the bundle, POSIX, e.g. `chunks/browse-K3JQ2ZPA.js`. */
  path: string;
  size: number;
  contentType: string;
  cacheControl: string;
  /** Subresource Integrity of the bytes: `sha384-<base64>`. */
  integrity: string;
}

/** The asset manifest of one app bundle: what `tessera publish` uploads and `tessera versions` lists. */
export interface AssetManifest {
  schema: 1;
  app: string;
  /** Content address of the app's build inputs (TESSERA_VERSION). */
  version: string;
  /** The git commit the bundle was built from (null outside a repository). */
  commit: string | null;
  /** The build that produced it: CodeBuild's id, `local:<run>:<app>`, or `cli:<random>`. */
  buildId: string;
  /** ISO-8601 time the bundle was written. */
  builtAt: string;
  /** The files a page needs first: the shell and the entry script and styles it references. */
  entries: { html: string; scripts: string[]; styles: string[] };
  /** Every file of the bundle except the manifest itself, sorted by path. */
  files: AssetEntry[];
}

/** SRI integrity (sha384) of some bytes, as a browser checks it: one one-shot digest, no Hash object. */
export function computeIntegrity(bytes: Uint8Array): string {
  return `sha384-${hash('sha384', bytes, 'base64')}`;
}

/** One manifest entry for a file's bytes. */
export function computeAssetEntry(path: string, bytes: Uint8Array): AssetEntry {
  return { path, size: bytes.byteLength, contentType: computeContentType(path), cacheControl: computeCacheControl(path), integrity: computeIntegrity(bytes) };
}

/**
 * What makes two bundles "the same content": the app, the version, the entries and every
 * file's path and integrity. The build id and time are left out on purpose: publishing the
 * same bytes from another build is a no-op, not a conflict.
 */
export function computeBundleIdentity(manifest: AssetManifest): string {
  return JSON.stringify({
    app: manifest.app,
    version: manifest.version,
    entries: manifest.entries,
    files: [...manifest.files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => [f.path, f.size, f.integrity]),
  });
}

/** Paths in `a` and `b` whose content differs, or that only one has: for conflict messages. */
export function computeManifestDifferences(a: AssetManifest, b: AssetManifest): string[] {
  const byPath = new Map(a.files.map((f) => [f.path, f.integrity]));
  const other = new Map(b.files.map((f) => [f.path, f.integrity]));
  const paths = new Set([...byPath.keys(), ...other.keys()]);
  return [...paths].filter((p) => byPath.get(p) !== other.get(p)).sort();
}

/** Checks that parsed JSON has the shape of an asset manifest (a store may hold anything). */
export function isAssetManifest(value: unknown): value is AssetManifest {
  const m = value as AssetManifest;
  return Boolean(m) && m.schema === 1 && typeof m.app === 'string' && typeof m.version === 'string' && Array.isArray(m.files) && typeof m.entries === 'object' && m.entries !== null;
}
