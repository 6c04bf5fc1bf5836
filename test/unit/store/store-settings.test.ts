import { describe, expect, it } from 'vitest';
import { parseStoreUrl, resolveStoreUrl } from '../../../tools/src/store/open-store.js';
import { assertSafeFilePath, assertSafeName, computeVersionPrefix } from '../../../tools/src/store/store.js';
import { validateConfig } from '../../../tools/src/workspace/config.js';

describe('store URLs', () => {
  it.each([
    ['s3://bundles', { kind: 's3', bucket: 'bundles', prefix: '' }],
    ['s3://web.bundles/prod/eu/', { kind: 's3', bucket: 'web.bundles', prefix: 'prod/eu' }],
    ['.tessera/store', { kind: 'fs', dir: '/ws/.tessera/store' }],
    ['/var/bundles', { kind: 'fs', dir: '/var/bundles' }],
    ['file:///var/bundles', { kind: 'fs', dir: '/var/bundles' }],
  ])('%s', (url, target) => expect(parseStoreUrl(url, '/ws')).toEqual(target));
  it('refuses an S3 URL without a valid bucket', () => {
    for (const url of ['s3://', 's3://A_B', 's3://x']) expect(() => parseStoreUrl(url, '/ws'), url).toThrow(expect.objectContaining({ code: 'TESSERA_CONFIG_INVALID' }));
  });
  it('makes a directory absolute for jobs and leaves S3 alone', () => {
    expect(resolveStoreUrl('/ws', '.tessera/store')).toBe('/ws/.tessera/store');
    expect(resolveStoreUrl('/ws', 's3://b-1/p')).toBe('s3://b-1/p');
  });
});

describe('names safe as paths', () => {
  it.each(['catalog', 'course-page', 'f26f23bbd6fbc4f4a372', 'v1.2.3_rc'])('accepts %s', (name) => expect(() => assertSafeName('app', name)).not.toThrow());
  it.each(['', '.', '..', '../x', 'a/b', 'a\\b', 'a b', 'x'.repeat(129), 'é', 'a\0b'])('refuses %j', (name) => expect(() => assertSafeName('version', name)).toThrow(expect.objectContaining({ code: 'TESSERA_UNSAFE_NAME' })));
  it('checks bundle file paths segment by segment', () => {
    expect(() => assertSafeFilePath('chunks/route-ABCDEFGH.js')).not.toThrow();
    expect(() => assertSafeFilePath('assets/@font+x~1-ABCDEFGH.woff2')).not.toThrow();
    for (const bad of ['../x.js', '/etc/passwd', 'a//b.js', 'a/./b.js', '']) expect(() => assertSafeFilePath(bad), bad).toThrow(expect.objectContaining({ code: 'TESSERA_UNSAFE_NAME' }));
    expect(computeVersionPrefix('catalog', 'abc')).toBe('apps/catalog/abc/');
  });
});

describe('the store key in tessera.config.json', () => {
  it('defaults under cacheDir, takes a URL or an object, and reports bad shapes by key', () => {
    expect(validateConfig({}).config!.store).toEqual({ url: '.tessera/store', forcePathStyle: false });
    expect(validateConfig({ cacheDir: '.cache' }).config!.store.url).toBe('.cache/store');
    expect(validateConfig({ store: 's3://b-1/p' }).config!.store).toEqual({ url: 's3://b-1/p', forcePathStyle: false });
    expect(validateConfig({ store: { url: 's3://b-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true } }).config!.store).toEqual({ url: 's3://b-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true });
    const { errors } = validateConfig({ store: { url: 's3://b-1', endpoint: 'ftp://x', bucket: 'y' } });
    expect(errors.map((e) => e.location?.key)).toEqual(expect.arrayContaining(['store.endpoint', 'store.bucket']));
  });
});

describe('computeAppSegment', () => {
  it('stores a scoped package\'s app under one safe segment, and refuses names that could escape', async () => {
    const { computeAppSegment, computeVersionPrefix } = await import('../../../tools/src/store/store.js');
    expect(computeAppSegment('@acme/web')).toBe('@acme+web');
    expect(computeAppSegment('catalog')).toBe('catalog');
    expect(computeVersionPrefix('@acme/web', 'abc123')).toBe('apps/@acme+web/abc123/');
    for (const bad of ['a/b/c', '', 'a b', '..', '.', 'a\\b', '../../x', '../x', 'a/b', '@acme/..', '@../x']) expect(() => computeAppSegment(bad), bad).toThrow(/not safe/);
  });
});
