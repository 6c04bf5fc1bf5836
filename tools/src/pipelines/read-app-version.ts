import type { Warning } from '../errors/tessera-error.js';
import { readHeadLockfile } from '../workspace/read-lockfile.js';
import { loadGraph } from '../graph/load-graph.js';
import { computeAppVersion } from '../plan/plan-builds.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { computeOwnBuild, readBuildRecipe } from './read-build-recipe.js';

/**
 * The version `tessera build --uncommitted` would plan for `app` in this working tree: the
 * plan's own content hash (computeAppVersion) over the graph, lockfile and build recipe (the
 * buildspec, or the app's own build) as they are on disk. Used when `tessera bundle` or
 * `tessera publish` runs outside a build, where TESSERA_VERSION is unset.
 */
export async function readAppVersion(root: string, app: string, config: ResolvedConfig, warnings: Warning[] = []): Promise<string> {
  const { graph, projects } = await loadGraph({ root, config, warnings, revision: { kind: 'worktree' } });
  const recipe = readBuildRecipe(root, config);
  const appConfig = config.apps[app];
  // As planBuilds hashes it: an own build's command and outputs with the app's settings.
  const own = recipe.ownBuild ? computeOwnBuild(app, projects.find((p) => p.name === app)) : null;
  const key = own && 'key' in own ? { config: appConfig ?? null, build: own.key } : appConfig;
  return computeAppVersion(graph, app, await readHeadLockfile(root, null, config.cacheDir), recipe.text, key).version;
}
