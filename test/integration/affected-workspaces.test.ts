import { afterEach, describe, expect, it } from 'vitest';
import { readAffected, type AffectedReport } from '../../tools/src/affected/read-affected.js';
import { createEmptyRepo, type TestRepo } from '../support/sample-repo.js';

// Workspaces of the shapes real monorepos have, built in temp directories, analysed without
// node_modules: no nx.json, packages listed only by the package manager.
let repo: TestRepo;
afterEach(() => repo?.cleanup());

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

/** A pnpm v9 lockfile: the web app depends on the shared package (a link) and on next, which none of its files imports. */
const pnpmLock = (next: string, integrity: string) =>
  ["lockfileVersion: '9.0'", '', 'importers:', '', '  .: {}', '', '  apps/web:', '    dependencies:', "      '@acme/shared':", '        specifier: workspace:*', '        version: link:../../packages/shared',
    '      next:', `        specifier: ${next}`, `        version: ${next}`, '', 'packages:', '', `  next@${next}:`, `    resolution: {integrity: ${integrity}}`, '', 'snapshots:', '', `  next@${next}: {}`, ''].join('\n');

/** A pnpm workspace (no nx.json, no package.json workspaces) of a Next.js app, a Vite app, a SvelteKit app, an e2e project and a shared package whose main points at an uncommitted dist. */
function createPnpmWorkspace(extra: (r: TestRepo) => void = () => {}): TestRepo {
  const r = createEmptyRepo();
  r.write('package.json', json({ name: 'root', private: true, scripts: { build: 'turbo run build' } }));
  r.write('pnpm-workspace.yaml', "packages:\n  - 'apps/*'\n  - 'packages/*'\n  - '!packages/ignored'\n");
  r.write('turbo.json', json({ tasks: { build: { outputs: ['dist/**'] } } }));
  r.write('.gitignore', 'dist\nnode_modules\n');
  r.write('packages/shared/package.json', json({ name: '@acme/shared', main: 'dist/index.js', types: 'dist/index.d.ts', scripts: { build: 'tsc' } }));
  r.write('packages/shared/src/index.ts', "export const greet = (name: string) => `hello ${name}`;\n");
  r.write('packages/shared/README.md', '# shared\n');
  r.write('packages/ignored/package.json', json({ name: 'ignored', scripts: { build: 'vite build' } }));
  r.write('packages/ignored/vite.config.ts', 'export default {};\n');
  r.write('apps/web/package.json', json({ name: 'web', dependencies: { '@acme/shared': 'workspace:*', next: '15.0.0' }, scripts: { build: 'next build' } }));
  r.write('apps/web/next.config.js', 'module.exports = {};\n');
  r.write('apps/web/app/page.tsx', "import { greet } from '@acme/shared';\nexport default function Page() { return greet('web'); }\n");
  r.write('apps/web/app/layout.tsx', 'export default function Layout({ children }: { children: unknown }) { return children; }\n');
  r.write('apps/site/package.json', json({ name: 'site', scripts: { build: 'vite build' } }));
  r.write('apps/site/vite.config.ts', 'export default {};\n');
  r.write('apps/site/index.html', '<!doctype html><html><body><div id="app"></div><script type="module" src="/src/main.ts"></script></body></html>\n');
  r.write('apps/site/src/main.ts', "import { title } from './title';\ndocument.title = title;\n");
  r.write('apps/site/src/title.ts', "export const title = 'site';\n");
  r.write('apps/site/src/unused.ts', "export const unused = 1;\n");
  r.write('apps/docs/package.json', json({ name: 'docs', scripts: { build: 'vite build' }, devDependencies: { '@sveltejs/kit': '2.0.0' } }));
  r.write('apps/docs/svelte.config.js', 'export default {};\n');
  r.write('apps/docs/src/routes/+page.svelte', '<h1>docs</h1>\n');
  r.write('apps/docs/src/routes/guide/+page.md', '# guide\n');
  r.write('apps/web-e2e/package.json', json({ name: 'web-e2e', nx: { projectType: 'application' }, scripts: { test: 'playwright test' } }));
  r.write('apps/web-e2e/playwright.config.ts', 'export default {};\n');
  r.write('apps/web-e2e/tests/home.spec.ts', "import { test } from '@playwright/test';\ntest('home', async () => {});\n");
  r.write('pnpm-lock.yaml', pnpmLock('15.0.0', 'sha512-aaa'));
  extra(r);
  r.commit('workspace');
  return r;
}

