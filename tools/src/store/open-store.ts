import { isAbsolute, resolve } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import type { StoreSettings } from '../workspace/config.js';
import { createFsStore } from './fs-store.js';
import type { S3StoreOptions } from './s3-store.js';
import type { Store } from './store.js';

/** A store URL, parsed: a directory, or a bucket and key prefix. */
export type StoreTarget = { kind: 'fs'; dir: string } | { kind: 's3'; bucket: string; prefix: string };

/**
 * Parses `store` (from tessera.config.json or TESSERA_STORE): `s3://bucket/prefix`, else a
 * directory (relative to the workspace). Pure.
 */
export function parseStoreUrl(url: string, root: string): StoreTarget {
  if (/^s3:\/\//i.test(url)) {
    const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
    if (!match) throw new TesseraError('TESSERA_CONFIG_INVALID', `store ${JSON.stringify(url)} is not a valid S3 URL`, { hint: 'Write it as s3://bucket or s3://bucket/prefix (bucket names: 3 to 63 lower-case letters, digits, dots and hyphens).' });
    return { kind: 's3', bucket: match[1]!, prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, '') };
  }
  const dir = url.replace(/^file:\/\//, '');
  return { kind: 'fs', dir: isAbsolute(dir) ? dir : resolve(root, dir) };
}

/**
 * The store of a workspace: `settings.url` (or `override`, from --store / TESSERA_STORE) as a
 * directory or an S3 bucket. An S3 store's region, endpoint and credentials are the AWS SDK's
 * own resolution (environment, shared config and credentials files), with `store.region` and
 * `store.endpoint` as overrides: the SDK reads process.env itself, so there is no env to pass.
 */
export async function openStore(root: string, settings: StoreSettings, override?: string, client: OpenStoreOptions = {}): Promise<Store> {
  const target = parseStoreUrl(override ?? settings.url, root);
  if (target.kind === 'fs') return createFsStore(target.dir);
  const { createS3Store } = await import('./s3-store.js');
  return createS3Store({ bucket: target.bucket, prefix: target.prefix, endpoint: settings.endpoint, region: settings.region, forcePathStyle: settings.forcePathStyle, ...client });
}

/** How an S3 store's client retries and gives up (S3StoreOptions); the directory store ignores them. */
export type OpenStoreOptions = Pick<S3StoreOptions, 'maxAttempts' | 'timeoutMs'>;

/**
 * The store URL as a build job must see it: a directory made absolute (a job runs in its
 * own worktree, where a relative path would name another directory), an S3 URL unchanged.
 */
export function resolveStoreUrl(root: string, url: string): string {
  const target = parseStoreUrl(url, root);
  return target.kind === 'fs' ? target.dir : url;
}
