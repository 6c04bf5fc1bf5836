import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRepositoryRoot } from '../../git/read-repository.js';
import { startService } from '../../pipelines/start-service.js';
import { resolveWebhookSettings } from '../../webhook/webhook-settings.js';
import { readConfig } from '../../workspace/read-workspace.js';
import type { Command } from '../command.js';
import { readStringFlag, readWorkspaceDir } from '../resolve-flags.js';

/** `tessera serve`: the webhook service, until Ctrl-C or SIGTERM. */
export const serveCommand: Command = {
  summary: 'Run the webhook service: receive GitHub push and pull_request webhooks, build what they touched, report commit statuses.',
  usage: 'tessera serve [--port 3000] [--host 127.0.0.1] [--role both|receive|work] [--json] [--cwd DIR]   (TESSERA_WEBHOOK_SECRET is required; see docs/webhook.md)',
  options: { port: { type: 'string' }, host: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean' } },
  stopping: 'the webhook service',
  async run(values, _positionals, io) {
    const root = readWorkspaceDir(values, io);
    const repoRoot = await readRepositoryRoot(root);
    const settings = resolveWebhookSettings({
      config: readConfig(root), root, repoRoot, env: io.env,
      flags: { port: readStringFlag(values, io, 'port', 'TESSERA_WEBHOOK_PORT'), host: readStringFlag(values, io, 'host', 'TESSERA_WEBHOOK_HOST'), role: readStringFlag(values, io, 'role', 'TESSERA_WEBHOOK_ROLE') },
    });
    const log = (line: string) => io.stderr.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
    const nodeModules = [join(root, 'node_modules'), join(repoRoot, 'node_modules')].find((p) => existsSync(p));
    const service = await startService({ settings, nodeModules, log });
    // One parseable line: tests and scripts read the port from it when they asked for 0.
    const where = service.url ? `listening on ${service.url}` : 'working (role work: no HTTP)';
    // --json: one document once listening (or working, for --role work); the log stays on stderr.
    if (values.json) {
      const doc = { listening: service.url ?? null, role: settings.role, database: settings.database, source: settings.role === 'receive' ? null : settings.source, cloneDir: settings.role === 'receive' ? null : settings.cloneDir };
      io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    }
    io.stderr.write(`tessera serve: ${where} (database ${settings.database}${settings.role === 'receive' ? ', receive only' : `, clone of ${settings.source} in ${settings.cloneDir}`})\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log('stopping: the current delivery goes back to the queue');
    await service.close();
    return 0;
  },
};
