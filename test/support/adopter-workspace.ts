/**
 * A monorepo that is not this repository, with Tessera installed from its packed tarball the way
 * a user installs it: two apps with their own build scripts and index.html entries, a shared
 * package imported by name, no nx.json, no buildspec (npm workspaces).
 *
 * No network: the workspace's lockfile is written from this repository's own (the same
 * run-time dependencies at the same versions), so `npm ci --offline` takes every tarball
 * from the npm cache that installing this repository filled. better-sqlite3's native module
 * is copied from this repository's install instead of compiled again (`--ignore-scripts`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyRepo, REPO_ROOT, type TestRepo } from './sample-repo.js';

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

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

/**
 * Packs Tessera as `npm pack` does for a release (type declarations built first; scripts not run:
 * `prepare` would rebuild tools/dist under other tests' feet) into `dir`; returns the tarball.
 */
export function packTessera(dir: string): string {
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(REPO_ROOT, 'tools/tsconfig.types.json')], { cwd: REPO_ROOT });
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8' });
  return join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
}

/** The adopter workspace, committed, not installed yet. */
export function createAdopterWorkspace(tarball: string): TestRepo {
  const repo = createEmptyRepo('tessera-adopt-');
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
  repo.commit('adopter workspace');
  return repo;
}

/** `npm ci --offline` of the workspace, scripts off, better-sqlite3's native module copied in; returns npm's output. */
export function installAdopterWorkspace(dir: string): string {
  const install = spawnSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  const log = `${install.stdout}\n${install.stderr}`;
  if (install.status !== 0) throw new Error(`npm ci failed:\n${log}`);
  cpSync(join(REPO_ROOT, 'node_modules/better-sqlite3/build'), join(dir, 'node_modules/better-sqlite3/build'), { recursive: true });
  return log;
}

/** A temporary directory for a tarball. */
export const createPackDir = () => mkdtempSync(join(tmpdir(), 'tessera-pack-'));
