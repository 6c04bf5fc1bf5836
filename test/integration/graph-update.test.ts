import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Warning } from '../../tools/src/errors/tessera-error.js';
import { computeReachable, EDGE_KINDS } from '../../tools/src/graph/file-graph.js';
import { loadGraph, type LoadedGraph } from '../../tools/src/graph/load-graph.js';
import { readConfig } from '../../tools/src/workspace/read-workspace.js';
import { createSampleRepo, type TestRepo } from '../support/sample-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

/** The graph as the apps see it: per app, every reachable file with its typed edges and packages. */
function canonical(loaded: LoadedGraph) {
  const { graph } = loaded;
  return Object.fromEntries(
    graph.apps.map((app) => {
      const reach = [...computeReachable(graph, app.entries)];
      const lines = reach.map((id) => {
        const edges = [];
        for (let i = 0; i < graph.edges[id]!.length; i += 2) edges.push(`${graph.files[graph.edges[id]![i]!]}:${EDGE_KINDS[graph.edges[id]![i + 1]!]}`);
        return `${graph.files[id]} ${graph.blobs[id]} -> ${edges.sort().join(',')} | ${(graph.packages[String(id)] ?? []).join(',')}`;
      });
      return [app.name, lines.sort()];
    }),
  );
}

/** Each unresolved import, by importer path. */
const unresolvedOf = ({ graph }: LoadedGraph) => graph.unresolved.map((u) => `${graph.files[u.file]} ${u.specifier}`).sort();

const load = (r: TestRepo, revision: Parameters<typeof loadGraph>[0]['revision']) => {
  const warnings: Warning[] = [];
  return loadGraph({ root: r.dir, config: readConfig(r.dir), revision, warnings });
};

