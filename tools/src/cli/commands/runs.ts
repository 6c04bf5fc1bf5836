import { join } from 'node:path';
import { TesseraError } from '../../errors/tessera-error.js';
import { createRunsStore } from '../../runs/runs-store.js';
import { readConfig } from '../../workspace/read-workspace.js';
import { formatDuration } from '../../runs/format-duration.js';
import { formatRunDetail, computeRunDocument } from '../format-run.js';
import type { Command } from '../command.js';
import { readWorkspaceDir } from '../resolve-flags.js';

/** `tessera runs`: the run history. */
export const runsCommand: Command = {
  summary: 'The run history: `runs list` (default) or `runs show ID|latest`.',
  usage: 'tessera runs [list [--limit N] | show ID|latest] [--json] [--cwd DIR]',
  allowPositionals: true,
  options: { json: { type: 'boolean' }, limit: { type: 'string' } },
  async run(values, positionals, io) {
    const root = readWorkspaceDir(values, io);
    const config = readConfig(root);
    const [action = 'list', id] = positionals;
    const store = createRunsStore(join(root, config.cacheDir, 'tessera.db'));
    try {
      if (action === 'list') {
        const limit = values.limit === undefined ? 20 : Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new TesseraError('TESSERA_USAGE', `--limit must be a whole number of at least 1; received "${values.limit}"`);
        const runs = store.listRuns({ limit });
        if (values.json) io.stdout.write(JSON.stringify(runs, null, 2) + '\n');
        else if (!runs.length) io.stdout.write('No runs yet. Start one with `tessera build --affected`.\n');
        else for (const r of runs) io.stdout.write(`${r.id}  ${r.status.padEnd(11)} ${String(r.jobs).padStart(3)} job(s) ${r.failed ? `${r.failed} failed ` : ''} ${r.end ? formatDuration(Date.parse(r.end) - Date.parse(r.start)) : '(running)'}  ${r.trigger}  ${r.base ? `${r.base} → ` : ''}${r.head}\n`);
        return 0;
      }
      if (action === 'show') {
        if (!id) throw new TesseraError('TESSERA_USAGE', '`tessera runs show` needs a run id (or `latest`)', { hint: 'Run `tessera runs list` to see the ids.' });
        const run = store.readRun(id);
        io.stdout.write(values.json ? JSON.stringify(computeRunDocument(run), null, 2) + '\n' : formatRunDetail(run, io.color));
        return 0;
      }
      throw new TesseraError('TESSERA_USAGE', `Unknown runs action "${action}"`, { hint: 'Use `tessera runs list` or `tessera runs show ID`.' });
    } finally {
      store.close();
    }
  },
};
