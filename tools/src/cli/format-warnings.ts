import pc from 'picocolors';
import type { Warning } from '../errors/tessera-error.js';

/** How many examples of one warning code a summary shows. */
const EXAMPLES = 3;

/**
 * Warnings as a person reads them: one group per code, most frequent first, with its count
 * and its three most frequent texts (`verbose`: every text). Identical texts are counted once
 * with their number. Returns '' for no warnings.
 */
export function formatWarnings(warnings: readonly Warning[], options: { color: boolean; verbose: boolean }): string {
  if (!warnings.length) return '';
  const c = pc.createColors(options.color);
  const byCode = new Map<string, Map<string, number>>();
  for (const w of warnings) {
    const texts = byCode.get(w.code) ?? new Map<string, number>();
    texts.set(w.text, (texts.get(w.text) ?? 0) + 1);
    byCode.set(w.code, texts);
  }
  const total = (texts: Map<string, number>) => [...texts.values()].reduce((a, b) => a + b, 0);
  const lines: string[] = [];
  for (const [code, texts] of [...byCode].sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1))) {
    const n = total(texts);
    const sorted = [...texts].sort((a, b) => b[1] - a[1]);
    const shown = options.verbose ? sorted : sorted.slice(0, EXAMPLES);
    if (n === 1) {
      lines.push(`${c.yellow('warning')} ${c.dim(code)} ${sorted[0]![0]}`);
      continue;
    }
    lines.push(`${c.yellow('warning')} ${c.dim(code)} ×${n}`);
    for (const [text, count] of shown) lines.push(`  ${text}${count > 1 ? c.dim(` (×${count})`) : ''}`);
    if (shown.length < sorted.length) lines.push(c.dim(`  … ${sorted.length - shown.length} more (--verbose lists every one)`));
  }
  return lines.join('\n') + '\n';
}
