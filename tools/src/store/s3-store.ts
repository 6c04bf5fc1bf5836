import type { S3Client } from '@aws-sdk/client-s3';
import { TesseraError } from '../errors/tessera-error.js';
import type { Store, StoredObject } from './store.js';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing `/` ("" for none). */
  prefix: string;
  /**
   * A custom endpoint (radosgw, MinIO, a VPC endpoint), config `store.endpoint`. @default the
   * AWS SDK's own resolution: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's `endpoint_url`
   * or its `services` section (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), else AWS's
   */
  endpoint?: string;
  /** The region to sign for, config `store.region`. @default the AWS SDK's own resolution: AWS_REGION, else the profile's `region` */
  region?: string;
  /** Path-style URLs (`http://host/bucket/key`), which most S3-compatible servers need. @default false */
  forcePathStyle?: boolean;
  /** Attempts per request, retries included. @default 3 */
  maxAttempts?: number;
  /**
   * Milliseconds a connection may take to open, and a socket may sit idle mid-request, before
   * the request fails (and is retried). For callers that must not hang on a store that drops
   * packets, such as graph snapshot sharing. @default no limit (the SDK's)
   */
  timeoutMs?: { connect: number; idle: number };
}

/** Files at least this large go through the SDK's multipart upload helper. */
const MULTIPART_BYTES = 16 * 1024 * 1024;
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

interface AwsError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  message?: string;
  errors?: unknown[];
}

function isNetworkError(error: unknown): boolean {
  const e = error as AwsError & { cause?: unknown };
  if (NETWORK_ERRORS.has(e?.code ?? '') || NETWORK_ERRORS.has(e?.name ?? '') || e?.name === 'TimeoutError') return true;
  if (Array.isArray(e?.errors)) return e.errors.some(isNetworkError);
  return e?.cause !== undefined && e.cause !== error && isNetworkError(e.cause);
}

/**
 * The S3 store, through the AWS SDK v3. Exclusive creates are `PutObject` with
 * `If-None-Match: *` (HTTP 412 when the key exists); large files use the SDK's upload helper.
 * Checksums are only sent when an operation requires them, which S3-compatible servers
 * such as radosgw need.
 */
