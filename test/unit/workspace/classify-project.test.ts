import { describe, expect, it } from 'vitest';
import { classifyProject, type ProjectFacts } from '../../../tools/src/workspace/classify-project.js';
import { DEFAULT_CONFIG } from '../../../tools/src/workspace/config.js';
import { discoverProjects } from '../../../tools/src/workspace/discover-projects.js';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** One project folder at `packages/p` (outside the apps directory), from its files. */
function project(files: Record<string, string>, nx: Record<string, unknown> = {}): ProjectFacts {
  const root = 'packages/p';
  const paths = Object.keys(files).map((f) => `${root}/${f}`);
  const packageJson = files['package.json'] ? (JSON.parse(files['package.json']) as Record<string, unknown>) : null;
  return {
    name: typeof packageJson?.name === 'string' ? packageJson.name : 'p',
    root,
    files: paths,
    has: (p) => paths.includes(p),
    packageJson,
    nx,
    readFile: (p) => (p.startsWith(`${root}/`) ? (files[p.slice(root.length + 1)] ?? null) : null),
  };
}

const type = (files: Record<string, string>, nx: Record<string, unknown> = {}, declared: 'application' | 'library' | null = null, inAppsDir = false) => classifyProject(project(files, nx), declared, inAppsDir).type;

/** A package published to npm from its build output, as TanStack's, Redux's and most libraries' are. */
const published = (build: string, extra: Record<string, unknown> = {}) =>
  json({ name: '@acme/lib', version: '1.0.0', type: 'module', main: 'dist/cjs/index.cjs', module: 'dist/esm/index.js', types: 'dist/esm/index.d.ts', exports: { '.': { import: './dist/esm/index.js' } }, files: ['dist', 'src'], scripts: { build, test: 'vitest' }, ...extra });
const vitestConfig = "import { defineConfig } from 'vitest/config'\nexport default defineConfig({ test: { environment: 'jsdom' } })\n";
const helperLibConfig = "import { defineConfig, mergeConfig } from 'vitest/config'\nimport { libraryConfig } from '@acme/vite-config'\nconst config = defineConfig({ test: { dir: './tests' } })\nexport default mergeConfig(config, libraryConfig({ entry: ['./src/index.ts'], srcDir: './src' }))\n";
const src = { 'src/index.ts': 'export const x = 1;\n' };
const html = '<!doctype html><script type="module" src="/src/main.ts"></script>\n';

