import { describe, expect, it } from 'vitest';
import { classifyProject, type ProjectFacts } from '../../../tools/src/workspace/classify-project.js';

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


const src = { 'src/index.ts': 'export const x = 1;\n' };
const html = '<!doctype html><script type="module" src="/src/main.ts"></script>\n';

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
    ['an app with an e2e target whose build an Nx plugin infers (it has a framework config)', { 'project.json': '{}', 'next.config.js': 'module.exports = {}\n', 'app/page.tsx': '' }, { targets: { e2e: {} } }, 'application'],
    ['a declared library with an e2e target', { 'project.json': '{}', ...src }, { projectType: 'library', targets: { e2e: {} } }, 'library'],
    ['a helper package named *-e2e-helpers', { 'package.json': json({ name: 'web-e2e-helpers', private: true }), ...src }, {}, 'library'],
  ] as const)('not e2e: %s', (_, files, nx: Record<string, unknown>, expected) => {
    expect(classifyProject(project(files, nx), nx.projectType === 'library' ? 'library' : null, false).type).toBe(expected);
  });
});
