/**
 * Tessera as a user gets it: `npm pack`, then `npm ci` of the tarball into a generated npm
 * workspaces monorepo that is not this repository (two Vite-shaped apps, a shared package
 * imported by name, no nx.json), and the installed `tessera` and programmatic API run there.
 *
 * No network: the workspace's lockfile is written from this repository's own (the same
 * run-time dependencies at the same versions), so `npm ci --offline` takes every tarball
 * from the npm cache that installing this repository filled. better-sqlite3's native module
 * is copied from this repository's install instead of compiled again (`--ignore-scripts`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';
import { useTempDirs } from '../support/temp-dirs.js';

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
const tempDir = useTempDirs('pack', 'all');
let repo: TestRepo;
let tarball: string;
let installLog: string;

/** A package-lock.json for the workspace: its own packages, the tarball, and this repository's run-time dependency tree. */
function writeLockfile(dir: string, tgz: string, workspaces: string[]): void {
  const own = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean; resolved?: string; version?: string }> };
  const root = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const packages: Record<string, unknown> = {
    '': { name: root.name, workspaces: root.workspaces, devDependencies: root.devDependencies },
    [`node_modules/${own.name}`]: {
      version: own.version, resolved: root.devDependencies[own.name], integrity: `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`,
      dev: true, license: own.license, dependencies: own.dependencies, bin: own.bin, engines: own.engines,
    },
  };
  for (const ws of workspaces) {
    const manifest = JSON.parse(readFileSync(join(dir, ws, 'package.json'), 'utf8'));
    packages[ws] = { name: manifest.name, version: manifest.version, ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}) };
    packages[`node_modules/${manifest.name}`] = { resolved: ws, link: true };
  }
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || entry.dev || entry.link) continue;
    // npm may leave `resolved` out of a lockfile; without it an offline install would ask the registry where the tarball is.
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const resolved = entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[key] = { ...entry, resolved, dev: true };
  }
  writeFileSync(join(dir, 'package-lock.json'), json({ name: root.name, lockfileVersion: 3, requires: true, packages }));
}

beforeAll(() => {
  // The compiled CLI is there (`npm test` builds it first); prepack's type declarations are made here.
  // Scripts are not run: `prepare` would rebuild tools/dist under the other test files' feet.
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(REPO_ROOT, 'tools/tsconfig.types.json')], { cwd: REPO_ROOT });
  const out = tempDir();
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', out], { cwd: REPO_ROOT, encoding: 'utf8' });
  tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz'))!);

  repo = createEmptyRepo('tessera-adopt-');
  repo.write('package.json', json({ name: 'adopter', private: true, workspaces: ['apps/*', 'packages/*'], devDependencies: { 'tessera-build': `file:${tarball}` } }));
  repo.write('.gitignore', 'node_modules\ndist\n.tessera\n');
  for (const app of ['store', 'blog']) {
    repo.write(`apps/${app}/package.json`, json({ name: app, version: '0.0.0', private: true, type: 'module', scripts: { build: 'node build.mjs' }, ...(app === 'store' ? { dependencies: { '@adopter/ui': '*' } } : {}) }));
    // Its own build, as its bundler would: writes dist/ (no Vite here, the install is offline).
    repo.write(`apps/${app}/build.mjs`, `import { mkdirSync, writeFileSync } from 'node:fs';\nmkdirSync('dist/assets', { recursive: true });\nwriteFileSync('dist/index.html', '<!doctype html><script type="module" src="/assets/${app}.js"></script>');\nwriteFileSync('dist/assets/${app}.js', 'console.log(${JSON.stringify(app)})');\nconsole.log('built ${app}');\n`);
    repo.write(`apps/${app}/index.html`, '<!doctype html><div id="app"></div><script type="module" src="/src/main.ts"></script>\n');
    repo.write(`apps/${app}/src/main.ts`, app === 'store' ? "import { button } from '@adopter/ui';\ndocument.body.append(button('buy'));\n" : "document.title = 'blog';\n");
  }
  repo.write('packages/ui/package.json', json({ name: '@adopter/ui', version: '1.0.0', main: 'dist/index.js', types: 'dist/index.d.ts' }));
  repo.write('packages/ui/src/index.ts', "export const button = (label: string) => Object.assign(document.createElement('button'), { textContent: label });\n");
  writeLockfile(repo.dir, tarball, ['apps/blog', 'apps/store', 'packages/ui']);
  const install = spawnSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: repo.dir, encoding: 'utf8' });
  installLog = `${install.stdout}\n${install.stderr}`;
  if (install.status !== 0) throw new Error(`npm ci failed:\n${installLog}`);
  cpSync(join(REPO_ROOT, 'node_modules/better-sqlite3/build'), join(repo.dir, 'node_modules/better-sqlite3/build'), { recursive: true });
  repo.commit('adopter workspace');
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
