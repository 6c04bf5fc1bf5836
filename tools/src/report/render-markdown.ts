import { formatDuration } from '../runs/format-duration.js';
import type { RunRecord } from '../records/run-record.js';
import { computeRunCost } from './compute-cost.js';
import { computeTimeline } from './compute-timeline.js';
import { describeStatus, type StatusTone } from './describe-status.js';
import { countJobTones, formatCriticalSentence, formatJobCounts, formatUsd } from './render-header.js';

/** Options of {@link renderMarkdownSummary}. */
export interface MarkdownOptions {
  /** Ms since the epoch: the end of whatever still runs. */
  now: number;
  prices: Readonly<Record<string, number>>;
  /** The HTML report: a URL (linked) or a path (shown); omitted when null. */
  report?: string | null;
}

const EMOJI: Record<StatusTone, string> = { ok: '✅', failed: '❌', running: '🔄', queued: '⏳', stopped: '⏹️', skipped: '⏭️', unknown: '❔' };

/** A table cell's text: no pipes or line breaks to break the row. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/**
 * The run as Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY`: a headline, the
 * critical path, and a table of app, status, build duration, version and slowest phase,
 * failed builds first; then the HTML report's path or link. Pure.
 */
export function renderMarkdownSummary(run: RunRecord, options: MarkdownOptions): string {
  const timeline = computeTimeline(run, options.now);
  const cost = computeRunCost(run, options.prices, options.now);
  const status = describeStatus(run.status);
  const range = run.base ? `${run.base}..${run.head}` : run.head;
  const costText = cost.ranOn === 'none' ? '' : ` · ${formatUsd(cost.total)}${cost.unpriced.length ? '+' : ''} ${cost.ranOn === 'local' ? 'on CodeBuild (ran locally)' : 'on CodeBuild'}`;
  const rows = [...timeline.jobs].sort((a, b) => Number(describeStatus(b.job.status).tone === 'failed') - Number(describeStatus(a.job.status).tone === 'failed') || a.index - b.index);
  const lines = [
    `### ${EMOJI[status.tone]} Tessera run \`${run.id}\`: ${status.label}`,
    '',
    `${cell(run.trigger)} · \`${cell(range)}\` · wall time **${formatDuration(timeline.span)}** · build time ${(cost.buildMs / 60_000).toFixed(1)} min (${cost.billedMinutes} billed)${costText} · ${run.jobs.length} app${run.jobs.length === 1 ? '' : 's'}: ${formatJobCounts(countJobTones(run))}`,
    '',
    `◆ ${formatCriticalSentence(run, timeline)}`,
    '',
    '| app | status | duration | version | slowest phase |',
    '| --- | --- | ---: | --- | --- |',
    ...rows.map((t) => {
      const { label, tone } = describeStatus(t.job.status);
      const ms = t.startedAt === null ? null : (t.endedAt ?? Math.max(timeline.span, t.startedAt)) - t.startedAt;
      const critical = timeline.critical.chain.includes(t.index) ? ' ◆' : '';
      return `| ${cell(t.job.app)}${critical} | ${EMOJI[tone]} ${cell(label)} | ${ms === null ? '–' : formatDuration(ms)} | \`${cell(t.job.version)}\` | ${t.slowest ? `${t.slowest.type} ${formatDuration(t.slowest.ms)}` : '–'} |`;
    }),
  ];
  if (options.report) lines.push('', /^https?:\/\//.test(options.report) ? `[Timeline, logs and costs](${options.report})` : `Timeline, logs and costs: \`${options.report}\``);
  return lines.join('\n') + '\n';
}
