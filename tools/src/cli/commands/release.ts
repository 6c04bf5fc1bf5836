import { userInfo } from 'node:os';
import pc from 'picocolors';
import { TesseraError } from '../../errors/tessera-error.js';
import { computeRoutes } from '../../edge/resolve-route.js';
import { advanceReleases, type CanaryProbe } from '../../release/advance-release.js';
import type { ReleaseAction } from '../../release/next-release.js';
import { formatDurationShort, parseDuration } from '../../release/parse-duration.js';
import { pruneVersions } from '../../release/prune-versions.js';
import type { ReleaseManifest } from '../../release/release-manifest.js';
import { runHealthCommand } from '../../release/run-health-command.js';
import { readRelease, updateRelease } from '../../release/update-release.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { readWorkspace } from '../../workspace/read-workspace.js';
import type { Command } from '../command.js';
import type { Io } from '../io.js';
import { readStringFlag, readWorkspaceDir } from '../resolve-flags.js';

const ACTIONS = ['status', 'start', 'shift', 'promote', 'abort', 'rollback', 'preview', 'unpreview', 'advance', 'prune'] as const;
type Values = Record<string, string | boolean | string[] | undefined>;

/** `tessera release`: per-app blue/green releases, canaries, previews, rollback and pruning. */
export const releaseCommand: Command = {
  summary: 'Blue/green releases per app: status, start a canary, shift, promote, abort, rollback, previews, advance, prune.',
  usage: [
    'tessera release status [APP] [--all] [--json]',
    '       tessera release start APP VERSION [--weight N] [--steps 10,50,100 --interval 15m] [--replace]',
    '       tessera release shift APP --weight N | promote APP | abort APP | rollback APP [--to VERSION]',
    '       tessera release preview APP VERSION --key pr-12 [--ttl 7d] | unpreview APP --key pr-12',
    '       tessera release advance [--health-command CMD]',
    '       tessera release prune [--dry-run] [--retention 24h]',
    '   (all with --json, --store URL, --cwd DIR)',
  ].join('\n'),
  allowPositionals: true,
  options: {
    json: { type: 'boolean' },
    all: { type: 'boolean' },
    weight: { type: 'string' },
    steps: { type: 'string' },
    interval: { type: 'string' },
    replace: { type: 'boolean' },
    to: { type: 'string' },
    key: { type: 'string' },
    ttl: { type: 'string' },
    'health-command': { type: 'string' },
    'dry-run': { type: 'boolean' },
    retention: { type: 'string' },
    store: { type: 'string' },
  },
  async run(values, positionals, io) {
    const [action = 'status', app, version] = positionals;
    if (!(ACTIONS as readonly string[]).includes(action)) throw new TesseraError('TESSERA_USAGE', `Unknown release action "${action}"`, { hint: `Actions: ${ACTIONS.join(', ')}. Run \`tessera release --help\`.` });
    const root = readWorkspaceDir(values, io);
    const workspace = await readWorkspace(root);
    const apps = workspace.apps.map((a) => a.name).sort();
    const known = (name: string | undefined, what = 'APP'): string => {
      if (!name) throw new TesseraError('TESSERA_USAGE', `\`tessera release ${action}\` needs ${what}`, { hint: `Apps: ${apps.join(', ')}` });
      if (!apps.includes(name)) throw new TesseraError('TESSERA_UNKNOWN_APP', `No app named "${name}" in this workspace`, { hint: `Apps: ${apps.join(', ')}` });
      return name;
    };
    const store = await openStore(root, workspace.config.store, readStringFlag(values, io, 'store', 'TESSERA_STORE'));
    const actor = io.env.TESSERA_ACTOR ?? `${io.env.USER ?? userInfo().username} via tessera release`;
    const routes = computeRoutes(apps, workspace.config.apps);
    const routeOf = (name: string) => {
      const route = routes.find((r) => r.app === name)!;
      return `${route.host ?? ''}${route.prefix}`;
    };
    try {
      if (action === 'status') {
        const names = app ? [known(app)] : apps;
        const docs = [];
        for (const name of names) docs.push({ route: routeOf(name), ...(await readRelease(store, name)).manifest });
        if (values.json) io.stdout.write(JSON.stringify(app ? docs[0] : docs, null, 2) + '\n');
        else io.stdout.write(docs.map((d) => formatStatus(d, io.color.stdout, values.all === true)).join('\n'));
        return 0;
      }
      if (action === 'advance') return await advance(store, apps, values, io, actor);
      if (action === 'prune') return await prune(store, apps, values, io, workspace.config);

      const name = known(app);
      const update = async (a: ReleaseAction) => {
        const result = await updateRelease(store, name, a, { actor });
        const doc = { route: routeOf(name), ...result.manifest };
        if (values.json) io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
        else io.stdout.write(`${result.changed ? `${pc.createColors(io.color.stdout).green('✔')} ${describeLast(result.manifest)}` : 'Nothing changed.'}\n\n${formatStatus(doc, io.color.stdout, values.all === true)}`);
        return 0;
      };
      switch (action) {
        case 'start': {
          if (!version) throw new TesseraError('TESSERA_USAGE', '`tessera release start` needs APP and VERSION', { hint: `List versions with \`tessera versions ${name}\`.` });
          const steps = typeof values.steps === 'string' ? values.steps.split(',').map((s) => readWeight(s.trim(), '--steps')) : undefined;
          const intervalMs = typeof values.interval === 'string' ? readDurationFlag(values.interval, '--interval') : undefined;
          return await update({ type: 'start', version, weight: typeof values.weight === 'string' ? readWeight(values.weight, '--weight') : undefined, steps, intervalMs, replace: values.replace === true });
        }
        case 'shift':
          if (typeof values.weight !== 'string') throw new TesseraError('TESSERA_USAGE', '`tessera release shift` needs --weight N (0–100)');
          return await update({ type: 'shift', weight: readWeight(values.weight, '--weight') });
        case 'promote':
          return await update({ type: 'promote' });
        case 'abort':
          return await update({ type: 'abort' });
        case 'rollback':
          return await update({ type: 'rollback', to: typeof values.to === 'string' ? values.to : undefined });
        case 'preview':
          if (!version || typeof values.key !== 'string') throw new TesseraError('TESSERA_USAGE', '`tessera release preview` needs APP VERSION --key KEY', { hint: 'For a pull request: `--key pr-12`.' });
          return await update({ type: 'preview', key: values.key, version, ttlMs: typeof values.ttl === 'string' ? readDurationFlag(values.ttl, '--ttl') : undefined });
        default:
          if (typeof values.key !== 'string') throw new TesseraError('TESSERA_USAGE', '`tessera release unpreview` needs APP --key KEY');
          return await update({ type: 'unpreview', key: values.key });
      }
    } finally {
      await store.close();
    }
  },
};

