import pc from 'picocolors';
import type { AffectedReport } from '../affected/read-affected.js';
import type { Reason } from '../affected/reason.js';
import { computeAllChains } from '../graph/file-graph.js';
import { TesseraError } from '../errors/tessera-error.js';

/** The `--json` document: stable field order, apps sorted by name. */
export function formatAffectedJson(report: AffectedReport): string {
  const doc = {
    base: report.base,
    head: report.head,
    mergeBase: report.mergeBase,
    headCommit: report.headCommit,
    policy: report.policy,
    apps: report.apps.map((a) => ({ name: a.name, reasons: a.reasons })),
    testProjects: report.testProjects,
    deselected: report.deselected,
    unownedFiles: report.unownedFiles,
    warnings: report.warnings,
    stats: report.stats,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** A GitHub Actions matrix: `{"include":[{"app":"catalog"},...]}`. */
export function formatAffectedMatrix(report: AffectedReport): string {
  return JSON.stringify({ include: report.apps.map((a) => ({ app: a.name })) }) + '\n';
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table for a PR comment or $GITHUB_STEP_SUMMARY. */
export function formatAffectedMarkdown(report: AffectedReport): string {
  const lines = [
    `### Tessera: ${report.apps.length} of ${report.stats.totalApps} apps affected`,
    '',
    `\`${report.base}\` → \`${report.head}\` (merge-base \`${(report.mergeBase ?? '').slice(0, 7)}\`), ${report.stats.changedFiles} changed file(s)`,
    '',
  ];
  if (report.apps.length) {
    lines.push('| App | Reasons | Why |', '| --- | ---: | --- |');
    for (const app of report.apps) lines.push(`| ${app.name} | ${app.reasons.length} | ${escapeCell(app.reasons[0]!.detail)} |`);
  } else lines.push('No app is affected.');
  if (report.testProjects.length) lines.push('', `Test projects to run: ${report.testProjects.map((t) => `\`${t.name}\` (${escapeCell(t.detail)})`).join(', ')}`);
  if (report.deselected.length) lines.push('', `Left out by the selection: ${report.deselected.map((n) => `\`${n}\``).join(', ')}`);
  if (report.unownedFiles.length) lines.push('', `Unowned changed files: ${report.unownedFiles.map((f) => `\`${f}\``).join(', ')}`);
  return lines.join('\n') + '\n';
}

/** One line per app with its first reason; unowned files after. */
export function formatAffectedText(report: AffectedReport, color: boolean): string {
  const c = pc.createColors(color);
  const width = Math.max(8, ...report.apps.map((a) => a.name.length));
  const lines = [
    `${c.bold(`${report.apps.length} of ${report.stats.totalApps} apps affected`)} ${c.dim(`· ${report.base} → ${report.head} · merge-base ${(report.mergeBase ?? '').slice(0, 7)} · ${report.stats.changedFiles} changed file(s)`)}`,
  ];
  for (const app of report.apps) {
    const more = app.reasons.length > 1 ? c.dim(` (+${app.reasons.length - 1} more)`) : '';
    lines.push(`  ${c.green(app.name.padEnd(width))}  ${app.reasons[0]!.detail}${more}`);
  }
  if (report.testProjects.length) {
    lines.push(c.dim(`Test projects to run (${report.testProjects.length}), not built:`));
    for (const t of report.testProjects) lines.push(`  ${c.cyan(t.name.padEnd(width))}  ${t.detail}`);
  }
  if (report.deselected.length) lines.push(c.dim(`Left out by --projects/--exclude: ${report.deselected.join(', ')}`));
  if (report.unownedFiles.length) {
    lines.push(c.dim(`Unowned changed files (${report.unownedFiles.length}), in no app's inputs and under no rule:`));
    for (const f of report.unownedFiles.slice(0, 20)) lines.push(c.dim(`  ${f}`));
    if (report.unownedFiles.length > 20) lines.push(c.dim(`  … and ${report.unownedFiles.length - 20} more (see --json)`));
  }
  return lines.join('\n') + '\n';
}

function formatReasonHeader(reason: Reason): string {
  return `[${reason.kind}] ${reason.detail}`;
}

/** Fails with TESSERA_UNKNOWN_APP (listing the apps) unless `app` is an app of the report's workspace. */
function assertKnownApp(report: AffectedReport, app: string): void {
  if (report.snapshot.projects.some((p) => p.name === app && p.type === 'application')) return;
  const names = report.snapshot.projects.filter((p) => p.type === 'application').map((p) => p.name);
  throw new TesseraError('TESSERA_UNKNOWN_APP', `No app named "${app}" in this workspace`, { hint: `Apps: ${names.join(', ')}` });
}

/** `--why APP --json`: the app's reasons, each input reason with every import chain (up to 20, shortest first). */
export function formatWhyJson(report: AffectedReport, app: string): string {
  assertKnownApp(report, app);
  const affected = report.apps.find((a) => a.name === app);
  const { graph } = report.snapshot;
  const entries = graph.apps.find((a) => a.name === app)?.entries ?? [];
  const ids = new Map(graph.files.map((f, i) => [f, i]));
  const reasons = (affected?.reasons ?? []).map((reason) => {
    const target = reason.kind === 'input' && reason.file ? ids.get(reason.file) : undefined;
    if (target === undefined) return reason;
    const { chains, truncated } = computeAllChains(graph, entries, target);
    return { ...reason, chains: chains.map((chain) => chain.map((step) => ({ file: step.file, kind: step.kind ?? 'static' }))), truncated };
  });
  return JSON.stringify({ app, affected: affected !== undefined, base: report.base, head: report.head, changedFiles: report.stats.changedFiles, reasons }, null, 2) + '\n';
}

/** `--why APP`: every reason, and for file reasons every import chain from the app's entries. */
export function formatWhy(report: AffectedReport, app: string, color: boolean): string {
  const c = pc.createColors(color);
  assertKnownApp(report, app);
  const affected = report.apps.find((a) => a.name === app);
  if (!affected) return `${app} is not affected by ${report.base} → ${report.head} (${report.stats.changedFiles} changed file(s)).\n`;
  const { graph } = report.snapshot;
  const entries = graph.apps.find((a) => a.name === app)?.entries ?? [];
  const ids = new Map(graph.files.map((f, i) => [f, i]));
  const lines = [c.bold(`${app} is affected for ${affected.reasons.length} reason(s):`)];
  for (const reason of affected.reasons) {
    lines.push('', formatReasonHeader(reason));
    const target = reason.kind === 'input' && reason.file ? ids.get(reason.file) : undefined;
    if (target !== undefined) {
      const { chains, truncated } = computeAllChains(graph, entries, target);
      chains.forEach((chain, i) => {
        lines.push(c.dim(`  chain ${i + 1}:`));
        chain.forEach((step, depth) => lines.push(`    ${'  '.repeat(depth)}${depth ? '└─ ' : ''}${step.file}${step.kind && step.kind !== 'static' ? c.dim(` (${step.kind})`) : ''}`));
      });
      if (truncated) lines.push(c.dim(`  … more chains exist; showing the ${chains.length} shortest`));
    } else if (reason.chain?.length) {
      reason.chain.forEach((file, depth) => lines.push(`    ${'  '.repeat(depth)}${depth ? '└─ ' : ''}${file}`));
    }
  }
  return lines.join('\n') + '\n';
}
