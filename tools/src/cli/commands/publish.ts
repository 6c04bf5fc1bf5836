import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import pc from 'picocolors';
import { isAssetManifest, MANIFEST_FILE } from '../../bundle/asset-manifest.js';
import { readBuildOutput } from '../../bundle/read-build-output.js';
import { TesseraError } from '../../errors/tessera-error.js';
import { openStore } from '../../store/open-store.js';
import { publishBundle } from '../../store/publish-bundle.js';
import { assertSafeName } from '../../store/store.js';
import { readConfig } from '../../workspace/read-workspace.js';
import type { Command } from '../command.js';
import { readStringFlag, readWorkspaceDir } from '../resolve-flags.js';
import { formatBytes, readBuildIdentity } from './bundle.js';

/** Whether `dir` holds a bundle `tessera bundle` wrote (its asset manifest), rather than any build's output. */
function holdsTesseraBundle(dir: string): boolean {
  try {
    return isAssetManifest(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')));
  } catch {
    return false;
  }
}

/** `tessera publish`: uploads a bundle, or any build's output folder, to the store under its version, immutably. */
export const publishCommand: Command = {
  summary: 'Publish a bundle, or the folder an app\'s own build wrote, to the store under its version (immutable; identical republish is a no-op).',
  usage: 'tessera publish --app APP [--dir DIR] [--store URL] [--json] [--cwd DIR]',
  options: { app: { type: 'string' }, dir: { type: 'string' }, store: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const root = readWorkspaceDir(values, io);
    const app = readStringFlag(values, io, 'app', 'TESSERA_APP');
    if (!app) throw new TesseraError('TESSERA_USAGE', '`tessera publish` needs --app APP (or TESSERA_APP)', { hint: 'Usage: tessera publish --app APP [--dir DIR]' });
    assertSafeName('app', app);
    const absolute = (path: string, from: string) => (isAbsolute(path) ? path : resolve(from, path));
    // --dir, else the own build's output folders `tessera build` names (first found), else TESSERA_BUNDLE_DIR, else `tessera bundle`'s default.
    const dirFlag = typeof values.dir === 'string' ? values.dir : undefined;
    const candidates = dirFlag
      ? [absolute(dirFlag, io.cwd)]
      : io.env.TESSERA_OUTPUT_DIRS
        ? io.env.TESSERA_OUTPUT_DIRS.split(':').filter(Boolean).map((d) => absolute(d, root))
        : [io.env.TESSERA_BUNDLE_DIR ? absolute(io.env.TESSERA_BUNDLE_DIR, io.cwd) : resolve(root, 'dist', 'apps', app)];
    const dir = candidates.find((d) => existsSync(d));
    if (!dir) {
      const where = candidates.map((d) => relative(root, d) || '.').join(', ');
      throw candidates.length > 1 || io.env.TESSERA_OUTPUT_DIRS
        ? new TesseraError('TESSERA_BUILD_OUTPUT_NOT_FOUND', `The build of ${app} wrote none of ${where}`)
        : new TesseraError('TESSERA_BUNDLE_NOT_FOUND', `Nothing to publish: ${where} does not exist`);
    }
    const config = readConfig(root);
    const store = await openStore(root, config.store, readStringFlag(values, io, 'store', 'TESSERA_STORE'));
    try {
      let result;
      if (holdsTesseraBundle(dir)) {
        result = await publishBundle({ store, dir });
        if (result.app !== app) throw new TesseraError('TESSERA_USAGE', `${dir} holds a bundle of "${result.app}", not "${app}"`);
      } else {
        // Any other folder is an app's own build output: its files become the version as they are.
        const identity = await readBuildIdentity(root, app, io, config);
        result = await publishBundle({ store, bundle: readBuildOutput({ dir, app, ...identity }) });
      }
      if (values.json) io.stdout.write(JSON.stringify({ ...result, dir }, null, 2) + '\n');
      else {
        const c = pc.createColors(io.color.stderr);
        const what = result.status === 'published' ? c.green('published') : c.dim('unchanged');
        io.stderr.write(`${what} ${app} ${c.dim(result.version)}  ${result.files} files, ${formatBytes(result.bytes)} from ${relative(io.cwd, dir) || '.'}  → ${result.location}\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
