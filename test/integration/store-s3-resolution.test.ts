/**
 * The S3 store resolves region and endpoint as the AWS SDK does: from the environment and the
 * shared config file (a profile's `region` and `endpoint_url`, or its `services` section),
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` honoured, with store.region / store.endpoint as
 * overrides. Asserted on what a server on 127.0.0.1 receives: the region in the Authorization
 * header's credential scope is the one the request was signed for.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../tools/src/store/open-store.js';
import type { StoreSettings } from '../../tools/src/workspace/config.js';

interface Seen {
  server: string;
  path: string;
  /** The region of the SigV4 credential scope: `Credential=AKID/20260101/<region>/s3/aws4_request`. */
  region: string | null;
}

const seen: Seen[] = [];
const servers: Server[] = [];
let dir: string;
const saved = { ...process.env };

/** An S3 stand-in that knows no key: every GET is NoSuchKey, as S3 answers it. */
async function startS3(name: string): Promise<string> {
  const server = createServer((req, res) => {
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\/aws4_request/.exec(String(req.headers.authorization ?? ''));
    seen.push({ server: name, path: (req.url ?? '').replace(/\?.*/, ''), region: scope?.[1] ?? null });
    res.writeHead(404, { 'content-type': 'application/xml', 'x-amz-request-id': 'test' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-aws-config-'));
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, {
    AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true',
  });
});

afterEach(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  seen.length = 0;
  rmSync(dir, { recursive: true, force: true });
});

/** The shared config file: one profile with region and endpoint_url, one using a services section. */
function writeConfig(endpoint: string) {
  writeFileSync(
    join(dir, 'config'),
    [
      '[profile eu]', 'region = eu-west-1', `endpoint_url = ${endpoint}`, '',
      '[profile central]', 'region = eu-central-1', 'services = local-s3', '',
      '[services local-s3]', 's3 =', `  endpoint_url = ${endpoint}`, '',
      '[profile no-region]', `endpoint_url = ${endpoint}`, '',
    ].join('\n'),
  );
  // With AWS_PROFILE set, the SDK takes the profile's credentials, not AWS_ACCESS_KEY_ID.
  writeFileSync(join(dir, 'credentials'), ['eu', 'central', 'no-region'].map((p) => `[${p}]\naws_access_key_id = AKIDTESSERA\naws_secret_access_key = secret\n`).join('\n'));
}

const settings = (extra: Partial<StoreSettings> = {}): StoreSettings => ({ url: 's3://tessera-bucket/bundles', forcePathStyle: true, ...extra });

/** Opens the store, reads a key that is not there, and returns what the server saw. */
async function readThrough(store: Awaited<ReturnType<typeof openStore>>) {
  try {
    expect(await store.get('apps/web/v1/manifest.json')).toBeNull();
  } finally {
    await store.close();
  }
  return seen.at(-1)!;
}

describe('the S3 store signs for the region and calls the endpoint the AWS SDK resolves', () => {
  it("a profile's region and endpoint_url (AWS_PROFILE), where a hand-made default said us-east-1", async () => {
    const endpoint = await startS3('profile');
    writeConfig(endpoint);
    process.env.AWS_PROFILE = 'eu';
    const store = await openStore(dir, settings());
    expect(store.location).toBe(`s3://tessera-bucket/bundles at ${endpoint} (eu-west-1)`);
    expect(await readThrough(store)).toEqual({ server: 'profile', path: '/tessera-bucket/bundles/apps/web/v1/manifest.json', region: 'eu-west-1' });
  });

  it("a profile's services section, and AWS_ENDPOINT_URL_S3 before the file", async () => {
    const fromFile = await startS3('file');
    const fromEnv = await startS3('env');
    writeConfig(fromFile);
    process.env.AWS_PROFILE = 'central';
    expect(await readThrough(await openStore(dir, settings()))).toMatchObject({ server: 'file', region: 'eu-central-1' });
    process.env.AWS_ENDPOINT_URL_S3 = fromEnv;
    expect(await readThrough(await openStore(dir, settings()))).toMatchObject({ server: 'env', region: 'eu-central-1' });
  });

  it('AWS_REGION before the profile; store.region and store.endpoint before both', async () => {
    const fromFile = await startS3('file');
    const configured = await startS3('config');
    writeConfig(fromFile);
    process.env.AWS_PROFILE = 'eu';
    process.env.AWS_REGION = 'us-west-2';
    expect(await readThrough(await openStore(dir, settings()))).toMatchObject({ server: 'file', region: 'us-west-2' });
    const overridden = await openStore(dir, settings({ region: 'ap-south-1', endpoint: configured }));
    expect(overridden.location).toBe(`s3://tessera-bucket/bundles at ${configured} (ap-south-1)`);
    expect(await readThrough(overridden)).toMatchObject({ server: 'config', region: 'ap-south-1' });
  });

  it('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: the endpoint of the file and the environment is not used', async () => {
    const endpoint = await startS3('profile');
    writeConfig(endpoint);
    Object.assign(process.env, { AWS_PROFILE: 'eu', AWS_ENDPOINT_URL_S3: endpoint, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' });
    const store = await openStore(dir, settings());
    // No request: it would go to AWS itself. The store names where it would go instead.
    expect(store.location).toBe("s3://tessera-bucket/bundles at AWS's endpoint for eu-west-1 (eu-west-1)");
    await store.close();
    expect(seen).toEqual([]);
  });

  it('no region anywhere is TESSERA_AWS_REGION_MISSING, before any request, naming store.region', async () => {
    const endpoint = await startS3('profile');
    writeConfig(endpoint);
    process.env.AWS_PROFILE = 'no-region';
    await expect(openStore(dir, settings())).rejects.toMatchObject({ code: 'TESSERA_AWS_REGION_MISSING', message: expect.stringContaining('s3://tessera-bucket/bundles'), hint: expect.stringContaining('store.region') });
    expect(seen).toEqual([]);
  });
});
