import type { BuildOptions, Loader } from 'esbuild';

/** Loaders for files apps import besides code, CSS and JSON; shared by analysis and bundling so both resolve alike. */
export const ASSET_LOADERS: Record<string, Loader> = Object.fromEntries(
  ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.avif', '.svg', '.ico', '.bmp', '.woff', '.woff2', '.ttf', '.otf', '.eot', '.mp3', '.mp4', '.webm', '.wav', '.pdf'].map((ext) => [ext, 'file' as Loader]),
);

/**
 * The esbuild options that decide how imports resolve. The graph analysis and the app
 * bundles both start from these, so "an input of the app" means exactly "a file esbuild
 * would read to bundle the app".
 */
export function createResolveOptions(root: string): BuildOptions {
  return {
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    jsx: 'automatic',
    loader: { ...ASSET_LOADERS, '.txt': 'text', '.md': 'text' },
    logLevel: 'silent',
  };
}
