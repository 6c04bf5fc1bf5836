/**
 * The parser engine (each file parsed once, imports resolved with esbuild's rules) against
 * the bundler engine (every app bundled by esbuild, its metafile read) on generated
 * workspaces of every shape the tests know: both must build the same graph. The one
 * allowed difference is the label of an import TypeScript erases because its names are used
 * only as types (`import { A } from './a'` with `A` a type): the bundler calls it `type`, the
 * parser, which reads syntax, `static`; they are compared as one kind.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAffected } from '../../tools/src/affected/read-affected.js';
import { EDGE_KINDS, type FileGraph } from '../../tools/src/graph/file-graph.js';
import { generateWorkspace } from '../support/generate-workspace.js';
import { NODE_MODULES, RandomWorkspace } from '../support/random-workspace.js';
import { createEmptyRepo, createSampleRepo, REPO_ROOT } from '../support/sample-repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** The graph as comparable sets of facts, by path (ids differ between engines). */
function factsOf(graph: FileGraph) {
  const path = (id: number) => graph.files[id]!;
  const kind = (k: number) => (EDGE_KINDS[k] === 'type' ? 'static' : EDGE_KINDS[k]!);
  const edges: string[] = [];
  graph.edges.forEach((list, from) => {
    for (let i = 0; i < list.length; i += 2) edges.push(`${path(from)} -> ${path(list[i]!)} (${kind(list[i + 1]!)})`);
  });
  const reach = (entries: number[]) => {
    const seen = new Set(entries);
    const stack = [...entries];
    while (stack.length) {
      const list = graph.edges[stack.pop()!]!;
      for (let i = 0; i < list.length; i += 2) if (!seen.has(list[i]!)) (seen.add(list[i]!), stack.push(list[i]!));
    }
    return [...seen].map(path).sort();
  };
  return {
    apps: Object.fromEntries(graph.apps.map((a) => [a.name, reach(a.entries)])),
    files: [...graph.files].sort(),
    edges: edges.sort(),
    packages: Object.entries(graph.packages).map(([id, names]) => `${path(Number(id))}: ${names.join(', ')}`).sort(),
    unresolved: graph.unresolved.map((u) => `${path(u.file)} imports ${u.specifier}`).sort(),
    uncertain: graph.uncertain.map((u) => `${path(u.file)}: ${u.kind}`).sort(),
    warnings: graph.warnings.map((w) => w.code).sort(),
  };
}

/** The cold graph of the working tree's HEAD by one engine (the cache emptied first, so nothing is reused). */
async function graphBy(dir: string, engine: 'parser' | 'bundler', extraEnv: Record<string, string> = {}): Promise<FileGraph> {
  rmSync(join(dir, '.tessera'), { recursive: true, force: true });
  const report = await readAffected({ root: dir, base: 'HEAD', head: 'HEAD', env: { ...process.env, TESSERA_GRAPH_ENGINE: engine, ...extraEnv } });
  return report.snapshot.graph;
}

async function expectSameGraph(dir: string) {
  const bundler = factsOf(await graphBy(dir, 'bundler'));
  const parser = factsOf(await graphBy(dir, 'parser'));
  expect(bundler.files.length).toBeGreaterThan(0);
  expect(parser).toEqual(bundler);
}

describe('the parser engine builds the graph the bundler engine builds', () => {
  it('on the sample workspace', async () => {
    const repo = createSampleRepo();
    cleanups.push(() => repo.cleanup());
    await expectSameGraph(repo.dir);
  });

  for (const [shape, seeds] of [['nx', [1, 2, 3, 4]], ['packages', [1, 2, 3]]] as const) {
    for (const seed of seeds) {
      it(`on random workspace ${shape} #${seed} (barrels, deep imports, type-only imports, CSS, assets, lazy routes, npm packages)`, async () => {
        const ws = RandomWorkspace.create(seed, shape);
        cleanups.push(() => ws.cleanup());
        await expectSameGraph(ws.dir);
      });
    }
  }

  it('on a workspace whose apps pin a workspace package to a registry release, through a path alias and without one', async () => {
    const repo = createEmptyRepo();
    cleanups.push(() => repo.cleanup());
    const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
    repo.write('package.json', json({ name: 'root', private: true, workspaces: ['apps/*', 'packages/*'] }));
    repo.write('tsconfig.json', json({ compilerOptions: { paths: { '@acme/ui': ['./packages/ui/src/index.ts'] } } }));
    repo.write('packages/ui/package.json', json({ name: '@acme/ui', version: '2.0.0', main: 'dist/index.js' }));
    repo.write('packages/ui/src/index.ts', "export { button } from './button';\n");
    repo.write('packages/ui/src/button.ts', "export const button = 'b';\n");
    for (const app of ['web', 'legacy', 'linked']) {
      const ui = app === 'linked' ? '*' : '^1.4.0';
      repo.write(`apps/${app}/package.json`, json({ name: app, private: true, scripts: { build: 'vite build' }, dependencies: { '@acme/ui': ui } }));
      repo.write(`apps/${app}/vite.config.ts`, 'export default {};\n');
      repo.write(`apps/${app}/index.html`, '<script type="module" src="/src/main.ts"></script>\n');
      repo.write(`apps/${app}/src/main.ts`, "import { button } from '@acme/ui';\nconsole.log(button);\n");
    }
    // legacy compiles with a tsconfig of its own, without the alias: its pinned release is an npm package.
    repo.write('apps/legacy/tsconfig.json', json({ compilerOptions: { strict: true } }));
    repo.commit('workspace');
    await expectSameGraph(repo.dir);
    const graph = await graphBy(repo.dir, 'parser');
    const reach = factsOf(graph).apps;
    expect(reach.web).toContain('packages/ui/src/button.ts');
    expect(reach.linked).toContain('packages/ui/src/button.ts');
    expect(reach.legacy).toContain('apps/legacy/src/main.ts');
    expect(reach.legacy).not.toContain('packages/ui/src/button.ts');
  });

  for (const shape of ['tree', 'barrel'] as const) {
    it(`on the benchmark's ${shape} shape`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `tessera-engines-${shape}-`));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      generateWorkspace(dir, { apps: 6, libs: 24, filesPerLib: 12, filesPerApp: 12, seed: 11, shape, nodeModules: NODE_MODULES, edits: false });
      await expectSameGraph(dir);
    });
  }
});

describe('the parser engine on worker threads', () => {
  it('builds the graph it builds on the main thread alone (the built CLI, whose worker script exists)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-engines-threads-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    generateWorkspace(dir, { apps: 8, libs: 40, filesPerLib: 16, filesPerApp: 16, seed: 12, shape: 'barrel', nodeModules: NODE_MODULES, edits: false });
    const graphWith = (threads: string) => {
      rmSync(join(dir, '.tessera'), { recursive: true, force: true });
      return execFileSync(process.execPath, [join(REPO_ROOT, 'tools/bin/tessera.js'), 'graph', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TESSERA_GRAPH_THREADS: threads, NO_COLOR: '1' } });
    };
    const alone = JSON.parse(graphWith('0')) as { apps: { files: string[] }[] };
    expect(alone.apps.length).toBe(8);
    expect(alone.apps.every((a) => a.files.length > 10)).toBe(true);
    expect(JSON.parse(graphWith('2'))).toEqual(alone);
  });
});