function readWeight(text: string, flag: string): number {
  const weight = Number(text);
  if (!/^\d+$/.test(text) || weight > 100) throw new TesseraError('TESSERA_USAGE', `${flag} takes whole percents from 0 to 100; received "${text}"`);
  return weight;
}

function readDurationFlag(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new TesseraError('TESSERA_USAGE', `${flag} takes a duration such as 15m, 24h or 7d; received "${text}"`);
  return ms;
}

/** `release advance`: flags in, each changed app's outcome out; the work is advanceReleases. */
async function advance(store: Store, apps: string[], values: Values, io: Io, actor: string): Promise<number> {
  const command = readStringFlag(values, io, 'health-command', 'TESSERA_HEALTH_COMMAND');
  const checkHealth = command ? (probe: CanaryProbe) => runHealthCommand(probe, { command, cwd: io.cwd, env: io.env }) : undefined;
  const outcomes = (await advanceReleases({ store, apps, actor, checkHealth })).map((o) => ({ app: o.app, outcome: o.type === 'aborted' ? `aborted ${o.version}: ${o.reason}` : describeLast(o.manifest) }));
  if (values.json) io.stdout.write(JSON.stringify(outcomes, null, 2) + '\n');
  else io.stdout.write(outcomes.length ? outcomes.map((o) => `${o.app}: ${o.outcome}\n`).join('') : 'Nothing was due.\n');
  return 0;
}

