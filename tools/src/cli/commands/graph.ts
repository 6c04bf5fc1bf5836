import { computeReachable } from '../../graph/file-graph.js';
import { findCycles } from '../../graph/find-cycles.js';
import { loadGraph } from '../../graph/load-graph.js';
import { renderGraphDot } from '../../graph/render-graph-dot.js';
import { TesseraError, type Warning } from '../../errors/tessera-error.js';
import { readRepositoryRoot } from '../../git/read-repository.js';
import { readConfig } from '../../workspace/read-workspace.js';
import type { Command } from '../command.js';
import { readCommitId } from '../../git/read-repository.js';
import type { Io } from '../io.js';
import { readChoice, readFormatFlag, readStringFlag, readWorkspaceDir } from '../resolve-flags.js';
import { formatWarnings } from '../format-warnings.js';
import { checkGraphPageFlags, renderGraphPage } from '../render-graph-page.js';

/** `tessera graph`: the apps' file-level input graph of the working tree. */
export const graphCommand: Command = {
  summary: "The apps' file-level input graph of the working tree, as JSON, Graphviz dot or an interactive HTML page; --cycles lists import cycles; --push writes HEAD's snapshot to the store.",
  usage: 'tessera graph [--app NAME] [--json | --format json|dot|html [--why APP --file PATH]] [--cycles] [--project-source tessera|nx] [--push] [--cwd DIR]',
  options: { app: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' }, cycles: { type: 'boolean' }, 'project-source': { type: 'string' }, why: { type: 'string' }, file: { type: 'string' }, push: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const root = readWorkspaceDir(values, io);
    await readRepositoryRoot(root);
    if (values.push) return pushGraph(root, values, io);
    const format = readFormatFlag(values, io, 'TESSERA_FORMAT', ['json', 'dot', 'html'] as const, 'json');
    checkGraphPageFlags(values, format);
    const warnings: Warning[] = [];
    const snapshot = await loadGraph({ root, config: readConfig(root), warnings, revision: { kind: 'worktree' }, projectsFrom: readChoice(readStringFlag(values, io, 'project-source', 'TESSERA_PROJECT_SOURCE'), 'project-source', ['tessera', 'nx'] as const, 'tessera') });
    const { graph } = snapshot;
    if (format === 'html') {
      io.stdout.write(renderGraphPage(snapshot, values, root, io.cwd));
      io.stderr.write(formatWarnings([...warnings, ...graph.warnings], { color: io.color.stderr, verbose: false }));
      return 0;
    }
    let apps = graph.apps;
    if (typeof values.app === 'string') {
      apps = apps.filter((a) => a.name === values.app);
      if (!apps.length) throw new TesseraError('TESSERA_UNKNOWN_APP', `No app named "${values.app}"`, { hint: `Apps: ${graph.apps.map((a) => a.name).join(', ')}` });
    }
    const reach = new Set<number>();
    const perApp = apps.map((app) => {
      const files = computeReachable(graph, app.entries);
      files.forEach((f) => reach.add(f));
      const packages = new Set<string>();
      for (const f of files) for (const p of graph.packages[String(f)] ?? []) packages.add(p);
      return { name: app.name, entries: app.entries.map((e) => graph.files[e]!), files: [...files].map((f) => graph.files[f]!).sort(), packages: [...packages].sort() };
    });
    if (values.cycles) {
      const cycles = findCycles(graph).filter((cycle) => cycle.some((f) => reach.has(graph.files.indexOf(f))));
      if (format === 'json') io.stdout.write(JSON.stringify({ cycles }, null, 2) + '\n');
      else {
        io.stdout.write(cycles.length ? '' : 'No import cycles.\n');
        cycles.forEach((cycle, i) => io.stdout.write(`cycle ${i + 1} (${cycle.length} files):\n${cycle.map((f) => `  ${f}`).join('\n')}\n`));
      }
      if (format === 'json') io.stderr.write(`${cycles.length} import cycle(s)\n`);
      return 0;
    }
    if (format === 'dot') {
      io.stdout.write(renderGraphDot(graph, { apps: perApp, files: reach }));
      return 0;
    }
    io.stdout.write(JSON.stringify({ apps: perApp, unresolved: graph.unresolved.map((u) => ({ file: graph.files[u.file], specifier: u.specifier })), uncertain: graph.uncertain.map((u) => ({ ...u, file: graph.files[u.file] })), warnings: [...warnings, ...graph.warnings] }, null, 2) + '\n');
    return 0;
  },
};

/**
 * `tessera graph --push`: analyses HEAD (or reads it from the cache) and writes its snapshot to
 * the store, for a main-branch CI job that fresh runners then start from. Prints one line; a
 * store it cannot write is an error here, where the push is the point.
 */
async function pushGraph(root: string, values: Parameters<Command['run']>[0], io: Io): Promise<number> {
  const warnings: Warning[] = [];
  const commit = (await readCommitId(root, 'HEAD'))!;
  const projectsFrom = readChoice(readStringFlag(values, io, 'project-source', 'TESSERA_PROJECT_SOURCE'), 'project-source', ['tessera', 'nx'] as const, 'tessera');
  const loaded = await loadGraph({ root, config: readConfig(root), warnings, revision: { kind: 'commit', commit }, projectsFrom, push: true, env: io.env });
  const pushed = loaded.shared!.pushed!;
  if (values.json) {
    io.stdout.write(JSON.stringify({ commit, ...pushed, store: loaded.shared!.store, warnings }, null, 2) + '\n');
    return 0;
  }
  const size = `${(pushed.bytes / 1024).toFixed(1)} KiB, ${(pushed.uncompressedBytes / 1024).toFixed(1)} KiB uncompressed`;
  io.stderr.write(`${pushed.result === 'created' ? 'Pushed' : 'Already in the store:'} the graph snapshot of ${commit.slice(0, 12)} (${pushed.key}, ${size}) ${pushed.result === 'created' ? 'to' : 'at'} ${loaded.shared!.store}\n`);
  // The analysis's own warnings are `tessera graph`'s output; here only what sharing met.
  io.stderr.write(formatWarnings(warnings.filter((w) => w.code.startsWith('TESSERA_GRAPH_SNAPSHOT') || w.code === 'TESSERA_GRAPH_SHARE_FAILED'), { color: io.color.stderr, verbose: false }));
  return 0;
}
