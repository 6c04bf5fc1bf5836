import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Warning } from '../errors/tessera-error.js';
import { readHeadLockfile } from '../workspace/read-lockfile.js';
import { loadGraph } from '../graph/load-graph.js';
import { computeAppVersion } from '../plan/plan-builds.js';
import type { ResolvedConfig } from '../workspace/config.js';

/**
 * The version `tessera build --uncommitted` would plan for `app` in this working tree: the
 * plan's own content hash (computeAppVersion) over the graph, lockfile and buildspec as they
 * are on disk. Used when `tessera bundle` runs outside a build, where TESSERA_VERSION is unset.
 */
export async function readAppVersion(root: string, app: string, config: ResolvedConfig, warnings: Warning[] = []): Promise<string> {
  const { graph } = await loadGraph({ root, config, warnings, revision: { kind: 'worktree' } });
  const buildspec = join(root, 'buildspec.yml');
  const buildConfig = existsSync(buildspec) ? readFileSync(buildspec, 'utf8') : '';
  return computeAppVersion(graph, app, await readHeadLockfile(root, null, config.cacheDir), buildConfig, config.apps[app]).version;
}
