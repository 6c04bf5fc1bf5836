/**
 * A build that prints its whole environment, plain and base64, and the environment of the
 * process that started it (/proc/$PPID/environ, which holds every secret of the tessera
 * process): through the built CLI, with the service's secrets, AWS keys and a passed token
 * in the CLI's environment. The build sees only what it declares and what is passed by
 * name, and no secret value is left in the stored logs, the report, the runs database or
 * what the CLI prints.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpBuildspec, findSecretLeaks, readTree, SECRETS } from '../support/secret-scan.js';
import { REPO_ROOT, type TestRepo } from '../support/sample-repo.js';
import { createTinyRepo } from '../support/webhook-fixtures.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'tools/bin/tessera.js');

let repo: TestRepo;
afterEach(() => repo?.cleanup());

describe('what a build sees', () => {
  it('only PATH, HOME, the locale, TMPDIR, CI, its own and passed variables; no secret value is stored or printed', async () => {
    expect(existsSync(join(REPO_ROOT, 'tools/dist/run-cli.js')), 'run `node tools/build.mjs` first').toBe(true);
    repo = createTinyRepo();
    repo.write('buildspec.yml', dumpBuildspec());
    repo.write('tessera.config.json', JSON.stringify({ build: { env: { pass: ['NPM_TOKEN'], secret: ['SENTRY_AUTH_TOKEN'] } } }));
    repo.commit('dump the environment');
    const env = { ...process.env, ...SECRETS, UNRELATED_SETTING: 'not-passed', CI: '1' };
    const built = await run(process.execPath, [BIN, 'build', 'alpha', '--json'], { cwd: repo.dir, env });
    const doc = JSON.parse(built.stdout) as { id: string; status: string; jobs: { logFile: string }[] };
    expect(doc.status).toBe('SUCCEEDED');
    const log = repo.read(doc.jobs[0]!.logFile);

    const names = /\tstdout\tNAMES (.*)/.exec(log)![1]!.trim().split(" ");
    expect(names).toEqual(expect.arrayContaining(['PATH', 'HOME', 'CI', 'FROM_SPEC', 'NPM_TOKEN', 'TESSERA_APP', 'TESSERA_VERSION', 'TESSERA_RUN_ID', 'TESSERA_STORE', 'CODEBUILD_SRC_DIR']));
    const unexpected = names.filter((n) => n in SECRETS && n !== 'NPM_TOKEN' || n === 'UNRELATED_SETTING');
    expect(unexpected).toEqual([]);
    // The passed token reached the build (masked in what it printed), and so did the parent's secrets, read through /proc.
    expect(log).toMatch(/NPM \*\*\* \*\*\*/);
    expect(log).toContain('TESSERA_WEBHOOK_SECRET=***');
    expect(log).toContain('AWS_SECRET_ACCESS_KEY=***');

    const shown = await run(process.execPath, [BIN, 'runs', 'show', 'latest', '--json'], { cwd: repo.dir, env });
    const reported = await run(process.execPath, [BIN, 'report', 'latest'], { cwd: repo.dir, env });
    const stored = readTree(join(repo.dir, '.tessera')).filter((f) => !f.path.includes('/cache/'));
    expect(stored.map((f) => f.path)).toEqual(expect.arrayContaining([expect.stringMatching(/\.log$/), expect.stringMatching(/reports\/.*\.html$/), expect.stringMatching(/-logs\/0000\.js$/), expect.stringMatching(/tessera\.db/)]));
    const leaks = [
      ...stored.flatMap((f) => findSecretLeaks(f.text, SECRETS, f.path)),
      ...findSecretLeaks(built.stdout + built.stderr, SECRETS, 'tessera build output'),
      ...findSecretLeaks(shown.stdout, SECRETS, 'tessera runs show'),
      ...findSecretLeaks(reported.stdout + reported.stderr, SECRETS, 'tessera report'),
    ];
    expect(leaks).toEqual([]);
    // The scan can fail: the unmasked dump of the parent holds every secret.
    expect(findSecretLeaks(Object.entries(SECRETS).map(([k, v]) => `${k}=${v}`).join('\n'), SECRETS, 'x')).toHaveLength(Object.keys(SECRETS).length);
  });
});
