import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';
import { useTempDirs } from '../support/temp-dirs.js';

const BIN = join(REPO_ROOT, 'tools/bin/tessera.js');
const HOOK = join(REPO_ROOT, 'test/support/trace-loads/register.mjs');
const tempDir = useTempDirs('tessera-loads-');

let repo: TestRepo;
beforeAll(() => {
  repo = createSampleRepo();
  repo.write('buildspec.yml', readFileSync(join(REPO_ROOT, 'buildspec.yml'), 'utf8'));
  repo.commit('buildspec');
});
afterAll(() => repo.cleanup());

/** Runs the built CLI in the sample repo and returns its exit code and the module URLs it resolved. */
function readLoadedModules(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string; urls: string[] } {
  const trace = join(tempDir(), 'loads.txt');
  const result = spawnSync(process.execPath, ['--import', HOOK, BIN, ...args], { cwd: repo.dir, env: { ...process.env, ...env, TESSERA_TRACE_LOADS: trace }, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr, urls: existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [] };
}

const aws = (urls: string[]) => urls.filter((u) => /\/@aws-sdk\/|\/@smithy\//.test(u));

describe('commands load only what they use', () => {
  it('the trace sees the modules a command loads (a check of the check)', () => {
    expect(readLoadedModules(['affected', '--files', 'libs/formatting/src/dates.ts', '--json']).urls.some((u) => u.includes('/node_modules/picocolors/'))).toBe(true);
    // `versions` on an S3 store loads the S3 client (and fails: nothing listens on port 9).
    const s3 = readLoadedModules(['versions', 'catalog', '--store', 's3://tessera-no-such-bucket'], { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' });
    expect(aws(s3.urls).length).toBeGreaterThan(0);
  });

  it.each([
    ['--version'],
    ['affected', '--files', 'libs/formatting/src/dates.ts', '--json'],
    ['build', '--affected', '--files', 'libs/formatting/src/dates.ts', '--dry-run', '--json'],
    ['versions', 'catalog'],
    ['bundle', '--help'],
    ['runs', 'list'],
  ])('tessera %s loads no AWS SDK', (...args) => {
    const { status, stderr, urls } = readLoadedModules(args);
    expect({ status, stderr: status ? stderr : '' }).toEqual({ status: 0, stderr: '' });
    expect(aws(urls)).toEqual([]);
  });
});
