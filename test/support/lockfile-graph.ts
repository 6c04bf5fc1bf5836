import type { GraphSnapshot } from '../../tools/src/graph/graph-cache.js';
import type { FileGraph } from '../../tools/src/graph/file-graph.js';
import type { Project } from '../../tools/src/workspace/project.js';

const app = (name: string, root: string, entries: string[]): Project => ({ name, root, sourceRoot: `${root}/src`, type: 'application', tags: [], implicitDependencies: [], entries, configFile: `${root}/package.json` });

/**
 * The graph of the workspace in lockfile-fixtures.ts: web imports react-dom and libs/ui
 * (which imports react); admin imports react; static imports no package. With
 * `installed: false` the bare imports are also unresolved, as the analysis records them
 * without node_modules (the package of each import is recorded either way).
 */
export function createLockfileGraph(installed = true): GraphSnapshot {
  const files = ['apps/web/src/main.tsx', 'libs/ui/src/button.tsx', 'apps/admin/src/main.tsx', 'apps/static/src/main.ts'];
  const imports: [number, string][] = [[0, 'react-dom'], [1, 'react'], [2, 'react']];
  const graph: FileGraph = {
    files, blobs: files.map((_, i) => `blob${i}`), edges: [[1, 0], [], [], []],
    packages: Object.fromEntries(imports.map(([id, name]) => [String(id), [name]])),
    unresolved: installed ? [] : imports.map(([file, specifier]) => ({ file, specifier, bases: [] })),
    uncertain: [], warnings: [],
    apps: [{ name: 'web', entries: [0] }, { name: 'admin', entries: [2] }, { name: 'static', entries: [3] }],
  };
  const projects = [app('web', 'apps/web', [files[0]!]), app('admin', 'apps/admin', [files[2]!]), app('static', 'apps/static', [files[3]!])];
  return { projects, nx: {} as GraphSnapshot['nx'], tsconfigExtends: {}, excluded: [], graph };
}
