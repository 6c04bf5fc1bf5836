import { describe, expect, it } from 'vitest';
import { type AssetManifest, computeAssetEntry, computeBundleIdentity, computeIntegrity, computeManifestDifferences, computeStoredPath } from '../../../tools/src/bundle/asset-manifest.js';
import { computeCacheControl, computeContentType, IMMUTABLE, NO_CACHE } from '../../../tools/src/bundle/content-types.js';
import { renderShell } from '../../../tools/src/bundle/render-shell.js';

describe('content types and cache policy', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8', NO_CACHE],
    ['manifest.json', 'application/json', NO_CACHE],
    ['main-K3JQ2ZPA.js', 'text/javascript; charset=utf-8', IMMUTABLE],
    ['main-K3JQ2ZPA.js.map', 'application/json', IMMUTABLE],
    ['chunks/browse-7QMR4D2L.css', 'text/css; charset=utf-8', IMMUTABLE],
    ['assets/Inter-ABCDEFGH.woff2', 'font/woff2', IMMUTABLE],
    ['assets/hero-VCLF5KW2.PNG', 'image/png', IMMUTABLE],
    ['assets/logo-BVJY2JVH.svg', 'image/svg+xml', IMMUTABLE],
    ['robots.txt', 'text/plain; charset=utf-8', NO_CACHE],
    ['data-abcdefgh.bin', 'application/octet-stream', NO_CACHE], // lower case: not esbuild's hash
    ['main-K3JQ2ZP.js', 'text/javascript; charset=utf-8', NO_CACHE], // seven characters: not a hash
  ])('%s → %s, %s', (path, type, cache) => {
    expect(computeContentType(path)).toBe(type);
    expect(computeCacheControl(path)).toBe(cache);
  });
});

describe('manifest identity', () => {
  const manifest = (files: Record<string, string>, buildId = 'a'): AssetManifest => ({
    schema: 1, app: 'x', version: 'v', commit: null, buildId, builtAt: `2026-01-01T00:00:0${buildId.length}Z`,
    entries: { html: 'index.html', scripts: [], styles: [] },
    files: Object.entries(files).map(([p, body]) => computeAssetEntry(p, Buffer.from(body))),
  });
  it('ignores the build id, time and file order; sees any byte', () => {
    expect(computeBundleIdentity(manifest({ 'a.js': '1', 'b.js': '2' }, 'one'))).toBe(computeBundleIdentity(manifest({ 'b.js': '2', 'a.js': '1' }, 'other')));
    expect(computeBundleIdentity(manifest({ 'a.js': '1' }))).not.toBe(computeBundleIdentity(manifest({ 'a.js': '2' })));
    expect(computeManifestDifferences(manifest({ 'a.js': '1', 'b.js': '2' }), manifest({ 'a.js': '1', 'b.js': '3', 'c.js': '4' }))).toEqual(['b.js', 'c.js']);
  });
  it('integrity is SRI sha384', () => {
    expect(computeIntegrity(Buffer.from("alert('Hello, world.');"))).toBe('sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO');
  });
});

describe('renderShell', () => {
  it('references styles then the module script, with integrity, relative URLs and escaped names', () => {
    const html = renderShell({ app: 'a<b', scripts: [{ path: 'main-AAAAAAAA.js', integrity: 'sha384-x' }], styles: [{ path: 'main-BBBBBBBB.css', integrity: 'sha384-y' }] });
    expect(html).toContain('<title>a&#60;b</title>');
    expect(html.indexOf('main-BBBBBBBB.css')).toBeLessThan(html.indexOf('main-AAAAAAAA.js'));
    expect(html).toContain('<script type="module" src="./main-AAAAAAAA.js" integrity="sha384-x" crossorigin="anonymous"></script>');
    expect(html).toContain('<link rel="stylesheet" href="./main-BBBBBBBB.css" integrity="sha384-y" crossorigin="anonymous">');
  });
});

describe('computeStoredPath', () => {
  it('keeps a build\'s own manifest.json apart from the asset manifest, one to one', () => {
    expect(computeStoredPath('manifest.json')).toBe('~manifest.json');
    expect(computeStoredPath('~manifest.json')).toBe('~~manifest.json');
    expect(computeStoredPath('assets/manifest.json')).toBe('assets/manifest.json');
    expect(computeStoredPath('main-X.js')).toBe('main-X.js');
    const paths = ['manifest.json', '~manifest.json', '~~manifest.json', 'a', '~a'];
    expect(new Set(paths.map(computeStoredPath)).size).toBe(paths.length);
  });
});