describe('updating a cached graph for modified files', () => {
  it('gives exactly the graph a full analysis gives, for a new commit and for the working tree', async () => {
    repo = createSampleRepo();
    const first = await load(repo, { kind: 'commit', commit: repo.git('rev-parse', 'HEAD') });
    expect(first.cache).toBe('miss');

    // New value import, new type-only import, a dropped import and a new CSS @import — all in modified files.
    repo.append('libs/formatting/src/dates.ts', "\nimport { formatMoney } from './currency';\nexport const priceOfDay = formatMoney;\nimport type { Learner } from '@acme/models';\nexport type DayLearner = Learner;\n");
    repo.write('apps/search/src/App.tsx', repo.read('apps/search/src/App.tsx').replace(/^import .*analytics.*$/m, ''));
    repo.append('libs/page-header/src/page-header.css', "\n@import '../../theme/src/tokens.css';\n");
    const head = repo.commit('edits');
    const updated = await load(repo, { kind: 'commit', commit: head });
    expect(updated.cache).toBe('update');

    rmSync(join(repo.dir, '.tessera'), { recursive: true, force: true });
    const full = await load(repo, { kind: 'commit', commit: head });
    expect(full.cache).toBe('miss');
    expect(canonical(updated)).toEqual(canonical(full));

    repo.append('libs/i18n/src/translate.ts', "\nimport { priceOfDay } from '@acme/formatting/dates';\nexport const today = priceOfDay;\n");
    const worktreeUpdated = await load(repo, { kind: 'worktree' });
    expect(worktreeUpdated.cache).toBe('update');
    rmSync(join(repo.dir, '.tessera'), { recursive: true, force: true });
    const worktreeFull = await load(repo, { kind: 'worktree' });
    expect(canonical(worktreeUpdated)).toEqual(canonical(worktreeFull));
  });

  /**
   * Loads `head` (HEAD) while the working tree differs from it (an uncommitted edit that would
   * add an edge, and the untracked file it imports), then again from a clean tree without the
   * cache, and holds the first to the second.
   */
  const expectCommitNotWorkingTree = async (head: string, cache: LoadedGraph['cache']) => {
    repo.append('libs/formatting/src/dates.ts', "\nimport { later } from './later';\nexport const l = later;\n");
    repo.write('libs/formatting/src/later.ts', 'export const later = 1;\n');
    const fromDirty = await load(repo, { kind: 'commit', commit: head });
    expect(fromDirty.cache).toBe(cache);
    expect(fromDirty.graph.files).not.toContain('libs/formatting/src/later.ts');

    rmSync(join(repo.dir, '.tessera'), { recursive: true, force: true });
    repo.git('checkout', '--', 'libs/formatting/src/dates.ts');
    rmSync(join(repo.dir, 'libs/formatting/src/later.ts'));
    const fromClean = await load(repo, { kind: 'commit', commit: head });
    expect(canonical(fromDirty)).toEqual(canonical(fromClean));
  };

  it('updates the graph of HEAD from the commit, not from a working tree that differs from it', async () => {
    repo = createSampleRepo();
    expect((await load(repo, { kind: 'commit', commit: repo.git('rev-parse', 'HEAD') })).cache).toBe('miss');
    repo.append('libs/formatting/src/dates.ts', "\nimport { formatMoney } from './currency';\nexport const priceOfDay = formatMoney;\n");
    await expectCommitNotWorkingTree(repo.commit('edits'), 'update');
  });

  it('analyses HEAD in full from the commit, not from a working tree that differs from it', async () => {
    repo = createSampleRepo();
    await expectCommitNotWorkingTree(repo.git('rev-parse', 'HEAD'), 'miss');
  });

  it('one shared tsconfig gives the graph of per-file tsconfigs, and is refused when a project differs', async () => {
    repo = createSampleRepo();
    const { analyzeApps } = await import('../../tools/src/graph/analyze-apps.js');
    const { readWorkspace } = await import('../../tools/src/workspace/read-workspace.js');
    const { readAliases, readSharedTsconfig } = await import('../../tools/src/graph/read-aliases.js');
    const workspace = await readWorkspace(repo.dir);
    const roots = workspace.projects.map((p) => p.root);
    const files = repo.git('ls-files').split('\n');
    expect(readSharedTsconfig(repo.dir, files, roots)).toBe('tsconfig.base.json');
    const options = { root: repo.dir, apps: workspace.apps.map((a) => ({ name: a.name, entries: a.entries })), largeFiles: [], aliases: readAliases(repo.dir), outdir: join(repo.dir, '.tessera', 'graph-out') };
    const wrap = (graph: Awaited<ReturnType<typeof analyzeApps>>) => canonical({ graph: { ...graph, blobs: graph.files.map(() => '') }, projects: [], nx: { defaultBase: null, appsDir: 'apps', raw: {} }, tsconfigExtends: {}, excluded: [], key: '', cache: 'miss', shared: null });
    expect(wrap(await analyzeApps({ ...options, tsconfig: 'tsconfig.base.json' }))).toEqual(wrap(await analyzeApps(options)));

    const lib = JSON.parse(repo.read('libs/i18n/tsconfig.json'));
    repo.write('libs/i18n/tsconfig.json', JSON.stringify({ ...lib, compilerOptions: { ...lib.compilerOptions, jsxImportSource: 'preact' } }));
    expect(readSharedTsconfig(repo.dir, files, roots)).toBeNull();
    repo.write('libs/i18n/tsconfig.json', JSON.stringify({ ...lib, extends: undefined, compilerOptions: { strict: true } }));
    expect(readSharedTsconfig(repo.dir, files, roots)).toBeNull();
  });

  it('analysing the apps in several esbuild builds gives the graph of one build', async () => {
    repo = createSampleRepo();
    const { analyzeApps, planAppsPerBuild, SINGLE_BUILD_MAX_FILES } = await import('../../tools/src/graph/analyze-apps.js');
    const { readWorkspace } = await import('../../tools/src/workspace/read-workspace.js');
    const { readAliases } = await import('../../tools/src/graph/read-aliases.js');
    const workspace = await readWorkspace(repo.dir);
    const options = { root: repo.dir, apps: workspace.apps.map((a) => ({ name: a.name, entries: a.entries })), largeFiles: [], aliases: readAliases(repo.dir), tsconfig: 'tsconfig.base.json', outdir: join(repo.dir, '.tessera', 'graph-out') };
    const wrap = (graph: Awaited<ReturnType<typeof analyzeApps>>) => canonical({ graph: { ...graph, blobs: graph.files.map(() => '') }, projects: [], nx: { defaultBase: null, appsDir: 'apps', raw: {} }, tsconfigExtends: {}, excluded: [], key: '', cache: 'miss', shared: null });
    const whole = wrap(await analyzeApps(options));
    expect(workspace.apps.length).toBeGreaterThan(2);
    // Apps share libs (page-header everywhere): later builds meet files earlier builds read, as stubs.
    expect(wrap(await analyzeApps({ ...options, appsPerBuild: 1 }))).toEqual(whole);
    expect(wrap(await analyzeApps({ ...options, appsPerBuild: 2 }))).toEqual(whole);

    expect(planAppsPerBuild(100, SINGLE_BUILD_MAX_FILES)).toBe(100);
    expect(planAppsPerBuild(1000, 120_000)).toBe(83);
    expect(planAppsPerBuild(3, 1_000_000)).toBe(1);
  });

  it('analyses in full when a file that steers resolution changed, or a deleted file was an entry', async () => {
    repo = createSampleRepo();
    await load(repo, { kind: 'commit', commit: repo.git('rev-parse', 'HEAD') });
    repo.write('tsconfig.base.json', repo.read('tsconfig.base.json').replace('"strict": true', '"strict": true, "noImplicitOverride": true'));
    expect((await load(repo, { kind: 'commit', commit: repo.commit('tsconfig') })).cache).toBe('miss');
    repo.remove('apps/search/src/main.tsx');
    expect((await load(repo, { kind: 'commit', commit: repo.commit('entry gone') })).cache).toBe('miss');
    repo.git('checkout', 'HEAD~1', '--', 'apps/search/src/main.tsx');
    repo.commit('entry back');
    // A framework's config file makes the app another framework's, with another entry: the projects differ.
    repo.write('apps/search/next.config.js', 'module.exports = {};\n');
    expect((await load(repo, { kind: 'commit', commit: repo.commit('a framework config') })).cache).toBe('miss');
  });
});

