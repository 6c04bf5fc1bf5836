import { posix } from 'node:path';

/** Content types of the files a bundle holds, by extension; anything else is served as bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.bmp': 'image/bmp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.eot': 'application/vnd.ms-fontobject',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.pdf': 'application/pdf',
};

/** Cache-Control of a file whose name carries its content hash: it can never change. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Cache-Control of the shell and the manifests: always revalidated, so a release is seen at once. */
export const NO_CACHE = 'no-cache';

/** esbuild's `[hash]`: eight characters of base32 before the extension, e.g. `main-K3JQ2ZPA.js`. */
const HASHED = /-[A-Z2-7]{8}\.[A-Za-z0-9]+(\.map)?$/;

/** The Content-Type a bundle file is served with. */
export function computeContentType(path: string): string {
  return CONTENT_TYPES[posix.extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The Cache-Control a bundle file is served with: content-hashed names forever, everything
 * else (index.html, manifest.json) revalidated on every load.
 */
export function computeCacheControl(path: string): string {
  return HASHED.test(posix.basename(path)) ? IMMUTABLE : NO_CACHE;
}
