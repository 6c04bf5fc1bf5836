import pc from 'picocolors';
import { TesseraError } from '../../errors/tessera-error.js';
import { createDeliveriesStore, DELIVERY_STATES, type Delivery, type DeliveryState } from '../../webhook/deliveries-store.js';
import { resolveWebhookSettings } from '../../webhook/webhook-settings.js';
import { readConfig } from '../../workspace/read-workspace.js';
import type { Command } from '../command.js';
import { readWorkspaceDir } from '../resolve-flags.js';

function formatDelivery(d: Delivery, color: boolean): string {
  const c = pc.createColors(color);
  const paint = d.state === 'failed' ? c.red : d.state === 'done' ? c.green : d.state === 'running' ? c.cyan : c.dim;
  return `${d.id}  ${paint(d.state.padEnd(10))} ${`${d.event}${d.action ? `.${d.action}` : ''}`.padEnd(24)} ${d.receivedAt}  ${d.runId ?? ''}${d.error ? `  ${c.red(d.error)}` : d.reason ? `  ${c.dim(d.reason)}` : ''}\n`;
}

/** `tessera deliveries`: the webhook service's queue. */
export const deliveriesCommand: Command = {
  summary: 'The webhook deliveries the service stored: `deliveries list` (default), `show ID`, `replay ID`.',
  usage: 'tessera deliveries [list [--limit N] [--state STATE] | show ID | replay ID] [--json] [--cwd DIR]',
  allowPositionals: true,
  options: { json: { type: 'boolean' }, limit: { type: 'string' }, state: { type: 'string' } },
  async run(values, positionals, io) {
    const root = readWorkspaceDir(values, io);
    // The database is the service's; a secret is not needed to read it.
    const { database, busyTimeoutMs } = resolveWebhookSettings({ config: readConfig(root), root, repoRoot: root, env: { TESSERA_WEBHOOK_SECRET: '-', ...io.env }, flags: {} });
    const [action = 'list', id] = positionals;
    const json = values.json === true;
    if (!['list', 'show', 'replay'].includes(action)) throw new TesseraError('TESSERA_USAGE', `Unknown deliveries action "${action}"`, { hint: 'Use `tessera deliveries list`, `show ID` or `replay ID`.' });
    if (action !== 'list' && !id) throw new TesseraError('TESSERA_USAGE', `\`tessera deliveries ${action}\` needs a delivery id`, { hint: 'Run `tessera deliveries list` to see the ids.' });
    const store = createDeliveriesStore(database, { busyTimeoutMs });
    try {
      if (action === 'list') {
        const limit = values.limit === undefined ? 50 : Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new TesseraError('TESSERA_USAGE', `--limit must be a whole number of at least 1; received "${values.limit}"`);
        const state = values.state as string | undefined;
        if (state !== undefined && !DELIVERY_STATES.includes(state as DeliveryState)) throw new TesseraError('TESSERA_USAGE', `--state must be one of ${DELIVERY_STATES.join(', ')}; received "${state}"`);
        const list = store.list({ limit, state: state as DeliveryState | undefined });
        if (json) io.stdout.write(JSON.stringify(list, null, 2) + '\n');
        else if (!list.length) io.stdout.write('No deliveries yet. Start the service with `tessera serve` (docs/webhook.md).\n');
        else for (const d of list) io.stdout.write(formatDelivery(d, io.color.stdout));
        return 0;
      }
      if (action === 'show') {
        const d = store.read(id!);
        if (json) io.stdout.write(JSON.stringify(d, null, 2) + '\n');
        else {
          io.stdout.write(formatDelivery(d, io.color.stdout));
          if (d.key) io.stdout.write(`  key ${d.key}, attempts ${d.attempts}\n`);
          for (const n of d.notes) io.stdout.write(`  ${n.time}  ${n.text}\n`);
        }
        return 0;
      }
      const d = store.replay(id!);
      if (json) io.stdout.write(JSON.stringify(d, null, 2) + '\n');
      else io.stdout.write(`Queued ${d.id} again; a running \`tessera serve\` picks it up.\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