describe('updating a cached graph for added and deleted files', () => {
  /** Commits what `edit` did, updates the previous commit's graph to it, and holds the update to a full analysis of the same commit. */
  const expectUpdateLikeFull = async (message: string, edit: () => void) => {
    edit();
    const head = repo.commit(message);
    const updated = await load(repo, { kind: 'commit', commit: head });
    const cache = join(repo.dir, '.tessera');
    const kept = join(repo.dir, '..', `kept-${Date.now()}`);
    // The full analysis runs without the cache; the cache comes back for the next step's update.
    renameSync(cache, kept);
    const full = await load(repo, { kind: 'commit', commit: head });
    rmSync(cache, { recursive: true, force: true });
    renameSync(kept, cache);
    expect({ message, cache: updated.cache }).toEqual({ message, cache: 'update' });
    expect(canonical(updated)).toEqual(canonical(full));
    expect(unresolvedOf(updated)).toEqual(unresolvedOf(full));
    return updated;
  };

  it('gives exactly the graph a full analysis gives, step by step', async () => {
    repo = createSampleRepo();
    await load(repo, { kind: 'commit', commit: repo.git('rev-parse', 'HEAD') });
    await expectUpdateLikeFull('a new file, imported by an edited one', () => {
      repo.write('libs/formatting/src/extra.ts', 'export const extra = 1;\n');
      repo.append('libs/formatting/src/dates.ts', "\nexport { extra } from './extra';\n");
    });
    // index.ts's `./dates` took dates.ts; a dates.tsx comes first in esbuild's extension order.
    const shadowed = await expectUpdateLikeFull('a file that takes an unchanged import', () => repo.write('libs/formatting/src/dates.tsx', "export const formatDate = (d: Date) => d.toISOString();\n"));
    expect(shadowed.graph.files).toContain('libs/formatting/src/dates.tsx');
    await expectUpdateLikeFull('the file deleted again: the import falls back', () => {
      repo.remove('libs/formatting/src/dates.tsx');
      // Not the first step's tree again, which would be a cache hit.
      repo.append('libs/formatting/src/duration.ts', '\n// after dates.tsx\n');
    });
    await expectUpdateLikeFull('an import of a file that is not there yet', () => repo.append('libs/formatting/src/currency.ts', "\nexport { later } from './later';\n"));
    await expectUpdateLikeFull('the file it names, added', () => repo.write('libs/formatting/src/later.ts', 'export const later = 2;\n'));
    await expectUpdateLikeFull('a glob import that matches nothing yet', () => repo.append('libs/i18n/src/translate.ts', '\nexport const load = (lang: string) => import(`./locales/${lang}.json`);\n'));
    const globbed = await expectUpdateLikeFull('a file the glob matches, added', () => repo.write('libs/i18n/src/locales/fr.json', '{"hello": "bonjour"}\n'));
    expect(globbed.graph.files).toContain('libs/i18n/src/locales/fr.json');
    // baseUrl is ".": a bare name resolves to a workspace file before any package.
    await expectUpdateLikeFull('a bare import of a package that is not installed', () => repo.append('libs/formatting/src/duration.ts', "\nexport { vendored } from 'vendor/vendored';\n"));
    await expectUpdateLikeFull('a file under baseUrl that answers to it, added', () => repo.write('vendor/vendored.ts', 'export const vendored = 3;\n'));
    await expectUpdateLikeFull('an imported file deleted, its importer unchanged', () => repo.remove('libs/formatting/src/later.ts'));
    await expectUpdateLikeFull("a file in an app's folder that changes none of its projects", () => repo.write('apps/search/src/components/unused.ts', 'export const unused = 1;\n'));
  });

  it('updates the working tree for untracked and deleted files', async () => {
    repo = createSampleRepo();
    await load(repo, { kind: 'commit', commit: repo.git('rev-parse', 'HEAD') });
    repo.write('libs/formatting/src/scratch.ts', 'export const scratch = 1;\n');
    repo.append('libs/formatting/src/dates.ts', "\nexport { scratch } from './scratch';\n");
    repo.remove('libs/formatting/src/unused-legacy.ts');
    repo.write('libs/formatting/src/currency.tsx', 'export const formatMoney = () => "";\n');
    const updated = await load(repo, { kind: 'worktree' });
    expect(updated.cache).toBe('update');
    expect(updated.graph.files).toContain('libs/formatting/src/scratch.ts');
    rmSync(join(repo.dir, '.tessera'), { recursive: true, force: true });
    const full = await load(repo, { kind: 'worktree' });
    expect(full.cache).toBe('miss');
    expect(canonical(updated)).toEqual(canonical(full));
    expect(unresolvedOf(updated)).toEqual(unresolvedOf(full));
  });
});
