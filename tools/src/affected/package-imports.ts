import type { FileGraph } from '../graph/file-graph.js';

/**
 * The packages each file imports, by file id, as the graph records them: every bare import
 * of an npm package, whether node_modules has it or not (see addPackageImport in the graph's
 * analysis), so the lockfile alone says what it resolves to.
 */
export function computePackageImports(graph: FileGraph): Map<number, Set<string>> {
  const imports = new Map<number, Set<string>>();
  for (const [id, names] of Object.entries(graph.packages)) imports.set(Number(id), new Set(names));
  return imports;
}