describe('classifyProject: libraries', () => {
  it.each([
    ['vite build with library mode set by a helper', { 'package.json': published('vite build'), 'vite.config.ts': helperLibConfig, ...src }],
    ['tsdown, with a Vitest-only vite config', { 'package.json': published('tsdown'), 'vite.config.ts': vitestConfig, 'tsdown.config.ts': 'export default {}\n', ...src }],
    ['svelte-package, with a svelte.config.js for the tests', { 'package.json': published('svelte-package --input ./src --output ./dist'), 'svelte.config.js': 'export default { preprocess: [] }\n', 'vite.config.ts': vitestConfig, 'src/index.ts': 'export {}\n' }],
    ['ng-packagr, its vite config importing @analogjs/vite-plugin-angular for the tests', {
      'package.json': published('ng-packagr -p ng-package.json -c tsconfig.build.json'), 'ng-package.json': '{}',
      'vite.config.ts': "import { defineConfig } from 'vitest/config'\nimport angular from '@analogjs/vite-plugin-angular'\nexport default defineConfig({ plugins: [angular()], test: { globals: true } })\n", ...src,
    }],
    ['tsc alone, private, with a vite config that only runs tests', { 'package.json': json({ name: '@acme/lib', private: true, scripts: { build: 'tsc -p tsconfig.build.json' } }), 'vite.config.ts': "import { defineConfig } from 'vite'\nexport default defineConfig({ test: {} })\n", ...src }],
    ['a library builder reached through the scripts it calls (yarn clean && yarn run-build)', {
      'package.json': json({ name: '@acme/lib', private: true, scripts: { clean: 'rimraf dist', 'run-build': 'cross-env NODE_ENV=production tsup --config tsup.config.ts', build: 'yarn clean && yarn run-build' } }),
      'vite.config.ts': "import { defineConfig } from 'vite'\nexport default defineConfig({ test: {} })\n", ...src,
    }],
    ['run-s over build:* scripts that run only library builders', { 'package.json': json({ name: '@acme/lib', private: true, scripts: { 'build:js': 'rollup -c', 'build:types': 'tsc --emitDeclarationOnly', build: 'run-s build:*' } }), 'vite.config.ts': 'export default {}\n', ...src }],
    ['ng build of an ng-packagr project (ng-package.json)', { 'package.json': published('ng build'), 'ng-package.json': '{}', ...src }],
    ['an Nx ng-packagr executor', { 'project.json': '{}', 'ng-package.json': '{}', ...src }, { targets: { build: { executor: '@nx/angular:package' } } }],
    ['a private package whose vite config sets library mode through a helper (no index.html)', { 'package.json': json({ name: '@acme/lib', private: true, scripts: { build: 'vite build' } }), 'vite.config.ts': helperLibConfig, ...src }],
    ['a published package with a vite config and no page to serve', { 'package.json': published('vite build'), 'vite.config.ts': "import { defineConfig } from 'vite'\nimport { lib } from './lib-config'\nexport default defineConfig(lib)\n", ...src }],
    ['a published package with only a Vitest config and no build', { 'package.json': json({ name: '@acme/lib', version: '1.0.0', publishConfig: { access: 'public' } }), 'vite.config.ts': vitestConfig, ...src }],
    ['a private package with only a Vitest config', { 'package.json': json({ name: '@acme/lib', private: true, scripts: { test: 'vitest' } }), 'vite.config.ts': vitestConfig, ...src }],
  ] as const)('%s', (_, files, nx: Record<string, unknown> = {}) => {
    expect(type(files, nx)).toBe('library');
  });
});

describe('classifyProject: apps stay apps', () => {
  it.each([
    ['a published package whose build is next build', { 'package.json': published('next build'), 'next.config.js': 'module.exports = {}\n', 'app/page.tsx': 'export default () => null;\n' }],
    ['a published package with an index.html, built by vite build (no library mode)', { 'package.json': published('vite build'), 'vite.config.ts': "import { defineConfig } from 'vite'\nexport default defineConfig({ build: { outDir: 'dist' } })\n", 'index.html': html, 'src/main.ts': '' }],
    ['tsc && vite build (tsc type-checks) with an index.html', { 'package.json': json({ name: 'web', private: true, scripts: { build: 'tsc -b && vite build' } }), 'vite.config.ts': 'export default {}\n', 'index.html': html, 'src/main.ts': '' }],
    ['a Vite app whose config imports defineConfig from vitest/config', { 'package.json': json({ name: 'web', private: true, scripts: { build: 'vite build' } }), 'vite.config.ts': vitestConfig, 'index.html': html, 'src/main.ts': '' }],
    ['a Vite app built by an Nx plugin (no build script), its config from vitest/config', { 'package.json': json({ name: 'web', private: true }), 'vite.config.ts': vitestConfig, 'index.html': html, 'src/main.ts': '' }],
    ['a library builder and next build in one script', { 'package.json': json({ name: 'web', private: true, scripts: { build: 'tsup src/worker.ts && next build' } }), 'next.config.js': 'module.exports = {}\n', 'app/page.tsx': '' }],
    ['a Vite SSR app: an entry option inside plugins is the plugin\'s, not library mode', { 'package.json': json({ name: 'web', private: true, scripts: { build: 'vite build' } }), 'vite.config.ts': "import { defineConfig } from 'vite'\nexport default defineConfig({ plugins: [start({ client: { entry: './src/client.tsx' } })] })\n", 'src/client.tsx': '' }],
    ['a published SvelteKit app (svelte.config with @sveltejs/kit, vite build)', { 'package.json': published('vite build', { devDependencies: { '@sveltejs/kit': '2.0.0' } }), 'svelte.config.js': "import adapter from '@sveltejs/adapter-auto'\nexport default { kit: { adapter: adapter() } }\n", 'vite.config.ts': "import { sveltekit } from '@sveltejs/kit/vite'\nexport default { plugins: [sveltekit()] }\n", 'src/routes/+page.svelte': '' }],
  ] as const)('%s', (_, files) => {
    expect(type(files)).toBe('application');
  });

  it('projectType and the apps directory win over every library signal', () => {
    const files = { 'package.json': published('tsup'), ...src };
    expect(type(files)).toBe('library');
    expect(type(files, {}, 'application')).toBe('application');
    expect(type(files, {}, null, true)).toBe('application');
  });
});

