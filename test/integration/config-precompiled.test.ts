/**
 * The built CLI validates tessera.config.json with the validator tools/build.mjs compiled ahead of
 * time (ajv standalone), not by compiling the schema at start-up; it must report exactly what
 * validateConfig reports from the sources, where ajv compiles the schema.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../tools/src/workspace/config.js';
import { createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

let repo: TestRepo;
beforeAll(() => {
  repo = createSampleRepo();
});
afterAll(() => repo.cleanup());

const CONFIGS: unknown[] = [
  { timeoutMinutes: 'x' },
  { cacheDir: '', unknownKey: 1 },
  { apps: { catalog: { computeType: 'huge', route: 'no-slash', output: '../outside' } } },
  { build: { buildspec: true, env: { pass: ['1BAD'] } } },
  { store: { url: 's3://b', forcePathStyle: 'yes' }, release: { retention: 'soon' } },
  { apps: { catalog: { entry: [] } }, projects: { include: 'x' } },
];

describe('the built CLI validates the config with the precompiled validator', () => {
  it('is bundled into the CLI', () => {
    const dist = join(REPO_ROOT, 'tools/dist');
    const texts = [...readdirSync(dist).filter((f) => f.endsWith('.js')).map((f) => join(dist, f)), ...readdirSync(join(dist, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => join(dist, 'chunks', f))].map((f) => readFileSync(f, 'utf8'));
    // ajv standalone code names its functions validate<N>; the runtime compiler is never called for the config.
    expect(texts.some((t) => /function validate\d+\(data, \{ *instancePath/.test(t) && t.includes('"timeoutMinutes"'))).toBe(true);
  });

  it.each(CONFIGS.map((c) => [JSON.stringify(c), c]))('reports what the sources report for %s', (_name, config) => {
    repo.write('tessera.config.json', JSON.stringify(config));
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'tools/bin/tessera.js'), 'affected', '--files', 'libs/formatting/src/dates.ts', '--json'], { cwd: repo.dir, encoding: 'utf8' });
    expect(run.status).toBe(2);
    const reported = (JSON.parse(run.stdout) as { error: { problems: { text: string }[] } }).error.problems.map((p) => p.text);
    expect(reported).toEqual(validateConfig(config, 'tessera.config.json').errors.map((p) => p.text));
    expect(reported.length).toBeGreaterThan(0);
  });
});
