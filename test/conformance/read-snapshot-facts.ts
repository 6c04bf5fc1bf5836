/**
 * Reads Tessera's own snapshot of a commit from its graph cache, right after the built CLI
 * wrote it, and boils it down to what the left-out classification needs: every project
 * (name, root, type, precision) and, for each changed file, its owning project and the apps
 * whose entries reach it. Reading the cache (rather than re-analysing here) guarantees these
 * facts are the ones the CLI's answer came from.
 */
import { join } from 'node:path';
import { readGraphCache, readGraphIndex } from '../../tools/src/graph/graph-cache.js';
import { computeReachable, readFileTable } from '../../tools/src/graph/file-graph.js';
import { readConfig } from '../../tools/src/workspace/read-workspace.js';
import { findOwningProject } from '../../tools/src/workspace/project.js';
import type { SnapshotFacts } from './conformance-types.js';

/**
 * The facts of the snapshot of git tree `tree` (the one the CLI analysed for the range's
 * head), or null when the cache has none (Tessera failed, or wrote it under another key).
 */
export function readSnapshotFacts(dir: string, tree: string, changedFiles: readonly string[]): SnapshotFacts | null {
  const graphsDir = join(dir, readConfig(dir).cacheDir, 'cache', 'graphs');
  // Params end with the project source; the harness runs Tessera's own discovery.
  const entry = readGraphIndex(graphsDir).find((e) => e.tree === tree && e.params.endsWith('\0tessera'));
  if (!entry) return null;
  const snapshot = readGraphCache(graphsDir, entry.key, []);
  if (!snapshot) return null;
  const { graph } = snapshot;
  const table = readFileTable(graph);
  const reach = graph.apps.map((a) => ({ name: a.name, files: computeReachable(graph, a.entries) }));
  return {
    projects: snapshot.projects.map((p) => ({ name: p.name, root: p.root, type: p.type, ...(p.precision ? { precision: p.precision } : {}), ...(p.dependsOn ? { dependsOn: p.dependsOn } : {}) })),
    files: changedFiles.map((path) => {
      const id = table.idOf(path);
      return {
        path,
        owner: findOwningProject(snapshot.projects, path)?.name ?? null,
        inGraph: id !== undefined,
        reachedBy: id === undefined ? [] : reach.filter((r) => r.files.has(id)).map((r) => r.name).sort(),
      };
    }),
  };
}