export async function createS3Store(options: S3StoreOptions): Promise<Store> {
  const { S3Client, PutObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  // Region, endpoint and credentials are the SDK's to resolve, as a plain S3Client would;
  // only what the config sets is passed.
  const client: S3Client = new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.timeoutMs ? { requestHandler: { connectionTimeout: options.timeoutMs.connect, socketTimeout: options.timeoutMs.idle } } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const where = `s3://${options.bucket}${options.prefix ? `/${options.prefix}` : ''}`;
  let region: string;
  let configured: string | undefined;
  try {
    region = await client.config.region();
    // The endpoint the SDK found in the environment or the shared config file, which every
    // message names. Internal to the SDK, hence the care: without it, messages say "AWS's".
    configured = options.endpoint ? undefined : await client.config.serviceConfiguredEndpoint?.();
  } catch (error) {
    client.destroy();
    if (/Region is missing/i.test((error as Error).message)) {
      throw new TesseraError('TESSERA_AWS_REGION_MISSING', `The S3 store ${where} has no region to sign for: neither store.region, AWS_REGION nor the AWS profile's region is set`, { cause: error });
    }
    throw new TesseraError('TESSERA_STORE_FAILED', `The S3 store ${where}: the AWS SDK could not read its settings: ${(error as Error).message}`, { cause: error, hint: 'Check AWS_PROFILE, AWS_CONFIG_FILE and the profile it names (a `services` section it refers to must exist).' });
  }
  const endpoint = options.endpoint ?? configured ?? `AWS's endpoint for ${region}`;
  const base = options.prefix ? `${options.prefix}/` : '';
  const location = `${where} at ${endpoint} (${region})`;

  const fail = (what: string, error: unknown): TesseraError => {
    const e = error as AwsError;
    if (isNetworkError(error)) {
      return new TesseraError('TESSERA_STORE_UNREACHABLE', `Could not reach the S3 store ${location} to ${what}: ${e.code ?? e.name ?? ''} ${e.message ?? ''}`.trim(), { cause: error });
    }
    if (e?.name === 'NoSuchBucket') {
      return new TesseraError('TESSERA_STORE_FAILED', `The bucket "${options.bucket}" does not exist (${location})`, { cause: error, hint: `Create it (\`aws s3 mb s3://${options.bucket}\`) or fix \`store\` in tessera.config.json.` });
    }
    if (e?.name === 'CredentialsProviderError') {
      return new TesseraError('TESSERA_AWS_CREDENTIALS_MISSING', `No AWS credentials to ${what} in ${location}: ${e.message}`, { cause: error });
    }
    return new TesseraError('TESSERA_STORE_FAILED', `S3 store ${location}: could not ${what}: ${e?.name ?? 'Error'} (HTTP ${e?.$metadata?.httpStatusCode ?? '?'}) ${e?.message ?? ''}`.trim(), { cause: error });
  };
  const status = (error: unknown) => (error as AwsError)?.$metadata?.httpStatusCode;
  const exists = async (fullKey: string): Promise<boolean> => {
    try {
      await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: fullKey }));
      return true;
    } catch (error) {
      if (status(error) === 404) return false;
      throw error;
    }
  };

  return {
    location,
    async putIfAbsent(key, body, headers) {
      const params = { Bucket: options.bucket, Key: base + key, Body: body, ContentType: headers.contentType, CacheControl: headers.cacheControl, IfNoneMatch: '*' };
      // S3 answers 409 when two conditional writes of one key overlap: the other writer wins or
      // fails; ask again until one of them is visible.
      for (let attempt = 0; ; attempt++) {
        try {
          if (body.byteLength >= MULTIPART_BYTES) {
            // S3-compatible servers (radosgw among them) ignore If-None-Match when completing a
            // multipart upload, so ask first. What is left is a race between two uploads of one
            // content-hashed name, i.e. of the same bytes; the manifest, the commit point, is
            // always a single conditional PUT.
            if (await exists(base + key)) return 'exists';
            const { Upload } = await import('@aws-sdk/lib-storage');
            await new Upload({ client, params, queueSize: 4, partSize: 8 * 1024 * 1024, leavePartsOnError: false }).done();
          } else {
            await client.send(new PutObjectCommand(params));
          }
          return 'created';
        } catch (error) {
          if (status(error) === 412 || (error as AwsError).name === 'PreconditionFailed') return 'exists';
          if (status(error) === 409 && attempt < 5) {
            await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
            continue;
          }
          throw fail(`write ${key}`, error);
        }
      }
    },
    async get(key) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: base + key }));
        return Buffer.from(await response.Body!.transformToByteArray());
      } catch (error) {
        if (status(error) === 404 && (error as AwsError).name !== 'NoSuchBucket') return null;
        throw fail(`read ${key}`, error);
      }
    },
    async has(key) {
      try {
        return await exists(base + key);
      } catch (error) {
        throw fail(`read ${key}`, error);
      }
    },
    async listChildren(prefix) {
      const names: string[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: options.bucket, Prefix: base + prefix, Delimiter: '/', ContinuationToken: token }));
          for (const p of page.CommonPrefixes ?? []) if (p.Prefix) names.push(p.Prefix.slice((base + prefix).length).replace(/\/$/, ''));
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        throw fail(`list ${prefix}`, error);
      }
      return names.sort();
    },
    async close() {
      client.destroy();
    },
    async readTagged(key) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: base + key }));
        return { body: Buffer.from(await response.Body!.transformToByteArray()), etag: response.ETag ?? '' };
      } catch (error) {
        if (status(error) === 404 && (error as AwsError).name !== 'NoSuchBucket') return null;
        throw fail(`read ${key}`, error);
      }
    },
    async putIfMatch(key, body, headers, etag) {
      // AWS compares If-Match with the quoted ETag it returns; radosgw (and some other S3
      // servers) only match the bare hex. A 412 on the quoted form is asked once more bare:
      // either way only the current ETag can match, so the swap stays exact.
      const conditions = etag === null ? [{ IfNoneMatch: '*' }] : [{ IfMatch: etag }, ...(etag.startsWith('"') ? [{ IfMatch: etag.replace(/^"|"$/g, '') }] : [])];
      for (const condition of conditions) {
        try {
          await client.send(new PutObjectCommand({ Bucket: options.bucket, Key: base + key, Body: body, ContentType: headers.contentType, CacheControl: headers.cacheControl, ...condition }));
          return true;
        } catch (error) {
          if ((error as AwsError).name === 'NoSuchBucket') throw fail(`write ${key}`, error);
          // 412: the ETag moved; 409: another conditional write of the key is in flight; 404: If-Match on a deleted key.
          if (status(error) === 412) continue;
          if (status(error) === 409 || status(error) === 404) return false;
          throw fail(`write ${key}`, error);
        }
      }
      return false;
    },
    async listObjects(prefix) {
      const objects: StoredObject[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: options.bucket, Prefix: base + prefix, ContinuationToken: token }));
          for (const o of page.Contents ?? []) if (o.Key) objects.push({ key: o.Key.slice(base.length), modifiedAt: o.LastModified?.getTime() ?? 0 });
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        throw fail(`list ${prefix}`, error);
      }
      return objects.sort((a, b) => (a.key < b.key ? -1 : 1));
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: base + key }));
      } catch (error) {
        throw fail(`delete ${key}`, error);
      }
    },
  };
}
