import { join } from 'node:path';
import { TesseraError } from '../../errors/tessera-error.js';
import { createRunsStore } from '../../runs/runs-store.js';
import { readConfig } from '../../workspace/read-workspace.js';
import { formatDuration } from '../../runs/format-duration.js';
import { formatRunDetail, computeRunDocument } from '../format-run.js';
import type { Command } from '../command.js';
import type { Io } from '../io.js';
import { readRepositoryRoot } from '../../git/read-repository.js';
import { parseDuration } from '../../release/parse-duration.js';
import { createReportLinks } from '../../webhook/report-access.js';
import { resolveWebhookSettings } from '../../webhook/webhook-settings.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import { readWorkspaceDir } from '../resolve-flags.js';

/**
 * `tessera runs link ID`: a signed link to a run's report on `tessera serve`, as its commit
 * statuses carry, for whoever should read it (the service's settings: the same variables and
 * configuration as `tessera serve`, TESSERA_WEBHOOK_SECRET included).
 */
async function printLink(root: string, config: ResolvedConfig, id: string | undefined, expires: string | undefined, json: boolean, io: Io): Promise<number> {
  if (!id) throw new TesseraError('TESSERA_USAGE', '`tessera runs link` needs a run id (or `latest`)', { hint: 'Run `tessera deliveries list` to see the service\'s runs.' });
  const settings = resolveWebhookSettings({ config, root, repoRoot: await readRepositoryRoot(root), env: io.env, flags: {} });
  const ttlMs = expires === undefined ? settings.reportLinkTtlMs : parseDuration(expires);
  if (ttlMs === null) throw new TesseraError('TESSERA_USAGE', `--expires must be a duration such as 12h or 7d; received "${expires}"`);
  const store = createRunsStore(settings.database);
  try {
    const run = store.readRun(id);
    const now = new Date();
    const url = createReportLinks({ key: settings.reportKey, ttlMs, now: () => now }).url(settings.publicUrl, run.id);
    // The link's token carries its expiry in whole seconds, rounded up.
    const expiresAt = new Date(Math.ceil((now.getTime() + ttlMs) / 1000) * 1000).toISOString();
    io.stdout.write(json ? JSON.stringify({ run: run.id, url, expires: expiresAt }, null, 2) + '\n' : `${url}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** `tessera runs`: the run history. */
export const runsCommand: Command = {
  summary: 'The run history: `runs list` (default) or `runs show ID|latest`; `runs link ID` signs a link to a report on `tessera serve`.',
  usage: 'tessera runs [list [--limit N] | show ID|latest | link ID|latest [--expires 7d]] [--json] [--cwd DIR]',
  allowPositionals: true,
  options: { json: { type: 'boolean' }, limit: { type: 'string' }, expires: { type: 'string' } },
  async run(values, positionals, io) {
    const root = readWorkspaceDir(values, io);
    const config = readConfig(root);
    const [action = 'list', id] = positionals;
    if (action === 'link') return printLink(root, config, id, values.expires as string | undefined, values.json === true, io);
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
        io.stdout.write(values.json ? JSON.stringify(computeRunDocument(run), null, 2) + '\n' : formatRunDetail(run, io.color.stdout));
        return 0;
      }
      throw new TesseraError('TESSERA_USAGE', `Unknown runs action "${action}"`, { hint: 'Use `tessera runs list`, `tessera runs show ID` or `tessera runs link ID`.' });
    } finally {
      store.close();
    }
  },
};
