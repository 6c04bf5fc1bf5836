import pc from 'picocolors';
import { TesseraError } from '../../errors/tessera-error.js';
import { openStore } from '../../store/open-store.js';
import { readVersions } from '../../store/read-versions.js';
import { readConfig } from '../../workspace/read-workspace.js';
import type { Command } from '../command.js';
import { readStringFlag, readWorkspaceDir } from '../resolve-flags.js';
import { formatBytes } from './bundle.js';

/** `tessera versions APP`: the published versions of an app, newest first. */
export const versionsCommand: Command = {
  summary: 'List the published versions of an app with their commit, build and size.',
  usage: 'tessera versions APP [--store URL] [--json] [--cwd DIR]',
  allowPositionals: true,
  options: { store: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const root = readWorkspaceDir(values, io);
    const [app, extra] = positionals;
    if (!app || extra) throw new TesseraError('TESSERA_USAGE', '`tessera versions` takes exactly one app name', { hint: 'Usage: tessera versions APP [--json]' });
    const store = await openStore(root, readConfig(root).store, readStringFlag(values, io, 'store', 'TESSERA_STORE'));
    try {
      const versions = await readVersions(store, app);
      if (values.json) {
        io.stdout.write(JSON.stringify({ app, store: store.location, versions }, null, 2) + '\n');
        return 0;
      }
      const c = pc.createColors(io.color.stdout);
      if (!versions.length) io.stderr.write(`No published versions of ${app} in ${store.location}. Build it with \`tessera build ${app}\`.\n`);
      for (const v of versions) io.stdout.write(`${v.version}  ${v.builtAt.replace('T', ' ').slice(0, 19)}  ${c.dim((v.commit ?? '-').slice(0, 10))}  ${String(v.files).padStart(4)} files ${formatBytes(v.bytes).padStart(9)}  ${c.dim(v.buildId)}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
