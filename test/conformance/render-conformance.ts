/**
 * Text of the conformance harness: one block per range, the summary, and the Markdown
 * table row for BENCHMARKS.md. Pure: plain data in, strings out.
 */
import { type ConformanceResult, LEFT_OUT_CLASSES, type RangeComparison, type ConformanceSummary } from './conformance-types.js';

const list = (names: readonly string[] | null) => (names === null ? 'failed' : names.length ? names.join(', ') : '—');
const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);
const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One range: commit, changed files, both sets, their differences with causes, errors and timings. */
export function renderRange(range: RangeComparison, index: number, total: number, judgeName: string): string {
  const lines = [`[${index + 1}/${total}] ${range.commit.slice(0, 10)} ${range.subject} (${range.changedFiles} changed file(s))`];
  lines.push(`  ${judgeName.padEnd(8)} ${list(range.judgeApps)}`);
  if (range.judgeNonApps.length) lines.push(`  ${''.padEnd(8)} (not apps to Tessera, not compared: ${range.judgeNonApps.join(', ')})`);
  lines.push(`  ${'tessera'.padEnd(8)} ${list(range.tesseraApps)}`);
  for (const b of range.beyond) lines.push(`  beyond   ${b.app}: ${b.reason}`);
  for (const l of range.leftOut) {
    lines.push(`  left out ${l.app} [${l.class}] (Tessera: ${l.tesseraView})`);
    for (const f of l.files.slice(0, 12)) lines.push(`             ${f.path}: ${f.why}`);
    if (l.files.length > 12) lines.push(`             … and ${l.files.length - 12} more file(s) (see --json)`);
  }
  for (const e of range.errors) {
    lines.push(`  error    ${e.tool} exited ${e.error.exitCode}${e.error.stderr.length ? ':' : ''}`);
    for (const line of e.error.stderr) lines.push(`             ${line}`);
  }
  lines.push(`  time     tessera ${ms(range.ms.tessera)}${range.tesseraCache ? ` (cache ${range.tesseraCache})` : ''}, ${judgeName} ${ms(range.ms.judge)}`);
  return lines.join('\n') + '\n';
}

/** Left-out counts by class, in LEFT_OUT_CLASSES order: `2 unowned file, 1 not an app to Tessera`, or `0`. */
export function formatLeftOutClasses(summary: ConformanceSummary): string {
  const parts = LEFT_OUT_CLASSES.filter((c) => summary.leftOutByClass[c]).map((c) => `${summary.leftOutByClass[c]} ${c}`);
  return parts.length ? parts.join(', ') : '0';
}

/** The summary block printed after the ranges. */
export function renderSummary(result: ConformanceResult): string {
  const { summary: s, warmUp } = result;
  const lines = [
    `${result.repository} @ ${result.pin}: ${s.ranges} range(s) against ${result.judge.name} ${result.judge.version}, ${result.checkout ? 'each commit checked out' : 'working tree at HEAD (Tessera analyses each commit in a temporary worktree)'}`,
    `  errors              ${s.errors}`,
    `  Tessera ⊆ judge     ${s.subsetRanges} of ${s.comparedRanges} compared range(s)`,
    `  judge ⊆ Tessera     ${s.completeRanges} of ${s.comparedRanges}`,
    `  apps beyond         ${s.beyond}`,
    `  apps left out       ${s.leftOut}${s.leftOut ? ` (${formatLeftOutClasses(s)})` : ''}`,
    `  median time         tessera ${ms(s.medianMs.tessera)}, ${result.judge.name} ${ms(s.medianMs.judge)} (warm)`,
    `  cold (HEAD~1..HEAD) tessera ${ms(warmUp.tesseraMs)}${warmUp.tesseraCache ? ` (cache ${warmUp.tesseraCache})` : ''}, ${result.judge.name} ${ms(warmUp.judgeMs)}${warmUp.error ? `; ${warmUp.error}` : ''}`,
  ];
  return lines.join('\n') + '\n';
}

/** The header of the BENCHMARKS.md table that renderSummaryRow fills. */
export function renderSummaryHeader(): string {
  return '| Repository | Pin | Judge | Ranges | Errors | Tessera ⊆ judge | Beyond | Left out (by class) | Median Tessera | Median judge | Cold Tessera / judge |\n| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n';
}

/** One Markdown table row: repository, pin, ranges, errors, beyond, left out by class, median times. */
export function renderSummaryRow(result: ConformanceResult): string {
  const s = result.summary;
  const cells = [
    result.repository,
    `\`${result.pin.slice(0, 10)}\``,
    `${result.judge.name} ${result.judge.version}`,
    String(s.ranges),
    String(s.errors),
    `${s.subsetRanges}/${s.comparedRanges}`,
    String(s.beyond),
    formatLeftOutClasses(s),
    ms(s.medianMs.tessera),
    ms(s.medianMs.judge),
    result.warmUp.error ? `error / ${ms(result.warmUp.judgeMs)}` : `${ms(result.warmUp.tesseraMs)} / ${ms(result.warmUp.judgeMs)}`,
  ];
  return `| ${cells.map(escapeCell).join(' | ')} |\n`;
}

/** `owner/name` from a GitHub URL or a mirror path (`…/owner+name/repo`); else the folder's name. */
export function formatRepositoryName(remote: string | null, dir: string): string {
  const github = remote && /github\.com[:/]([^/]+)\/([^/]+?)(?:\.git)?$/.exec(remote);
  if (github) return `${github[1]}/${github[2]}`;
  const mirror = remote && /([^/]+)\+([^/]+)\/repo\/?$/.exec(remote);
  if (mirror) return `${mirror[1]}/${mirror[2]}`;
  return dir.replace(/\/+$/, '').split('/').pop() || dir;
}