async function affectedBy(edit: (r: TestRepo) => void): Promise<AffectedReport> {
  edit(repo);
  repo.commit('edit');
  return readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
}

const names = (r: AffectedReport) => r.apps.map((a) => a.name);

describe('a pnpm workspace without node_modules', () => {
  it('finds the apps from pnpm-workspace.yaml (negations honoured), leaves out the e2e project and the library, and fails on nothing', async () => {
    repo = createPnpmWorkspace();
    const report = await affectedBy((r) => r.write('apps/site/src/title.ts', "export const title = 'site!';\n"));
    const projects = report.snapshot.projects.map((p) => [p.name, p.type, p.framework ?? null, p.precision ?? null]);
    expect(projects).toEqual([
      ['@acme/shared', 'library', null, null],
      ['docs', 'application', 'sveltekit', 'project'],
      ['site', 'application', 'vite', 'file'],
      ['web', 'application', 'next', 'file'],
      ['web-e2e', 'e2e', null, null],
    ]);
    expect(names(report)).toEqual(['site']);
    expect(report.apps[0]!.reasons[0]).toMatchObject({ kind: 'input', chain: ['apps/site/src/main.ts', 'apps/site/src/title.ts'] });
  });

  it('a workspace package imported by name, its main an uncommitted dist: followed into its source, at file level', async () => {
    repo = createPnpmWorkspace((r) => r.write('packages/shared/src/unused.ts', 'export const unused = 1;\n'));
    const report = await affectedBy((r) => r.write('packages/shared/src/index.ts', "export const greet = (name: string) => `hi ${name}`;\n"));
    expect(names(report)).toEqual(['web']);
    expect(report.apps[0]!.reasons[0]).toMatchObject({ kind: 'input', chain: ['apps/web/app/page.tsx', 'packages/shared/src/index.ts'] });
    expect(report.unownedFiles).toEqual([]);
    // A file of the package that no app's output contains affects nothing.
    expect(names(await affectedBy((r) => r.write('packages/shared/src/unused.ts', 'export const unused = 2;\n')))).toEqual([]);
  });

  it("a workspace package whose source cannot be mapped counts whole for the app that depends on it", async () => {
    repo = createPnpmWorkspace((r) => {
      r.write('packages/shared/package.json', json({ name: '@acme/shared', main: 'out/bundle.cjs' }));
      r.write('packages/shared/generate.ts', 'export {};\n');
    });
    const report = await affectedBy((r) => r.write('packages/shared/generate.ts', 'export const x = 1;\n'));
    expect(names(report)).toEqual(['web']);
    expect(report.apps[0]!.reasons[0]).toMatchObject({ kind: 'project-level', package: '@acme/shared' });
  });

  it('a Markdown route in a SvelteKit app affects that app at project level, with the cause', async () => {
    repo = createPnpmWorkspace();
    const report = await affectedBy((r) => r.write('apps/docs/src/routes/guide/+page.md', '# guide, edited\n'));
    expect(names(report)).toEqual(['docs']);
    expect(report.apps[0]!.reasons[0]!.detail).toMatch(/project level: SvelteKit/);
  });

  it('an e2e test change builds no app; a file of the Vite app that nothing imports still counts for it', async () => {
    repo = createPnpmWorkspace();
    expect(names(await affectedBy((r) => r.write('apps/web-e2e/tests/home.spec.ts', "import { test } from '@playwright/test';\ntest('home!', async () => {});\n")))).toEqual([]);
    expect(names(await affectedBy((r) => r.write('apps/site/src/unused.ts', 'export const unused = 2;\n')))).toEqual(['site']);
  });

  it("a move of an app's own build tool (its framework's compiler) affects that app alone, though no file imports it", async () => {
    repo = createPnpmWorkspace();
    const report = await affectedBy((r) => r.write('pnpm-lock.yaml', pnpmLock('15.0.1', 'sha512-bbb')));
    expect(names(report)).toEqual(['web']);
    expect(report.apps[0]!.reasons[0]).toMatchObject({ kind: 'lockfile', package: 'next' });
    expect(report.unownedFiles).toEqual([]);
  });

  it('pnpm-workspace.yaml: a catalog change is accounted for (the lockfile carries it); a change of its package list affects every app', async () => {
    repo = createPnpmWorkspace();
    const catalog = await affectedBy((r) => r.append('pnpm-workspace.yaml', "catalog:\n  react: ^19.0.0\n"));
    expect({ apps: names(catalog), unowned: catalog.unownedFiles }).toEqual({ apps: [], unowned: [] });
    const packages = await affectedBy((r) => r.write('pnpm-workspace.yaml', "packages:\n  - 'apps/*'\n  - 'packages/*'\ncatalog:\n  react: ^19.0.0\n"));
    expect(names(packages)).toEqual(['docs', 'site', 'web']);
  });

  it('a base config in a workspace package that tsconfigs extend (by package name, through others, in an extends array) affects the apps compiled with it', async () => {
    repo = createPnpmWorkspace((r) => {
      r.write('packages/tsconfig/package.json', json({ name: '@acme/tsconfig', private: true, exports: { './next': './nextjs.json', './*.json': './*.json' } }));
      r.write('packages/tsconfig/base.json', json({ compilerOptions: { strict: true, target: 'es2022' } }));
      r.write('packages/tsconfig/nextjs.json', json({ extends: './base.json', compilerOptions: { jsx: 'preserve' } }));
      r.write('apps/web/tsconfig.json', json({ extends: '@acme/tsconfig/next', compilerOptions: { paths: { '@/*': ['./app/*'] } } }));
      // JSONC: a comment and trailing commas, as tsconfig files have them.
      r.write('apps/site/tsconfig.json', '{\n  // shared options first\n  "extends": ["@acme/tsconfig/base.json", "./tsconfig.paths.json",],\n}\n');
      r.write('apps/site/tsconfig.paths.json', json({ compilerOptions: { baseUrl: '.' } }));
    });
    const base = await affectedBy((r) => r.write('packages/tsconfig/base.json', json({ compilerOptions: { strict: true, target: 'es2023' } })));
    expect(names(base)).toEqual(['site', 'web']);
    expect(base.unownedFiles).toEqual([]);
    expect(base.apps.find((a) => a.name === 'web')!.reasons).toEqual([
      expect.objectContaining({ kind: 'tsconfig', file: 'packages/tsconfig/base.json', key: 'compilerOptions.target', detail: 'compilerOptions.target changed in packages/tsconfig/base.json, which apps/web/tsconfig.json extends' }),
    ]);
    expect(names(await affectedBy((r) => r.write('packages/tsconfig/nextjs.json', json({ extends: './base.json', compilerOptions: { jsx: 'react-jsx' } }))))).toEqual(['web']);
    expect(names(await affectedBy((r) => r.write('apps/site/tsconfig.paths.json', json({ compilerOptions: { baseUrl: './src' } }))))).toEqual(['site']);
    // Only its display name changed: no build differs.
    const display = await affectedBy((r) => r.write('packages/tsconfig/base.json', json({ display: 'Base', compilerOptions: { strict: true, target: 'es2023' } })));
    expect({ apps: names(display), unowned: display.unownedFiles }).toEqual({ apps: [], unowned: [] });
  });

  it('an e2e project is a test project to run, following the app it tests or its own files; its files are never unowned', async () => {
    repo = createPnpmWorkspace();
    const app = await affectedBy((r) => r.write('apps/web/app/layout.tsx', 'export default function Layout({ children }: { children: unknown }) { return children ?? null; }\n'));
    expect({ apps: names(app), tests: app.testProjects }).toEqual({ apps: ['web'], tests: [{ name: 'web-e2e', tests: ['web'], detail: 'tests web, which is affected' }] });
    const own = await affectedBy((r) => r.write('apps/web-e2e/tests/home.spec.ts', "import { test } from '@playwright/test';\ntest('home!!', async () => {});\n"));
    expect({ apps: names(own), tests: own.testProjects.map((t) => t.detail), unowned: own.unownedFiles }).toEqual({ apps: [], tests: ['its own file apps/web-e2e/tests/home.spec.ts changed'], unowned: [] });
    expect((await affectedBy((r) => r.write('apps/site/src/title.ts', "export const title = 'x';\n"))).testProjects).toEqual([]);
  });

  it('tessera.config.json "projects" selects apps by name glob and by tag; what it leaves out is not analysed and its files affect nothing', async () => {
    repo = createPnpmWorkspace((r) => {
      r.write('apps/site/package.json', json({ name: 'site', scripts: { build: 'vite build' }, nx: { tags: ['scope:public'] } }));
      r.write('apps/web/package.json', json({ name: 'web', dependencies: { '@acme/shared': 'workspace:*', next: '15.0.0' }, scripts: { build: 'next build' }, nx: { tags: ['scope:public'] } }));
      r.write('tessera.config.json', json({ projects: { include: ['tag:scope:public', 'docs'], exclude: ['web*'] } }));
    });
    const report = await affectedBy((r) => {
      r.write('apps/docs/src/routes/+page.svelte', '<h1>docs!</h1>\n');
      r.write('apps/web/app/layout.tsx', 'export default function Layout() { return null; }\n');
    });
    expect(report.snapshot.projects.filter((p) => p.type !== 'library').map((p) => p.name)).toEqual(['docs', 'site']);
    expect(report.snapshot.excluded.map((p) => p.name)).toEqual(['web', 'web-e2e']);
    expect({ apps: names(report), unowned: report.unownedFiles }).toEqual({ apps: ['docs'], unowned: [] });
    // The library the excluded app imports is still read.
    expect(report.snapshot.projects.map((p) => p.name)).toContain('@acme/shared');
  });

  it('--projects and --exclude select from the answer (names, globs, tags, !negation); a plain unknown name is an error, not "nothing"', async () => {
    repo = createPnpmWorkspace((r) => r.write('apps/site/package.json', json({ name: 'site', scripts: { build: 'vite build' }, nx: { tags: ['scope:public'] } })));
    repo.write('packages/shared/src/index.ts', "import './extra';\nexport const greet = (name: string) => `hi ${name}`;\n");
    repo.write('packages/shared/src/extra.ts', 'export {};\n');
    repo.write('apps/site/src/title.ts', "export const title = 'site!';\n");
    repo.write('apps/docs/src/routes/+page.svelte', '<h1>docs!</h1>\n');
    repo.commit('edit');
    const run = (selection: { include?: string[]; exclude?: string[] }) => readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD', selection });
    expect(names(await run({}))).toEqual(['docs', 'site', 'web']);
    expect(names(await run({ include: ['tag:scope:public'] }))).toEqual(['site']);
    const excluded = await run({ exclude: ['w*'] });
    expect({ apps: names(excluded), deselected: excluded.deselected }).toEqual({ apps: ['docs', 'site'], deselected: ['web', 'web-e2e'] });
    expect(names(await run({ include: ['*', '!docs'] }))).toEqual(['site', 'web']);
    await expect(run({ include: ['stie'] })).rejects.toMatchObject({ code: 'TESSERA_UNKNOWN_APP', message: expect.stringContaining('"stie"') });
  });

  it("entries a bundler config states literally: a Vite multi-page app's rollupOptions.input pages, a webpack entry; a computed one is project level", async () => {
    repo = createPnpmWorkspace((r) => {
      r.write('apps/mpa/package.json', json({ name: 'mpa', scripts: { build: 'vite build' } }));
      r.write('apps/mpa/vite.config.ts', "import { resolve } from 'node:path';\nexport default { build: { rollupOptions: { input: { main: resolve(__dirname, 'index.html'), admin: resolve(__dirname, 'admin/index.html') } } } };\n");
      r.write('apps/mpa/index.html', '<script type="module" src="/src/main.ts"></script>\n');
      r.write('apps/mpa/admin/index.html', '<script type="module" src="/src/admin.ts"></script>\n');
      r.write('apps/mpa/src/main.ts', 'export {};\n');
      r.write('apps/mpa/src/admin.ts', "import { greet } from '@acme/shared';\nconsole.log(greet('admin'));\n");
      r.write('apps/legacy/package.json', json({ name: 'legacy', scripts: { build: 'webpack --mode production' }, dependencies: { '@acme/shared': 'workspace:*' } }));
      r.write('apps/legacy/webpack.config.js', "module.exports = { entry: { app: './src/app.js' }, output: { path: __dirname + '/dist' } };\n");
      r.write('apps/legacy/index.html', '<div id="root"></div>\n');
      r.write('apps/legacy/src/index.js', 'export {};\n');
      r.write('apps/legacy/src/app.js', "import { greet } from '@acme/shared';\ngreet('legacy');\n");
      r.write('apps/pages/package.json', json({ name: 'pages', scripts: { build: 'vite build' } }));
      r.write('apps/pages/vite.config.ts', "import { globSync } from 'glob';\nexport default { build: { rollupOptions: { input: globSync('pages/*.html') } } };\n");
      r.write('apps/pages/pages/a.html', '<script type="module" src="/src/a.ts"></script>\n');
      r.write('apps/pages/src/a.ts', 'export {};\n');
    });
    const report = await affectedBy((r) => r.write('packages/shared/src/index.ts', "export const greet = (name: string) => `hey ${name}`;\n"));
    expect(names(report)).toEqual(['legacy', 'mpa', 'web']);
    const chain = (app: string) => report.apps.find((a) => a.name === app)!.reasons[0]!.chain;
    expect(chain('mpa')).toEqual(['apps/mpa/src/admin.ts', 'packages/shared/src/index.ts']);
    expect(chain('legacy')).toEqual(['apps/legacy/src/app.js', 'packages/shared/src/index.ts']);
    const pages = report.snapshot.projects.find((p) => p.name === 'pages')!;
    expect({ precision: pages.precision, source: pages.entrySource }).toEqual({ precision: 'project', source: expect.stringContaining('apps/pages/vite.config.ts build.rollupOptions.input is computed') });
  });

  it("a revision analysed in a temporary checkout sees the packages' own node_modules, as the working tree does", async () => {
    repo = createPnpmWorkspace((r) => {
      r.write('apps/site/tsconfig.json', json({ extends: 'preact-config/tsconfig.json' }));
      r.write('apps/site/src/view.tsx', 'export const View = () => <p>site</p>;\n');
      r.write('apps/site/src/main.ts', "import { title } from './title';\nimport { View } from './view';\ndocument.title = title + String(View);\n");
    });
    // Installed per package (pnpm), untracked: the tsconfig it extends sets the JSX runtime.
    repo.write('apps/site/node_modules/preact-config/package.json', json({ name: 'preact-config', version: '1.0.0' }));
    repo.write('apps/site/node_modules/preact-config/tsconfig.json', json({ compilerOptions: { jsx: 'react-jsx', jsxImportSource: 'preact' } }));
    repo.write('apps/site/src/title.ts', "export const title = 'site!';\n");
    repo.commit('edit');
    // An untracked file: HEAD is not what the working tree holds, so HEAD is analysed in a temporary checkout.
    repo.write('notes.txt', 'wip\n');
    const report = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
    const { graph } = report.snapshot;
    expect(graph.packages[String(graph.files.indexOf('apps/site/src/view.tsx'))]).toEqual(['preact']);
  });

  it('a project file that cannot be parsed is a warning about that project; the others are still analysed', async () => {
    repo = createPnpmWorkspace((r) => r.write('apps/broken/package.json', '{ "name": "broken", '));
    const report = await affectedBy((r) => r.write('apps/site/src/title.ts', "export const title = 'edited';\n"));
    expect(names(report)).toEqual(['site']);
    expect(report.warnings.filter((w) => w.code === 'TESSERA_WORKSPACE_PROJECT_SKIPPED').map((w) => w.location?.file)).toEqual(['apps/broken/package.json']);
  });
  it('a published library (helper library mode, tests config), a Create React App app using it, a Docusaurus site and an *-e2e-playwright suite: each classified as what it is', async () => {
    repo = createPnpmWorkspace((r) => {
      r.write('pnpm-workspace.yaml', "packages:\n  - 'apps/*'\n  - 'packages/*'\n  - 'examples/*'\n  - 'website'\n  - '!packages/ignored'\n");
      r.write('packages/form/package.json', json({ name: '@acme/form', version: '1.2.0', type: 'module', module: 'dist/esm/index.js', types: 'dist/esm/index.d.ts', exports: { '.': { import: './dist/esm/index.js' } }, files: ['dist', 'src'], scripts: { build: 'vite build', test: 'vitest' } }));
      r.write('packages/form/vite.config.ts', "import { defineConfig, mergeConfig } from 'vitest/config';\nimport { libraryConfig } from '@acme/vite-config';\nexport default mergeConfig(defineConfig({ test: { dir: './tests' } }), libraryConfig({ entry: ['./src/index.ts'], srcDir: './src' }));\n");
      r.write('packages/form/src/index.ts', "export const createForm = () => ({ values: {} });\n");
      r.write('packages/form/tests/form.test.ts', "import { createForm } from '../src/index';\ncreateForm();\n");
      r.write('examples/cra/package.json', json({ name: 'cra', private: true, main: 'src/index.tsx', dependencies: { '@acme/form': 'workspace:*' }, scripts: { start: 'react-scripts start', build: 'react-scripts build' } }));
      r.write('examples/cra/public/index.html', '<!doctype html><html><body><div id="root"></div></body></html>\n');
      r.write('examples/cra/src/index.tsx', "import { App } from './App';\nconsole.log(App);\n");
      r.write('examples/cra/src/App.tsx', "import { createForm } from '@acme/form';\nexport const App = () => createForm();\n");
      r.write('website/package.json', json({ name: 'website', private: true, scripts: { start: 'docusaurus start', build: 'docusaurus build' } }));
      r.write('website/docusaurus.config.ts', "export default { title: 'docs', presets: [['classic', { docs: { path: 'docs' } }]] };\n");
      r.write('website/docs/intro.md', '# Intro\n');
      r.write('website/src/pages/index.tsx', 'export default function Home() { return null; }\n');
      r.write('examples/cra-e2e-playwright/package.json', json({ name: 'cra-e2e-playwright', private: true, scripts: { e2e: 'playwright test' }, nx: { implicitDependencies: ['cra'] } }));
      r.write('examples/cra-e2e-playwright/vite.config.ts', "import { defineConfig } from 'vite';\nexport default defineConfig({ root: 'tests', test: { include: ['**/*.spec.ts'] } });\n");
      r.write('examples/cra-e2e-playwright/tests/home.spec.ts', "import { test } from 'vitest';\ntest('home', () => {});\n");
    });
    const report = await affectedBy((r) => r.write('packages/form/src/index.ts', "export const createForm = () => ({ values: { a: 1 } });\n"));
    const kinds = Object.fromEntries(report.snapshot.projects.map((p) => [p.name, [p.type, p.framework ?? null, p.precision ?? null]]));
    expect({ form: kinds['@acme/form'], cra: kinds.cra, website: kinds.website, e2e: kinds['cra-e2e-playwright'] }).toEqual({
      form: ['library', 'vite', null],
      cra: ['application', 'cra', 'file'],
      website: ['application', 'docusaurus', 'project'],
      e2e: ['e2e', null, null],
    });
    expect(names(report)).toEqual(['cra']);
    expect(report.apps[0]!.reasons[0]).toMatchObject({ kind: 'input', chain: ['examples/cra/src/index.tsx', 'examples/cra/src/App.tsx', 'packages/form/src/index.ts'] });
    expect(report.testProjects.map((t) => t.name)).toEqual(['cra-e2e-playwright']);
    // A library's test file builds nothing; a Docusaurus doc affects the site, at project level, with the cause.
    expect(names(await affectedBy((r) => r.write('packages/form/tests/form.test.ts', "import { createForm } from '../src/index';\ncreateForm();\ncreateForm();\n")))).toEqual([]);
    const doc = await affectedBy((r) => r.write('website/docs/intro.md', '# Intro, edited\n'));
    expect(names(doc)).toEqual(['website']);
    expect(doc.apps[0]!.reasons[0]!.detail).toMatch(/Docusaurus loads its pages, docs and blog by convention/);
  });
});
