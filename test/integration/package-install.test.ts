/**
 * Tessera as a user gets it: `npm pack`, then `npm ci` of the tarball into a generated npm
 * workspaces monorepo that is not this repository (test/support/adopter-workspace.ts), where
 * the installed `tessera` runs `init`, `affected` and `build`, and the programmatic API answers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdopterWorkspace, installAdopterWorkspace, packTessera } from '../support/adopter-workspace.js';
import type { TestRepo } from '../support/sample-repo.js';
import { useTempDirs } from '../support/temp-dirs.js';

const tempDir = useTempDirs('pack', 'all');
let repo: TestRepo;
let tarball: string;
let installLog: string;

beforeAll(() => {
  // The compiled CLI is there (`npm test` builds it first); prepack's type declarations are made here.
  tarball = packTessera(tempDir());
  repo = createAdopterWorkspace(tarball);
  installLog = installAdopterWorkspace(repo.dir);
  repo.write('packages/ui/src/index.ts', "export const button = (label: string) => Object.assign(document.createElement('button'), { textContent: label, type: 'button' });\n");
  repo.commit('ui: buttons do not submit');
}, 120_000);
afterAll(() => repo?.cleanup());

describe('the packed package, installed into another monorepo', () => {
  it('installs offline with no engine warnings, and ships its dist, types and config schema but no source maps', () => {
    expect(installLog).not.toContain('EBADENGINE');
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/tools/bin/tessera.js', 'package/tools/dist/run-cli.js', 'package/tools/dist/api.js', 'package/tools/types/pipelines/api.d.ts', 'package/tools/dist/tessera.config.schema.json']));
    expect(files.filter((f) => f.endsWith('.map') || f.includes('/src/') || f.startsWith('package/test/'))).toEqual([]);
  });

  it('runs `tessera affected` from node_modules/.bin: the app that imports the shared package by name', () => {
    const out = execFileSync(join(repo.dir, 'node_modules/.bin/tessera'), ['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json'], { cwd: repo.dir, encoding: 'utf8' });
    const doc = JSON.parse(out);
    expect(doc.apps.map((a: { name: string }) => a.name)).toEqual(['store']);
    expect(doc.apps[0].reasons[0].chain).toEqual(['apps/store/src/main.ts', 'packages/ui/src/index.ts']);
  });

  it('`tessera init` finds both apps with their own builds and writes the config, a buildspec and a workflow', () => {
    const run = spawnSync(join(repo.dir, 'node_modules/.bin/tessera'), ['init'], { cwd: repo.dir, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/2 app\(s\), npm workspace/);
    expect(run.stderr).toMatch(/store\s+-\s+cd apps\/store && npm run build\s+apps\/store\/dist\s+file/);
    expect(run.stderr).toMatch(/create\s+tessera\.config\.json/);
    expect(JSON.parse(repo.read('tessera.config.json')).$schema).toBe('./node_modules/tessera-build/tools/dist/tessera.config.schema.json');
    expect(readFileSync(join(repo.dir, JSON.parse(repo.read('tessera.config.json')).$schema), 'utf8')).toContain('"properties"');
    expect(repo.read('buildspec.yml')).toContain('eval "$TESSERA_BUILD_COMMAND"');
    expect(repo.read('.github/workflows/tessera.yml')).toContain('npx tessera affected --base "$base" --head HEAD --format matrix');
    repo.commit('tessera init');
    // Run again, nothing is replaced.
    const again = spawnSync(join(repo.dir, 'node_modules/.bin/tessera'), ['init'], { cwd: repo.dir, encoding: 'utf8' });
    expect(again.stderr).toMatch(/keep\s+buildspec\.yml/);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  // From here on HEAD is `tessera init`'s commit (a new config and buildspec affect every app): the ui change is HEAD~1.
  it('`tessera build --affected` builds only the app the change touches, with its own script, and publishes what it wrote', () => {
    const run = spawnSync(join(repo.dir, 'node_modules/.bin/tessera'), ['build', '--affected', '--base', 'HEAD~2', '--head', 'HEAD~1', '--json'], { cwd: repo.dir, encoding: 'utf8' });
    const doc = JSON.parse(run.stdout);
    expect(run.status, `${run.stderr}\n${doc.jobs.map((j: { logFile: string }) => j.logFile && repo.read(j.logFile)).join('\n')}`).toBe(0);
    expect(doc.jobs.map((j: { app: string; status: string }) => [j.app, j.status])).toEqual([['store', 'SUCCEEDED']]);
    const log = repo.read(doc.jobs[0].logFile);
    expect(log).toContain('Building store: cd apps/store && npm run build');
    expect(log).toContain('built store');
    const stored = `.tessera/store/apps/store/${doc.jobs[0].version}`;
    expect(JSON.parse(repo.read(`${stored}/manifest.json`))).toMatchObject({ app: 'store', entries: { html: 'index.html', scripts: ['assets/store.js'] } });
    expect(repo.read(`${stored}/assets/store.js`)).toBe('console.log("store")');
  });

  it('answers through the programmatic API, and the schema names every config key', () => {
    const script = "import { readAffected, TesseraError } from 'tessera-build'; const r = await readAffected({ root: process.cwd(), base: 'HEAD~2', head: 'HEAD~1' }); console.log(JSON.stringify({ apps: r.apps.map((a) => a.name), error: typeof TesseraError }));";
    expect(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo.dir, encoding: 'utf8' }))).toEqual({ apps: ['store'], error: 'function' });
    const schema = JSON.parse(readFileSync(join(repo.dir, 'node_modules/tessera-build/tools/dist/tessera.config.schema.json'), 'utf8'));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['cacheDir', 'apps', 'projects', 'store', 'release', 'webhook']));
  });
});