describe('classifyProject: e2e projects', () => {
  const runner = "/// <reference types=\"vitest\" />\nimport { defineConfig } from 'vite'\nexport default defineConfig({ root: 'tests', test: { include: ['**/*.spec.ts'] } })\n";
  it.each([
    ['named *-e2e-playwright, declared an application, with a Vitest runner config', 'app-e2e-playwright', { 'project.json': '{}', 'vite.config.ts': runner, 'tests/home.spec.ts': '' }, { projectType: 'application' }],
    ['named *-e2e-cypress', 'web-e2e-cypress', { 'project.json': '{}', 'vite.config.ts': runner, 'src/e2e/app.cy.ts': '' }, { projectType: 'application' }],
    ['an e2e target and no build target', 'smoke', { 'project.json': '{}', 'vite.config.ts': runner, 'tests/home.spec.ts': '' }, { projectType: 'application', targets: { e2e: { executor: 'nx:run-commands', options: { command: 'start-server-and-test' } }, vitest: {}, lint: {} } }],
    ['a Playwright config and only test targets, beside a Vitest runner config', 'checks', { 'package.json': json({ name: 'checks', private: true, scripts: { test: 'playwright test', lint: 'eslint .' } }), 'playwright.config.ts': 'export default {}\n', 'vite.config.ts': runner }, {}],
  ] as const)('%s', (_, name, files, nx: Record<string, unknown>) => {
    const facts = { ...project(files, nx), name };
    expect(classifyProject(facts, nx.projectType === 'application' ? 'application' : null, false).type).toBe('e2e');
  });

  it.each([
    ['an app with an e2e target and a build target', { 'project.json': '{}', 'vite.config.ts': runner, 'index.html': html }, { targets: { build: {}, e2e: {} } }, 'application'],
    ['a project with an e2e target and a build target, beside a Vitest runner config', { 'project.json': '{}', 'vite.config.ts': runner, ...src }, { targets: { build: { executor: 'nx:run-commands', options: { command: 'node build.mjs' } }, e2e: {} } }, 'application'],
    ['an app with an e2e target whose build an Nx plugin infers (it has a framework config)', { 'project.json': '{}', 'next.config.js': 'module.exports = {}\n', 'app/page.tsx': '' }, { targets: { e2e: {} } }, 'application'],
    ['a declared library with an e2e target', { 'project.json': '{}', ...src }, { projectType: 'library', targets: { e2e: {} } }, 'library'],
    ['a helper package named *-e2e-helpers', { 'package.json': json({ name: 'web-e2e-helpers', private: true }), ...src }, {}, 'library'],
  ] as const)('not e2e: %s', (_, files, nx: Record<string, unknown>, expected) => {
    expect(classifyProject(project(files, nx), nx.projectType === 'library' ? 'library' : null, false).type).toBe(expected);
  });
});

