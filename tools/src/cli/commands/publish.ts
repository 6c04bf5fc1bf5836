import { isAbsolute, resolve } from 'node:path';
import pc from 'picocolors';
import { TesseraError } from '../../errors/tessera-error.js';
import { openStore } from '../../store/open-store.js';
import { publishBundle, readBundleDir } from '../../store/publish-bundle.js';
import { assertSafeName } from '../../store/store.js';
import { readConfig } from '../../workspace/read-workspace.js';
import type { Command } from '../command.js';
import { readStringFlag, readWorkspaceDir } from '../resolve-flags.js';
import { formatBytes } from './bundle.js';

/** `tessera publish`: uploads a bundle to the store under its version, immutably. */
export const publishCommand: Command = {
  summary: 'Publish a bundle to the store under its version (immutable; identical republish is a no-op).',
  usage: 'tessera publish --app APP [--dir DIR] [--store URL] [--json] [--cwd DIR]',
  options: { app: { type: 'string' }, dir: { type: 'string' }, store: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const root = readWorkspaceDir(values, io);
    const app = readStringFlag(values, io, 'app', 'TESSERA_APP');
    if (!app) throw new TesseraError('TESSERA_USAGE', '`tessera publish` needs --app APP (or TESSERA_APP)', { hint: 'Usage: tessera publish --app APP [--dir DIR]' });
    assertSafeName('app', app);
    const dirFlag = readStringFlag(values, io, 'dir', 'TESSERA_BUNDLE_DIR');
    const dir = dirFlag ? (isAbsolute(dirFlag) ? dirFlag : resolve(io.cwd, dirFlag)) : resolve(root, 'dist', 'apps', app);
    const { manifest } = await readBundleDir(dir);
    if (manifest.app !== app) throw new TesseraError('TESSERA_USAGE', `${dir} holds a bundle of "${manifest.app}", not "${app}"`);
    const store = await openStore(root, readConfig(root).store, readStringFlag(values, io, 'store', 'TESSERA_STORE'));
    try {
      const result = await publishBundle({ store, dir });
      if (values.json) io.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else {
        const c = pc.createColors(io.color.stderr);
        const what = result.status === 'published' ? c.green('published') : c.dim('unchanged');
        io.stderr.write(`${what} ${app} ${c.dim(result.version)}  ${result.files} files, ${formatBytes(result.bytes)}  → ${result.location}\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
