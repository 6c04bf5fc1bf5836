import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createS3Store } from '../../tools/src/store/s3-store.js';
import { publishBundle } from '../../tools/src/store/publish-bundle.js';
import { isTesseraError } from '../../tools/src/errors/tessera-error.js';
import { makeBundleDir, sampleFiles } from '../support/bundle-fixture.js';
import { describeStoreContract } from '../support/store-contract.js';
import { useRadosgw } from '../support/radosgw/use-radosgw.js';

const rgw = useRadosgw();

describeStoreContract('S3 (radosgw)', async () => {
  const bucket = await rgw.createBucket();
  return async () => createS3Store({ bucket, prefix: 'bundles', endpoint: rgw.endpoint, forcePathStyle: true });
});

describe('S3 store on radosgw', () => {
  it('stores each object with its content type and cache policy, under the prefix', async () => {
    const bucket = await rgw.createBucket();
    const store = await createS3Store({ bucket, prefix: 'web/prod', endpoint: rgw.endpoint, forcePathStyle: true });
    const { dir, manifest } = makeBundleDir('catalog', 'abc123', sampleFiles('headers'));
    await publishBundle({ store, dir });
    const s3 = rgw.client();
    const head = async (key: string) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `web/prod/apps/catalog/abc123/${key}` }));
    const js = manifest.files.find((f) => /^main-.*\.js$/.test(f.path))!;
    expect(await head(js.path)).toMatchObject({ ContentType: 'text/javascript; charset=utf-8', CacheControl: 'public, max-age=31536000, immutable' });
    expect(await head('index.html')).toMatchObject({ ContentType: 'text/html; charset=utf-8', CacheControl: 'no-cache' });
    expect(await head('manifest.json')).toMatchObject({ ContentType: 'application/json', CacheControl: 'no-cache' });
    const png = manifest.files.find((f) => f.path.endsWith('.png'))!;
    expect((await head(png.path)).ContentType).toBe('image/png');
    const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'web/prod/apps/catalog/abc123/manifest.json' }))).Body!.transformToString();
    expect(JSON.parse(body).version).toBe('abc123');
    s3.destroy();
    await store.close();
  });

  it('uploads a large file through the multipart helper', async () => {
    const bucket = await rgw.createBucket();
    const store = await createS3Store({ bucket, prefix: '', endpoint: rgw.endpoint, forcePathStyle: true });
    const big = Buffer.alloc(17 * 1024 * 1024, 7);
    const { dir } = makeBundleDir('media', 'big1', { ...sampleFiles('big'), 'assets/video-QQQQQQQQ.mp4': big });
    expect((await publishBundle({ store, dir })).status).toBe('published');
    const stored = await store.get('apps/media/big1/assets/video-QQQQQQQQ.mp4');
    expect(stored?.equals(big)).toBe(true);
    // The multipart path is an exclusive create too.
    const other = Buffer.alloc(17 * 1024 * 1024, 8);
    expect(await store.putIfAbsent('apps/media/big1/assets/video-QQQQQQQQ.mp4', other, { contentType: 'video/mp4', cacheControl: 'no-cache' })).toBe('exists');
    expect((await store.get('apps/media/big1/assets/video-QQQQQQQQ.mp4'))?.equals(big)).toBe(true);
    await store.close();
  });

  it('an unreachable endpoint is a coded error that names it', async () => {
    const store = await createS3Store({ bucket: 'nowhere', prefix: '', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, maxAttempts: 1 });
    const error = await store.get('apps/x/v/manifest.json').catch((e: unknown) => e);
    expect(isTesseraError(error) && error.code).toBe('TESSERA_STORE_UNREACHABLE');
    expect((error as Error).message).toContain('http://127.0.0.1:9');
    await store.close();
  });

  it('a missing bucket is a coded error with a hint', async () => {
    const store = await createS3Store({ bucket: 'tessera-no-such-bucket', prefix: '', endpoint: rgw.endpoint, forcePathStyle: true });
    const error = await store.get('apps/x/v/manifest.json').catch((e: unknown) => e);
    expect(isTesseraError(error) && error.code, String(error)).toBe('TESSERA_STORE_FAILED');
    expect((error as Error).message).toContain('tessera-no-such-bucket');
    await store.close();
  });
});