/** `release prune`: flags in, what was deleted and kept out; the work is pruneVersions. */
async function prune(store: Store, apps: string[], values: Values, io: Io, config: { release: { retention: string } }): Promise<number> {
  const retentionText = readStringFlag(values, io, 'retention', 'TESSERA_RETENTION') ?? config.release.retention;
  const retentionMs = readDurationFlag(retentionText, '--retention');
  const dryRun = values['dry-run'] === true;
  const plan = await pruneVersions({ store, apps, retentionMs, dryRun });
  if (values.json) io.stdout.write(JSON.stringify({ dryRun, retention: formatDurationShort(retentionMs), ...plan }, null, 2) + '\n');
  else {
    const c = pc.createColors(io.color.stdout);
    for (const d of plan.remove) io.stdout.write(`${dryRun ? c.yellow('would delete') : c.red('deleted')}  ${d.app}@${d.version}  (${d.reason})\n`);
    for (const d of plan.keep) io.stdout.write(`${c.green('kept')}     ${d.app}@${d.version}  (${d.reason})\n`);
    io.stdout.write(`${plan.remove.length} version(s) ${dryRun ? 'would be ' : ''}deleted, ${plan.keep.length} kept (retention ${formatDurationShort(retentionMs)}).\n`);
  }
  return 0;
}

function describeLast(manifest: ReleaseManifest): string {
  const last = manifest.history.at(-1);
  return last ? `${manifest.app}: ${last.action}${last.from || last.to ? ` ${last.from ?? '–'} → ${last.to ?? '–'}` : ''}${last.detail ? ` (${last.detail})` : ''}` : manifest.app;
}

/** How many of an app's newest history entries the human status shows; `--all` and `--json` have them all. */
const STATUS_HISTORY_SHOWN = 3;

/** The human view of one app's release: slots, previews, and the newest history entries (`all`: every entry). */
export function formatStatus(doc: ReleaseManifest & { route: string }, color: boolean, all = false): string {
  const c = pc.createColors(color);
  const lines = [`${c.bold(doc.app)}  ${c.dim(doc.route)}`];
  lines.push(`  live       ${doc.live ? `${c.green(doc.live.version)}  since ${doc.live.since}` : c.dim('none — `tessera release start APP VERSION` makes the first version live')}`);
  if (doc.candidate) {
    const cand = doc.candidate;
    lines.push(`  candidate  ${c.yellow(cand.version)}  ${cand.weight}%${cand.steps.length ? `  steps ${cand.steps.join(',')} every ${formatDurationShort(cand.intervalMs!)}` : ''}  since ${cand.since}`);
  }
  for (const [key, p] of Object.entries(doc.previews)) lines.push(`  preview    ${c.cyan(key)} → ${p.version}${p.expires ? `  until ${p.expires}` : ''}`);
  const shown = all ? doc.history : doc.history.slice(-STATUS_HISTORY_SHOWN);
  // Say how many of how many, and how to see the rest, rather than let three look like all.
  if (shown.length < doc.history.length) lines.push(c.dim(`  history: the newest ${shown.length} of ${doc.history.length} (tessera release status ${doc.app} --all for every entry)`));
  for (const h of shown) lines.push(c.dim(`  ${h.at}  ${h.action} ${h.from ?? '–'} → ${h.to ?? '–'}${h.detail ? `  ${h.detail}` : ''}  (${h.actor})`));
  return lines.join('\n') + '\n';
}
