import pc from 'picocolors';
import { type InitPlan, planInit, writeInit } from '../../pipelines/init-workspace.js';
import type { Command } from '../command.js';
import { formatWarnings } from '../format-warnings.js';
import { readWorkspaceDir } from '../resolve-flags.js';

/** The table of apps: how each builds and where its output goes. */
export function formatInitTable(plan: InitPlan, color: boolean): string {
  const c = pc.createColors(color);
  const rows = plan.apps.map((app) => [app.name, app.framework ?? '-', app.build ?? c.red('nothing builds it'), app.outputs[0] ?? '-', app.precision === 'file' ? 'file' : c.yellow('project')]);
  const head = ['app', 'framework', 'build (run at the workspace root)', 'output', 'inputs'];
  // Widths from the text people see, not the colour codes around it.
  const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => plain(r[i]!).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell + ' '.repeat(widths[i]! - plain(cell).length)).join('  ').trimEnd();
  return [`${plan.apps.length} app(s), ${plan.packageManager} workspace`, c.dim(line(head)), ...rows.map(line), ''].join('\n');
}

const VERB: Record<string, string> = { create: 'create', overwrite: 'overwrite', merge: 'update', exists: 'keep' };

/** `tessera init`: finds the apps and their builds, writes tessera.config.json, buildspec.yml, a CI workflow. */
export const initCommand: Command = {
  summary: 'Set Tessera up in this workspace: list the apps with their own builds and outputs, write tessera.config.json, a CodeBuild buildspec.yml and a GitHub Actions workflow.',
  usage: 'tessera init [--dry-run] [--force] [--json] [--cwd DIR]',
  options: { 'dry-run': { type: 'boolean' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const root = readWorkspaceDir(values, io);
    const plan = await planInit(root, { force: values.force === true });
    const dryRun = values['dry-run'] === true;
    const written = dryRun ? [] : writeInit(plan);
    if (values.json) {
      io.stdout.write(JSON.stringify({ root, packageManager: plan.packageManager, apps: plan.apps, files: plan.files.map((f) => ({ path: f.path, action: f.action, written: written.includes(f.path), ...(dryRun ? { text: f.text } : {}) })), warnings: plan.warnings }, null, 2) + '\n');
      return 0;
    }
    const c = pc.createColors(io.color.stderr);
    io.stderr.write(formatInitTable(plan, io.color.stderr) + '\n');
    for (const file of plan.files) {
      const verb = file.action === 'exists' ? c.dim(`keep      ${file.path} (exists${file.action === 'exists' && !values.force ? '; --force replaces it' : ''})`) : `${dryRun ? c.cyan(`would ${VERB[file.action]}`) : c.green(VERB[file.action]!.padEnd(9))} ${file.path}${file.action === 'overwrite' && !dryRun ? c.dim(` (the old one is ${file.path}.bak)`) : ''}`;
      io.stderr.write(`${verb}\n`);
      // --dry-run shows what would be written, on stdout, so it can be piped or diffed.
      if (dryRun && file.action !== 'exists') io.stdout.write(`--- ${file.path}\n${file.text}${file.text.endsWith('\n') ? '' : '\n'}`);
    }
    io.stderr.write(formatWarnings(plan.warnings, { color: io.color.stderr, verbose: false }));
    io.stderr.write(`\nNext: ${c.bold('npx tessera affected')} (what the working tree touches), ${c.bold('npx tessera build --affected --base main')} (build those apps with their own builds).\n`);
    return 0;
  },
};
