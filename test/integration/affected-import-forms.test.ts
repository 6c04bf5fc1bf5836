import { afterEach, describe, expect, it } from 'vitest';
import { readAffected } from '../../tools/src/affected/read-affected.js';
import { createEmptyRepo, type TestRepo } from '../support/sample-repo.js';

// Import forms real front ends use that are not plain module paths.
let repo: TestRepo;
afterEach(() => repo?.cleanup());
const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

function createViteWorkspace(): TestRepo {
  const r = createEmptyRepo();
  r.write('package.json', json({ name: 'root', private: true, workspaces: ['apps/*'] }));
  r.write('apps/web/package.json', json({ name: 'web', private: true, scripts: { build: 'vite build' } }));
  r.write('apps/web/vite.config.ts', 'export default {};\n');
  r.write('apps/web/tsconfig.json', json({ compilerOptions: { paths: { '~/*': ['./src/*'] } } }));
  r.write('apps/web/index.html', '<script type="module" src="/src/main.ts"></script>\n');
  r.write('apps/web/src/main.ts', "import appCss from './app.css?url';\nimport styles from '~/styles.css?url';\nimport icon from './icon.svg?raw';\nexport default [appCss, styles, icon];\n");
  r.write('apps/web/src/app.css', "@font-face { font-family: a; src: url('/fonts/a.woff2'); }\nbody { background: url(/img/bg.png); }\n");
  r.write('apps/web/src/styles.css', 'h1 { color: red; }\n');
  r.write('apps/web/src/icon.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  r.write('apps/other/package.json', json({ name: 'other', private: true, scripts: { build: 'vite build' } }));
  r.write('apps/other/vite.config.ts', 'export default {};\n');
  r.write('apps/other/index.html', '<script type="module" src="/src/main.ts"></script>\n');
  r.write('apps/other/src/main.ts', "export const x = 1;\n");
  r.commit('workspace');
  return r;
}

describe('imports with a bundler query, and root-absolute CSS urls', () => {
  it('`?url` / `?raw` imports reach their files (through tsconfig aliases too); `/fonts/…` urls are public files, not imports', async () => {
    repo = createViteWorkspace();
    repo.write('apps/web/src/styles.css', 'h1 { color: blue; }\n');
    repo.commit('styles');
    const report = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(report.apps.map((a) => a.name)).toEqual(['web']);
    expect(report.apps[0]!.reasons[0]).toMatchObject({ kind: 'input', chain: ['apps/web/src/main.ts', 'apps/web/src/styles.css'] });
    const { graph } = report.snapshot;
    expect(Object.values(graph.packages).flat()).toEqual([]);
    expect(report.warnings.map((w) => `${w.code}: ${w.text}`)).toEqual([]);
    const main = graph.files.indexOf('apps/web/src/main.ts');
    expect(graph.edges[main]!.filter((_, i) => i % 2 === 0).map((t) => graph.files[t]).sort()).toEqual(['apps/web/src/app.css', 'apps/web/src/icon.svg', 'apps/web/src/styles.css']);
  });
});

describe('an app whose import of a workspace package resolves to nothing', () => {
  it('counts every file of that package, even one another app reaches at file level', async () => {
    repo = createEmptyRepo();
    repo.write('package.json', json({ name: 'root', private: true, workspaces: ['apps/*', 'packages/*'] }));
    // Built output that is not there, and source Tessera cannot map it back to.
    repo.write('packages/ui/package.json', json({ name: '@acme/ui', version: '1.0.0', main: 'out/bundle.cjs' }));
    repo.write('packages/ui/lib/ui.ts', "export const ui = 'ui';\n");
    // The root tsconfig maps the name to the source: the apps that compile with it reach it.
    repo.write('tsconfig.json', json({ compilerOptions: { paths: { '@acme/ui': ['./packages/ui/lib/ui.ts'] } } }));
    for (const app of ['web', 'legacy']) {
      repo.write(`apps/${app}/package.json`, json({ name: app, private: true, scripts: { build: 'vite build' }, dependencies: { '@acme/ui': '*' } }));
      repo.write(`apps/${app}/vite.config.ts`, 'export default {};\n');
      repo.write(`apps/${app}/index.html`, '<script type="module" src="/src/main.ts"></script>\n');
      repo.write(`apps/${app}/src/main.ts`, "import { ui } from '@acme/ui';\nconsole.log(ui);\n");
    }
    // legacy compiles with its own tsconfig, which has no such alias: its import resolves to nothing.
    repo.write('apps/legacy/tsconfig.json', json({ compilerOptions: { strict: true } }));
    repo.commit('workspace');
    repo.write('packages/ui/lib/ui.ts', "export const ui = 'ui!';\n");
    repo.commit('ui');
    const report = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(report.apps.map((a) => [a.name, a.reasons[0]!.kind])).toEqual([['legacy', 'project-level'], ['web', 'input']]);
  });
});

describe('a tsconfig path alias and a workspace package of the same name', () => {
  it('an app whose own tsconfig lacks the alias still reaches the package by name, at file level', async () => {
    repo = createEmptyRepo();
    repo.write('package.json', json({ name: 'root', private: true, workspaces: ['apps/*', 'packages/*'] }));
    repo.write('packages/ui/package.json', json({ name: '@acme/ui', version: '1.0.0', main: 'dist/index.js' }));
    repo.write('packages/ui/src/index.ts', "export const ui = 'ui';\n");
    repo.write('tsconfig.json', json({ compilerOptions: { paths: { '@acme/ui': ['./packages/ui/src/index.ts'] } } }));
    for (const app of ['web', 'example']) {
      repo.write(`apps/${app}/package.json`, json({ name: app, private: true, scripts: { build: 'vite build' }, dependencies: { '@acme/ui': '*' } }));
      repo.write(`apps/${app}/vite.config.ts`, 'export default {};\n');
      repo.write(`apps/${app}/index.html`, '<script type="module" src="/src/main.ts"></script>\n');
      repo.write(`apps/${app}/src/main.ts`, "import { ui } from '@acme/ui';\nconsole.log(ui);\n");
    }
    repo.write('apps/example/tsconfig.json', json({ compilerOptions: { strict: true } }));
    repo.commit('workspace');
    repo.write('packages/ui/src/index.ts', "export const ui = 'ui!';\n");
    repo.commit('ui');
    const report = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(report.apps.map((a) => [a.name, a.reasons[0]!.kind])).toEqual([['example', 'input'], ['web', 'input']]);
    expect(report.warnings.filter((w) => w.code === 'TESSERA_GRAPH_UNRESOLVED_IMPORT')).toEqual([]);
  });
});

describe('an update of the graph in a "type": "module" workspace', () => {
  it('keeps the default imports of files it does not read again, and flags nothing', async () => {
    repo = createEmptyRepo();
    repo.write('package.json', json({ name: 'root', private: true, type: 'module', workspaces: ['apps/*'] }));
    repo.write('apps/web/package.json', json({ name: 'web', private: true, type: 'module', scripts: { build: 'vite build' } }));
    repo.write('apps/web/vite.config.ts', 'export default {};\n');
    repo.write('apps/web/index.html', '<script type="module" src="/src/main.ts"></script>\n');
    const main = (n: number) => `import a from './parts/a';\nimport b from './parts/b';\nimport c from './parts/c';\nconsole.log(a, b, c, ${n});\n`;
    repo.write('apps/web/src/main.ts', main(1));
    for (const part of ['a', 'b', 'c']) repo.write(`apps/web/src/parts/${part}.ts`, `export default '${part}';\n`);
    repo.commit('workspace');
    await readAffected({ root: repo.dir, base: 'HEAD', head: 'HEAD' });
    // Only main.ts is read again; the parts it imports by default are known, and stand in as stubs.
    repo.write('apps/web/src/main.ts', main(2));
    repo.commit('main');
    const update = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(update.stats.cache).toBe('update');
    expect(update.warnings.map((w) => w.code)).toEqual([]);
    repo.write('apps/web/src/parts/c.ts', "export default 'c!';\n");
    repo.commit('c');
    const report = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(report.apps.map((a) => [a.name, a.reasons[0]!.kind])).toEqual([['web', 'input']]);
    expect(report.warnings.map((w) => w.code)).toEqual([]);
  });
});

describe("what an app's build config imports", () => {
  it('a workspace Vite plugin or Tailwind preset its configs import is an input of the app, at file level', async () => {
    repo = createEmptyRepo();
    repo.write('package.json', json({ name: 'root', private: true, workspaces: ['apps/*', 'tooling/*'] }));
    repo.write('tooling/vite-plugin/package.json', json({ name: '@acme/vite-plugin', version: '1.0.0', main: 'src/index.ts' }));
    repo.write('tooling/vite-plugin/src/index.ts', "export default function acme() { return { name: 'acme' }; }\n");
    repo.write('tooling/tailwind/package.json', json({ name: '@acme/tailwind', version: '1.0.0', main: 'preset.js' }));
    repo.write('tooling/tailwind/preset.js', 'export default { theme: { colors: { brand: "#f00" } } };\n');
    for (const app of ['web', 'docs']) {
      repo.write(`apps/${app}/package.json`, json({ name: app, private: true, scripts: { build: 'vite build' } }));
      repo.write(`apps/${app}/index.html`, '<script type="module" src="/src/main.ts"></script>\n');
      repo.write(`apps/${app}/src/main.ts`, "document.title = 'x';\n");
    }
    repo.write('apps/web/vite.config.ts', "import acme from '@acme/vite-plugin';\nimport react from '@vitejs/plugin-react';\nexport default { plugins: [acme(), react()] };\n");
    repo.write('apps/docs/vite.config.ts', 'export default {};\n');
    repo.write('apps/docs/tailwind.config.ts', "import preset from '@acme/tailwind';\nexport default { presets: [preset] };\n");
    repo.commit('workspace');
    repo.write('tooling/vite-plugin/src/index.ts', "export default function acme() { return { name: 'acme!' }; }\n");
    repo.write('tooling/tailwind/preset.js', 'export default { theme: { colors: { brand: "#0f0" } } };\n');
    repo.commit('tooling');
    const report = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(report.apps.map((a) => [a.name, a.reasons[0]!.chain])).toEqual([
      ['docs', ['apps/docs/tailwind.config.ts', 'tooling/tailwind/preset.js']],
      ['web', ['apps/web/vite.config.ts', 'tooling/vite-plugin/src/index.ts']],
    ]);
    // The bundle itself still starts from the app's entries only.
    expect(report.snapshot.projects.find((p) => p.name === 'web')!.entries).toEqual(['apps/web/src/main.ts']);
  });
});

describe('generated code', () => {
  it('a change to a Prisma schema affects the apps that import the client generated from it (not in the tree)', async () => {
    repo = createEmptyRepo();
    repo.write('package.json', json({ name: 'root', private: true, workspaces: ['apps/*', 'packages/*'] }));
    repo.write('.gitignore', 'generated\n');
    repo.write('packages/database/package.json', json({ name: '@acme/database', version: '1.0.0', main: 'index.ts', scripts: { build: 'prisma generate' } }));
    repo.write('packages/database/index.ts', "export { PrismaClient } from './generated/client';\n");
    repo.write('packages/database/prisma/schema.prisma', 'model User { id Int @id }\n');
    for (const app of ['web', 'blog']) {
      repo.write(`apps/${app}/package.json`, json({ name: app, private: true, scripts: { build: 'vite build' }, ...(app === 'web' ? { dependencies: { '@acme/database': '*' } } : {}) }));
      repo.write(`apps/${app}/vite.config.ts`, 'export default {};\n');
      repo.write(`apps/${app}/index.html`, '<script type="module" src="/src/main.ts"></script>\n');
      repo.write(`apps/${app}/src/main.ts`, app === 'web' ? "import { PrismaClient } from '@acme/database';\nconsole.log(PrismaClient);\n" : "console.log('blog');\n");
    }
    repo.commit('workspace');
    repo.write('packages/database/prisma/schema.prisma', 'model User { id Int @id\n  name String }\n');
    repo.commit('schema');
    const report = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(report.apps.map((a) => [a.name, a.reasons[0]!.kind])).toEqual([['web', 'uncertain']]);
    expect(report.unownedFiles).toEqual([]);
  });
});

describe('single-file components', () => {
  it("a Vue app's graph goes on through its .vue files' scripts, into the workspace packages they import", async () => {
    repo = createEmptyRepo();
    repo.write('package.json', json({ name: 'root', private: true, workspaces: ['apps/*', 'packages/*'] }));
    repo.write('packages/core/package.json', json({ name: '@acme/core', version: '1.0.0', main: 'src/index.ts' }));
    repo.write('packages/core/src/index.ts', "export const total = (xs: number[]) => xs.length;\n");
    repo.write('apps/shop/package.json', json({ name: 'shop', private: true, scripts: { build: 'vite build' }, dependencies: { '@acme/core': '*', vue: '3.5.0' } }));
    repo.write('apps/shop/vite.config.ts', "import vue from '@vitejs/plugin-vue';\nexport default { plugins: [vue()] };\n");
    repo.write('apps/shop/index.html', '<div id="app"></div><script type="module" src="/src/main.ts"></script>\n');
    repo.write('apps/shop/src/main.ts', "import { createApp } from 'vue';\nimport App from './App.vue';\ncreateApp(App).mount('#app');\n");
    repo.write('apps/shop/src/App.vue', '<script setup lang="ts">\nimport Cart from \'./components/Cart.vue\';\n</script>\n<template><Cart /></template>\n');
    repo.write('apps/shop/src/components/Cart.vue', '<script setup lang="ts">\nimport { total } from \'@acme/core\';\nconst n = total([1, 2]);\n</script>\n<template>{{ n }}</template>\n');
    repo.commit('workspace');
    repo.write('packages/core/src/index.ts', "export const total = (xs: number[]) => xs.length + 0;\n");
    repo.commit('core');
    const report = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(report.apps.map((a) => [a.name, a.reasons[0]!.kind])).toEqual([['shop', 'input']]);
    expect(report.apps[0]!.reasons[0]!.chain).toEqual(['apps/shop/src/main.ts', 'apps/shop/src/App.vue', 'apps/shop/src/components/Cart.vue', 'packages/core/src/index.ts']);
  });
});

describe('a workspace package declared at a release the workspace does not have', () => {
  it('is the registry release (an npm package), not the workspace source; a workspace: link still is the source', async () => {
    repo = createEmptyRepo();
    repo.write('package.json', json({ name: 'root', private: true, workspaces: ['apps/*', 'packages/*'] }));
    repo.write('packages/toolkit/package.json', json({ name: '@acme/toolkit', version: '2.3.0', main: 'src/index.ts' }));
    repo.write('packages/toolkit/src/index.ts', "export const slice = 'v2';\n");
    const app = (name: string, spec: string) => {
      repo.write(`apps/${name}/package.json`, json({ name, private: true, scripts: { build: 'vite build' }, dependencies: { '@acme/toolkit': spec } }));
      repo.write(`apps/${name}/vite.config.ts`, 'export default {};\n');
      repo.write(`apps/${name}/index.html`, '<script type="module" src="/src/main.ts"></script>\n');
      repo.write(`apps/${name}/src/main.ts`, "import { slice } from '@acme/toolkit';\nconsole.log(slice);\n");
    };
    app('legacy-example', '^1.9.0');
    app('current', 'workspace:*');
    app('ranged', '^2.0.0');
    repo.commit('workspace');
    repo.write('packages/toolkit/src/index.ts', "export const slice = 'v2!';\n");
    repo.commit('toolkit');
    const report = await readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(report.apps.map((a) => [a.name, a.reasons[0]!.kind])).toEqual([['current', 'input'], ['ranged', 'input']]);
    const { graph } = report.snapshot;
    expect(graph.packages[String(graph.files.indexOf('apps/legacy-example/src/main.ts'))]).toEqual(['@acme/toolkit']);
  });
});
