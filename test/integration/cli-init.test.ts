import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../tools/src/cli/main.js';
import { renderCiWorkflow } from '../../tools/src/pipelines/render-ci-workflow.js';
import { captureIo } from '../support/capture-io.js';
import { createEmptyRepo, createSampleRepo, type TestRepo } from '../support/sample-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

async function init(args: string[] = []) {
  const io = captureIo(repo.dir);
  const code = await main(['init', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

function createPnpmRepo(): TestRepo {
  const r = createEmptyRepo();
  r.write('package.json', JSON.stringify({ name: 'mono', private: true, packageManager: 'pnpm@9.12.0' }));
  r.write('pnpm-workspace.yaml', 'packages:\n  - apps/*\n');
  r.write('.nvmrc', '22\n');
  r.write('apps/site/package.json', JSON.stringify({ name: '@mono/site', scripts: { build: 'astro build' }, devDependencies: { astro: '^5.0.0' } }));
  r.write('apps/site/astro.config.mjs', "export default { outDir: './public-site' };\n");
  r.write('apps/site/src/pages/index.astro', '<h1>hi</h1>\n');
  r.write('apps/tool/package.json', JSON.stringify({ name: 'tool', scripts: { dev: 'vite' }, devDependencies: { vite: '^6.0.0' } }));
  r.write('apps/tool/index.html', '<script type="module" src="/main.js"></script>\n');
  r.write('apps/tool/main.js', '\n');
  r.commit('workspace');
  return r;
}

describe('tessera init', () => {
  it('prints every app with its own build and output, and writes the config, the buildspec, the workflow and .gitignore', async () => {
    repo = createPnpmRepo();
    const run = await init();
    expect(run.code, run.err).toBe(0);
    expect(run.err).toMatch(/2 app\(s\), pnpm workspace/);
    expect(run.err).toMatch(/@mono\/site\s+astro\s+cd apps\/site && pnpm run build\s+apps\/site\/public-site/);
    expect(run.err).toMatch(/tool\s+-\s+nothing builds it/);
    expect(run.err).toMatch(/TESSERA_APP_NO_BUILD|nothing builds app "tool"/);
    expect(JSON.parse(repo.read('tessera.config.json'))).toEqual({ $schema: './node_modules/tessera-build/tools/dist/tessera.config.schema.json' });
    expect(repo.read('buildspec.yml')).toContain('pnpm install --frozen-lockfile');
    const workflow = parse(repo.read('.github/workflows/tessera.yml'));
    expect(workflow.jobs.affected.steps.map((s: { uses?: string; run?: string }) => s.uses ?? s.run?.split('\n')[0])).toContain('pnpm/action-setup@v4');
    expect(workflow.jobs.affected.steps.find((s: { uses?: string }) => s.uses === 'actions/setup-node@v4').with).toEqual({ 'node-version-file': '.nvmrc', cache: 'pnpm' });
    expect(repo.read('.gitignore')).toContain('.tessera/');
    expect(run.out).toBe(''); // human text on stderr
  });

  it('--dry-run writes nothing and prints the files on stdout', async () => {
    repo = createPnpmRepo();
    const run = await init(['--dry-run']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^--- tessera\.config\.json\n\{/);
    expect(run.out).toContain('--- buildspec.yml\n');
    expect(run.out).toContain('--- .github/workflows/tessera.yml\n');
    expect(run.err).toMatch(/would create buildspec\.yml/);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('never replaces a file without --force; with it, keeps the old one as .bak and adds $schema to the config, its keys kept', async () => {
    repo = createPnpmRepo();
    repo.write('buildspec.yml', 'version: 0.2\nphases:\n  build:\n    commands:\n      - make\n');
    repo.write('tessera.config.json', JSON.stringify({ timeoutMinutes: 30, apps: { tool: { build: 'make tool' } } }));
    repo.commit('own buildspec');
    const first = await init();
    expect(first.err).toMatch(/keep\s+buildspec\.yml \(exists; --force replaces it\)/);
    expect(repo.read('buildspec.yml')).toContain('- make');
    expect(JSON.parse(repo.read('tessera.config.json'))).toEqual({ timeoutMinutes: 30, apps: { tool: { build: 'make tool' } } });
    // The configured command is what builds it.
    expect(first.err).toMatch(/tool\s+-\s+make tool/);

    const forced = await init(['--force']);
    expect(forced.code).toBe(0);
    expect(repo.read('buildspec.yml.bak')).toContain('- make');
    expect(repo.read('buildspec.yml')).toContain('eval "$TESSERA_BUILD_COMMAND"');
    expect(Object.entries(JSON.parse(repo.read('tessera.config.json')))).toEqual([['$schema', './node_modules/tessera-build/tools/dist/tessera.config.schema.json'], ['timeoutMinutes', 30], ['apps', { tool: { build: 'make tool' } }]]);
  });

  it('--json is one document: the apps, their builds, and what happened to each file', async () => {
    repo = createSampleRepo();
    const io = captureIo(repo.dir);
    expect(await main(['init', '--json', '--dry-run'], io)).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.packageManager).toBe('npm');
    expect(doc.apps.find((a: { name: string }) => a.name === 'catalog')).toMatchObject({ build: 'npx nx run catalog:build', buildSource: 'its Nx build target', outputs: expect.arrayContaining(['dist/apps/catalog']) });
    expect(doc.files.map((f: { path: string; action: string; written: boolean }) => [f.path, f.action, f.written])).toEqual([
      ['tessera.config.json', 'create', false], ['buildspec.yml', 'create', false], ['.github/workflows/tessera.yml', 'create', false],
    ]);
    expect(existsSync(join(repo.dir, 'buildspec.yml'))).toBe(false);
  });
});

describe('renderCiWorkflow', () => {
  for (const packageManager of ['npm', 'pnpm', 'yarn', 'bun'] as const) {
    it(`is a workflow whose jobs install with ${packageManager}, find the affected apps and build each with the S3 store`, () => {
      const workflow = parse(renderCiWorkflow({ packageManager }));
      expect(Object.keys(workflow.jobs)).toEqual(['affected', 'build']);
      const runs = (job: string) => workflow.jobs[job].steps.map((s: { run?: string }) => s.run ?? '').join('\n');
      expect(runs('affected')).toMatch(/tessera affected --base "\$base" --head HEAD --format matrix/);
      expect(runs('build')).toMatch(/tessera build "\$\{\{ matrix\.app \}\}" --logs stream/);
      expect(workflow.jobs.build.env).toEqual({ TESSERA_STORE: '${{ vars.TESSERA_STORE }}' });
      expect(workflow.jobs.build.permissions['id-token']).toBe('write');
      expect(workflow.jobs.build.strategy.matrix).toBe('${{ fromJSON(needs.affected.outputs.matrix) }}');
      expect(workflow.jobs.affected.steps[0].with['fetch-depth']).toBe(0);
    });
  }
});

describe('this repository\'s own workflow', () => {
  it('is the one `tessera init` writes for an npm workspace, so the two never drift', async () => {
    const { readFileSync } = await import('node:fs');
    const { REPO_ROOT } = await import('../support/sample-repo.js');
    expect(readFileSync(join(REPO_ROOT, '.github/workflows/tessera.yml'), 'utf8')).toBe(renderCiWorkflow({ packageManager: 'npm' }));
  });
});
