import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../tools/src/cli/main.js';
import { readStoredManifest } from '../../tools/src/store/publish-bundle.js';
import { createS3Store } from '../../tools/src/store/s3-store.js';
import { captureIo } from '../support/capture-io.js';
import { useRadosgw } from '../support/radosgw/use-radosgw.js';
import { createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

const rgw = useRadosgw();
let repo: TestRepo;
afterEach(() => {
  repo?.cleanup();
  delete process.env.AWS_ENDPOINT_URL_S3;
});

describe('tessera build with an s3:// store (radosgw)', () => {
  it('publishes to the bucket from the job, and a rerun skips the app', async () => {
    // Not named after the access key ("tessera" on the test radosgw): the passed key's value is masked in the log.
    const bucket = await rgw.createBucket('bundles-test');
    repo = createSampleRepo();
    const buildspec = readFileSync(join(REPO_ROOT, 'buildspec.yml'), 'utf8').replace(/ {2}pre_build:\n {4}commands:\n( {6}- .*\n)+/, '');
    repo.write('buildspec.yml', buildspec);
    // A job inherits no credentials: the user passes them by name (their values are masked in its log).
    repo.write('tessera.config.json', JSON.stringify({ store: { url: `s3://${bucket}/bundles`, forcePathStyle: true }, build: { env: { pass: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] } } }));
    symlinkSync(join(REPO_ROOT, 'tools'), join(repo.dir, 'tools'), 'dir');
    repo.commit('s3 store');
    // The endpoint comes from the environment, as in CI; tessera build hands it to the jobs with the store's URL.
    const env = { AWS_ENDPOINT_URL_S3: rgw.endpoint, AWS_ACCESS_KEY_ID: rgw.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey };
    // The service's own S3 client resolves its endpoint as the AWS SDK does, from the process's environment.
    process.env.AWS_ENDPOINT_URL_S3 = rgw.endpoint;
    const run = async () => {
      const io = captureIo(repo.dir, env);
      const code = await main(['build', 'course-page', '--json'], io);
      const doc = JSON.parse(io.out());
      return { code, doc, log: doc.jobs[0].logFile ? repo.read(doc.jobs[0].logFile) : '' };
    };
    const first = await run();
    expect(first.code, first.log.slice(-3000)).toBe(0);
    const job = first.doc.jobs[0];
    expect(first.log).toContain(`s3://${bucket}/bundles at ${rgw.endpoint}`);
    expect(first.log).not.toContain(rgw.secretAccessKey);
    const store = await createS3Store({ bucket, prefix: 'bundles', endpoint: rgw.endpoint, forcePathStyle: true });
    expect(await readStoredManifest(store, 'course-page', job.version)).toMatchObject({ app: 'course-page', version: job.version });
    await store.close();

    const second = await run();
    expect(second.doc.jobs[0]).toMatchObject({ status: 'CACHED', version: job.version });

    const io = captureIo(repo.dir, { AWS_ENDPOINT_URL_S3: rgw.endpoint });
    expect(await main(['versions', 'course-page', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out()).versions.map((v: { version: string }) => v.version)).toEqual([job.version]);
  });

  it('an unreachable store stops the build before anything runs, naming the endpoint', async () => {
    repo = createSampleRepo();
    repo.write('buildspec.yml', 'version: 0.2\nphases:\n  build:\n    commands:\n      - "true"\n');
    repo.write('tessera.config.json', JSON.stringify({ store: { url: 's3://tessera-unreachable', endpoint: 'http://127.0.0.1:9', forcePathStyle: true } }));
    repo.commit('unreachable store');
    const io = captureIo(repo.dir);
    expect(await main(['build', 'profile'], io)).toBe(2);
    expect(io.err()).toContain('TESSERA_STORE_UNREACHABLE');
    expect(io.err()).toContain('http://127.0.0.1:9');
  });
});