describe('Create React App and Docusaurus apps', () => {
  const discover = (files: Record<string, string>) => {
    const paths = Object.keys(files);
    return discoverProjects({
      nxJson: null,
      rootPackageJson: { file: 'package.json', text: json({ name: 'root', private: true, workspaces: ['examples/*', 'website'] }) },
      projectFiles: new Map(paths.filter((p) => p.endsWith('package.json')).map((p) => [p, files[p]!])),
      files: paths,
      readFile: (p) => files[p] ?? null,
      config: DEFAULT_CONFIG,
    }).projects.map((p) => ({ name: p.name, type: p.type, framework: p.framework, precision: p.precision, entries: p.entries, source: p.entrySource }));
  };

  it.each(['react-scripts build', 'craco build', 'react-app-rewired build', 'cross-env GENERATE_SOURCEMAP=false react-scripts build'])('%s: an app, from src/index.* at file level (public/index.html has no module script)', (build) => {
    const projects = discover({
      'examples/cra/package.json': json({ name: 'cra', private: true, main: 'src/index.tsx', scripts: { start: 'react-scripts start', build } }),
      'examples/cra/public/index.html': '<!doctype html><div id="root"></div>\n',
      'examples/cra/src/index.tsx': "import './App';\n",
      'examples/cra/src/App.tsx': 'export {};\n',
      'examples/cra/src/service-worker.ts': 'export {};\n',
    });
    expect(projects).toEqual([{ name: 'cra', type: 'application', framework: 'cra', precision: 'file', entries: ['examples/cra/src/index.tsx', 'examples/cra/src/service-worker.ts'], source: "examples/cra/src/index.tsx (Create React App's entry)" }]);
  });

  it('a CRA app without src/index is at project level, with the reason', () => {
    const [app] = discover({ 'examples/cra/package.json': json({ name: 'cra', private: true, scripts: { build: 'react-scripts build' } }), 'examples/cra/src/main.js': '' });
    expect(app).toMatchObject({ type: 'application', framework: 'cra', precision: 'project', source: expect.stringContaining('without src/index') });
  });

  it.each([
    ['its build script', { 'website/package.json': json({ name: 'website', private: true, scripts: { build: 'docusaurus build' } }) }],
    ['docusaurus.config.ts alone', { 'website/package.json': json({ name: 'website', scripts: { start: 'docusaurus start' } }), 'website/docusaurus.config.ts': 'export default {};\n' }],
  ])('a Docusaurus site, found by %s, is an app at project level', (_, files) => {
    const [site] = discover({ ...files, 'website/src/pages/index.tsx': 'export default () => null;\n', 'website/sidebars.ts': 'export default {};\n' });
    expect(site).toMatchObject({ type: 'application', framework: 'docusaurus', precision: 'project', source: expect.stringMatching(/^Docusaurus loads its pages, docs and blog by convention/) });
    expect(site!.entries).toEqual(['website/sidebars.ts', 'website/src/pages/index.tsx']);
  });
});

describe('svelte.config alone', () => {
  it('is SvelteKit only with the kit; a plain Vite + Svelte app is a Vite app, read at file level through its components', () => {
    const plain = project({ 'package.json': json({ name: 'svelte-example', private: true, scripts: { build: 'vite build' }, devDependencies: { svelte: '5.0.0', '@sveltejs/vite-plugin-svelte': '4.0.0' } }), 'svelte.config.js': "import { vitePreprocess } from '@sveltejs/vite-plugin-svelte'\nexport default { preprocess: vitePreprocess() }\n", 'vite.config.ts': "import { svelte } from '@sveltejs/vite-plugin-svelte'\nexport default { plugins: [svelte()] }\n", 'index.html': '<script type="module" src="/src/main.ts"></script>\n', 'src/main.ts': '' });
    expect(classifyProject(plain, null, false)).toMatchObject({ type: 'application', framework: { name: 'vite' } });
    const kit = project({ 'package.json': json({ name: 'kit', private: true, scripts: { build: 'vite build' }, devDependencies: { '@sveltejs/kit': '2.0.0' } }), 'svelte.config.js': 'export default {}\n', 'vite.config.ts': 'export default {}\n' });
    expect(classifyProject(kit, null, false)).toMatchObject({ type: 'application', framework: { name: 'sveltekit' } });
  });
});
