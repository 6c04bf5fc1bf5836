import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../tools/src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { createEmptyRepo, createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

interface Job { app: string; status: string; version: string; logFile: string | null; error: string | null }

async function build(args: string[], env: Record<string, string> = {}) {
  const io = captureIo(repo.dir, env);
  const code = await main(['build', ...args, '--json'], io);
  const doc = JSON.parse(io.out() || 'null') as { jobs: Job[]; status: string } | null;
  const logs = (doc?.jobs ?? []).filter((j) => j.status !== 'SUCCEEDED' && j.logFile && existsSync(join(repo.dir, j.logFile))).map((j) => `${j.app}:\n${repo.read(j.logFile!).slice(-2500)}`).join('\n');
  return { code, err: io.err(), doc: doc!, logs };
}

/** A build script as a package's own tool would be: writes its output folder (a web manifest included). */
const BUILD_SCRIPT = (out: string, marker: string) => `import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
const shared = readFileSync(new URL('../../packages/ui/src/index.js', import.meta.url), 'utf8');
mkdirSync('${out}/assets', { recursive: true });
writeFileSync('${out}/index.html', '<!doctype html><link rel="stylesheet" href="/assets/app.css"><script type="module" src="/assets/app.js"></script>');
writeFileSync('${out}/assets/app.js', ${JSON.stringify(`console.log("${marker}");`)} + shared);
writeFileSync('${out}/assets/app.css', 'body{}');
writeFileSync('${out}/manifest.json', JSON.stringify({ name: '${marker}', display: 'standalone' }));
`;

/** npm workspaces, no nx.json and no buildspec: two apps with their own build scripts (one scoped), a shared package, an app nothing builds. */
function createOwnBuildRepo(): TestRepo {
  const r = createEmptyRepo();
  r.write('package.json', JSON.stringify({ name: 'shop', private: true, workspaces: ['apps/*', 'packages/*'] }, null, 2));
  r.write('.gitignore', 'node_modules\n.tessera\ndist\nbuild\n');
  r.write('packages/ui/package.json', JSON.stringify({ name: '@shop/ui', version: '1.0.0', main: 'src/index.js' }));
  r.write('packages/ui/src/index.js', 'export const button = "ui";\n');
  r.write('apps/web/package.json', JSON.stringify({ name: '@shop/web', private: true, type: 'module', scripts: { build: 'node build.mjs' }, dependencies: { '@shop/ui': '*' }, devDependencies: { vite: '^6.0.0' } }));
  r.write('apps/web/index.html', '<script type="module" src="/src/main.js"></script>');
  r.write('apps/web/src/main.js', 'import { button } from "@shop/ui";\nconsole.log(button);\n');
  r.write('apps/web/build.mjs', BUILD_SCRIPT('dist', 'web'));
  r.write('apps/admin/package.json', JSON.stringify({ name: 'admin', private: true, type: 'module', scripts: { build: 'node build.mjs' }, devDependencies: { vite: '^6.0.0' } }));
  r.write('apps/admin/index.html', '<script type="module" src="/src/main.js"></script>');
  r.write('apps/admin/src/main.js', 'console.log("admin");\n');
  // Writes build/, which only the conventional fallbacks name.
  r.write('apps/admin/build.mjs', BUILD_SCRIPT('build', 'admin'));
  r.write('apps/legacy/package.json', JSON.stringify({ name: 'legacy', private: true, scripts: { start: 'vite' }, devDependencies: { vite: '^6.0.0' } }));
  r.write('apps/legacy/index.html', '<script type="module" src="/src/main.js"></script>');
  r.write('apps/legacy/src/main.js', 'console.log("legacy");\n');
  r.commit('workspace');
  // Installed, as a workspace that builds is (the scripts need nothing from it): builds link it rather than run npm ci.
  r.write('node_modules/.package-lock.json', '{}');
  return r;
}

describe('tessera build runs each app\'s own build when there is no buildspec', () => {
  it('runs the package build scripts, publishes the folders they write as the versions, and fails only the app nothing builds', async () => {
    repo = createOwnBuildRepo();
    const run = await build(['@shop/web', 'admin', 'legacy']);
    expect(run.code, run.err + run.logs).toBe(1);
    const byApp = Object.fromEntries(run.doc.jobs.map((j) => [j.app, j]));
    expect(byApp['@shop/web']!.status, run.logs).toBe('SUCCEEDED');
    expect(byApp.admin!.status, run.logs).toBe('SUCCEEDED');
    expect(byApp.legacy).toMatchObject({ status: 'FAILED', logFile: null });
    expect(byApp.legacy!.error).toMatch(/Nothing builds app "legacy".*TESSERA_APP_BUILD_UNKNOWN/);

    const web = byApp['@shop/web']!;
    expect(repo.read(web.logFile!)).toMatch(/Building @shop\/web: cd apps\/web && npm run build/);
    const prefix = `.tessera/store/apps/@shop+web/${web.version}`;
    const manifest = JSON.parse(repo.read(`${prefix}/manifest.json`));
    expect(manifest).toMatchObject({ app: '@shop/web', version: web.version, entries: { html: 'index.html', scripts: ['assets/app.js'], styles: ['assets/app.css'] } });
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(['assets/app.css', 'assets/app.js', 'index.html', 'manifest.json']);
    // The build's own web manifest is kept apart from the asset manifest.
    expect(JSON.parse(repo.read(`${prefix}/~manifest.json`))).toEqual({ name: 'web', display: 'standalone' });
    expect(repo.read(`${prefix}/assets/app.js`)).toContain('console.log("web");export const button = "ui";');
    expect(existsSync(join(repo.dir, `.tessera/store/apps/admin/${byApp.admin!.version}/index.html`))).toBe(true);

    // Served through the edge as any bundle is: `tessera versions` lists it.
    const io = captureIo(repo.dir);
    expect(await main(['versions', '@shop/web', '--json'], io), io.err()).toBe(0);
    expect(JSON.parse(io.out()).versions.map((v: { version: string }) => v.version)).toEqual([web.version]);

    // Unchanged inputs are not built again; a change to the shared package rebuilds only the app that imports it.
    const again = await build(['@shop/web', 'admin']);
    expect(again.doc.jobs.map((j) => j.status)).toEqual(['CACHED', 'CACHED']);
    repo.write('packages/ui/src/index.js', 'export const button = "ui v2";\n');
    repo.commit('ui v2');
    const third = await build(['@shop/web', 'admin']);
    expect(Object.fromEntries(third.doc.jobs.map((j) => [j.app, j.status]))).toEqual({ '@shop/web': 'SUCCEEDED', admin: 'CACHED' });
  });

  it('a build that writes none of its output folders fails, and names where it looked', async () => {
    repo = createOwnBuildRepo();
    repo.write('apps/admin/build.mjs', 'console.log("wrote nothing");\n');
    repo.commit('admin writes nothing');
    const run = await build(['admin']);
    expect(run.code).toBe(1);
    expect(run.doc.jobs[0]!.status).toBe('FAILED');
    expect(repo.read(run.doc.jobs[0]!.logFile!)).toMatch(/The build of admin wrote none of apps\/admin\/dist, apps\/admin\/build, apps\/admin\/out, apps\/admin\/.next/);
  });

  it('apps.<name>.build and .output in tessera.config.json override what the workspace declares', async () => {
    repo = createOwnBuildRepo();
    repo.write('tessera.config.json', JSON.stringify({ apps: { legacy: { build: 'mkdir -p site && echo "<h1>legacy</h1>" > site/index.html', output: 'site' } } }));
    repo.commit('configure legacy');
    const run = await build(['legacy']);
    expect(run.code, run.logs).toBe(0);
    expect(repo.read(`.tessera/store/apps/legacy/${run.doc.jobs[0]!.version}/index.html`)).toBe('<h1>legacy</h1>\n');
  });
});

describe('the sample workspace builds both ways', () => {
  it('--buildspec none runs the apps\' Nx build targets through nx run, and the version differs from the buildspec\'s', async () => {
    repo = createSampleRepo();
    symlinkSync(join(REPO_ROOT, 'tools'), join(repo.dir, 'tools'), 'dir');
    repo.commit('tools');
    const own = await build(['catalog', '--buildspec', 'none']);
    expect(own.code, own.err + own.logs).toBe(0);
    const job = own.doc.jobs[0]!;
    // Nx colours its output on CI; the words are what matter here.
    const log = repo.read(job.logFile!).replace(/\x1b\[[0-9;]*m/g, '');
    expect(log).toMatch(/Building catalog: npx nx run catalog:build/);
    expect(log).toMatch(/Successfully ran target build for project catalog/);
    const manifest = JSON.parse(readFileSync(join(repo.dir, `.tessera/store/apps/catalog/${job.version}/manifest.json`), 'utf8'));
    expect(manifest.entries.html).toBe('index.html');
    // With the workspace's buildspec.yml, the default is that buildspec: another build, another version.
    repo.write('buildspec.yml', readFileSync(join(REPO_ROOT, 'buildspec.yml'), 'utf8'));
    repo.commit('buildspec');
    const planned = await build(['catalog', '--dry-run']);
    expect(planned.doc.jobs[0]!.version).not.toBe(job.version);
  });
});

describe('each app\'s own build on CodeBuild', () => {
  it('starts every build with the generated buildspec as buildspecOverride, and the build publishes what the app\'s script wrote', async () => {
    const { mkdirSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { vi } = await import('vitest');
    const { startCodeBuildServer } = await import('../support/codebuild-server/server.js');
    const { runBuild } = await import('../../tools/src/pipelines/run-build.js');
    repo = createOwnBuildRepo();
    // The workspace has Tessera installed, as `npx tessera` in the buildspec expects.
    const modules = mkdtempSync(join(tmpdir(), 'tessera-own-nm-'));
    mkdirSync(join(modules, '.bin'));
    symlinkSync(join(REPO_ROOT, 'tools/bin/tessera.js'), join(modules, '.bin/tessera'));
    const server = await startCodeBuildServer({ projects: [{ name: 'tessera', sourceDir: repo.dir, nodeModulesDir: modules }] });
    // The executor's SDK clients find the server the way they find AWS: through the environment.
    vi.stubEnv('AWS_ENDPOINT_URL', server.url);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    try {
      const result = await runBuild({ root: repo.dir, apps: ['@shop/web'], executor: 'codebuild', buildspec: false, allowLocalStore: true, trigger: 'test', signal: new AbortController().signal });
      const job = result.run.jobs[0]!;
      expect(job.status, job.logFile ? repo.read(job.logFile).slice(-3000) : '').toBe('SUCCEEDED');
      expect(repo.read(job.logFile!)).toContain('Building @shop/web: cd apps/web && npm run build');
      const stored = JSON.parse(repo.read(`.tessera/store/apps/@shop+web/${job.version}/manifest.json`));
      expect(stored.buildId).toBe(job.buildId); // published from inside the CodeBuild build
      // The version is the same as the local executor plans for the same inputs.
      const local = await runBuild({ root: repo.dir, apps: ['@shop/web'], executor: 'local', buildspec: false, dryRun: true, trigger: 'test', signal: new AbortController().signal });
      expect(local.plan[0]!.version).toBe(job.version);
    } finally {
      vi.unstubAllEnvs();
      await server.close();
      rmSync(modules, { recursive: true, force: true });
    }
  });
});
