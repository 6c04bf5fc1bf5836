import { formatDuration } from '../runs/format-duration.js';
import type { RunRecord } from '../records/run-record.js';
import type { RunCost } from './compute-cost.js';
import type { Timeline } from './timeline.js';
import { describeStatus, type StatusTone } from './describe-status.js';
import { escapeHtml as h } from '../html/escape-html.js';
import { PHASE_COLORS, FAILED_PHASE_COLOR } from './phase-colors.js';

/** How many jobs of a run ended in each tone (`ok`, `failed`, `skipped`...). Pure. */
export function countJobTones(run: RunRecord): Record<StatusTone, number> {
  const counts: Record<StatusTone, number> = { ok: 0, failed: 0, running: 0, queued: 0, stopped: 0, skipped: 0, unknown: 0 };
  for (const job of run.jobs) counts[describeStatus(job.status).tone]++;
  return counts;
}

/** `4 succeeded · 1 failed · 1 skipped (cached)`: the non-zero counts, in a fixed order. Pure. */
export function formatJobCounts(counts: Record<StatusTone, number>): string {
  const words: [StatusTone, string][] = [['ok', 'succeeded'], ['failed', 'failed'], ['running', 'running'], ['queued', 'queued'], ['stopped', 'stopped'], ['skipped', 'skipped (cached)'], ['unknown', 'other']];
  return words.filter(([tone]) => counts[tone]).map(([tone, word]) => `${counts[tone]} ${word}`).join(' · ') || 'no jobs';
}

/** USD with enough digits for cents and fractions of them: `$0.075`, `$12.40`. */
export function formatUsd(usd: number): string {
  return `$${usd < 1 ? usd.toFixed(3) : usd.toFixed(2)}`;
}

/**
 * Why a run has no critical path: nothing to build, every version already published (a run of
 * cached jobs only), or no build started yet. Plain text. Pure.
 */
function describeNoBuild(run: RunRecord): string {
  const total = run.jobs.length;
  if (!total) return 'Nothing to build.';
  const cached = run.jobs.filter((j) => j.status === 'CACHED').length;
  if (cached === total) return total === 1 ? 'Nothing was built: its one version was already published.' : `Nothing was built: all ${total} versions were already published.`;
  const published = cached ? ` (${cached} of ${total} versions were already published)` : '';
  return run.status === 'IN_PROGRESS' ? `No build has started yet${published}.` : `No build started${published}.`;
}

/**
 * The sentence that answers "where did the minutes go": which build set the wall time, its
 * slowest phase, and the chain of slot hand-overs before it. Plain text. Pure.
 */
export function formatCriticalSentence(run: RunRecord, timeline: Timeline): string {
  const { chain, phase } = timeline.critical;
  if (!chain.length) return describeNoBuild(run);
  const last = timeline.jobs[chain[chain.length - 1]!]!;
  const built = (last.endedAt ?? timeline.span) - last.startedAt!;
  const running = run.status === 'IN_PROGRESS';
  const parts = [
    running
      ? `So far the longest chain ends in ${last.job.app}${phase ? `, whose slowest phase is ${phase.type} (${formatDuration(phase.ms)} of ${formatDuration(built)})` : ''}.`
      : `Wall time ${formatDuration(timeline.span)} set by ${last.job.app}${phase ? `: ${phase.type} took ${formatDuration(phase.ms)} of its ${formatDuration(built)} build` : ''}.`,
  ];
  if (chain.length > 1) {
    const before = timeline.jobs[chain[chain.length - 2]!]!;
    parts.push(`It waited ${formatDuration(last.startedAt! - last.queuedAt!)} for a slot, freed by ${before.job.app}; critical path: ${chain.map((i) => timeline.jobs[i]!.job.app).join(' → ')}.`);
  } else if (last.startedAt! - last.queuedAt! >= 1000) {
    parts.push(`It waited ${formatDuration(last.startedAt! - last.queuedAt!)} in the queue first.`);
  }
  return parts.join(' ');
}

const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

/** The phase colours' legend, for the timeline's toolbar. HTML. Pure. */
export function renderLegend(): string {
  return [...Object.entries(PHASE_COLORS).map(([type, color]) => [type === 'QUEUED' ? 'queue wait' : type, color] as const), ['failed', FAILED_PHASE_COLOR] as const]
    .map(([name, color]) => `<span class="key"><i style="background:${color}"></i>${h(name)}</span>`)
    .join('');
}

/** The report's header: what ran, why, how long, what it cost. HTML. Pure. */
export function renderHeader(run: RunRecord, timeline: Timeline, cost: RunCost, now: number): string {
  const status = describeStatus(run.status);
  const counts = countJobTones(run);
  const range = run.base ? `${run.base}..${run.head}` : run.head;
  const costLabel = cost.ranOn === 'local' ? 'on CodeBuild (ran locally)' : 'CodeBuild cost';
  const costValue = cost.ranOn === 'none' ? '–' : `${formatUsd(cost.total)}${cost.unpriced.length ? '+' : ''}`;
  const apps = run.jobs
    .map((j) => {
      const s = describeStatus(j.status);
      return `<tr><td>${h(j.app)}</td><td><span class="tone tone-${s.tone}">${h(s.label)}</span></td><td>${h(j.reason ?? '–')}</td></tr>`;
    })
    .join('');
  const costRows = cost.rows
    .map((r) => `<tr><td>${h(r.computeType)}</td><td>${r.jobs}</td><td>${(r.buildMs / 60_000).toFixed(1)}</td><td>${r.billedMinutes}</td><td>${r.pricePerMinute === null ? 'no price' : `$${r.pricePerMinute}`}</td><td>${r.cost === null ? '–' : formatUsd(r.cost)}</td></tr>`)
    .join('');
  return `<header class="top">
<div class="title"><h1>Run <code>${h(run.id)}</code> <span class="badge tone-${status.tone}">${h(status.label)}</span></h1>
<div class="meta">${h(run.trigger)} · <code>${h(range)}</code> · started ${utc(timeline.origin)}${run.status === 'IN_PROGRESS' ? ` · <span class="live">● live</span>, updated ${utc(now)}` : ''}</div></div>
<div class="summary">
<div class="main">
<div class="stats">
<div class="stat"><b id="wall">${formatDuration(timeline.span)}</b><span>wall time</span></div>
<div class="stat"><b>${(cost.buildMs / 60_000).toFixed(1)} min</b><span>build time · ${cost.billedMinutes} billed</span></div>
<div class="stat"><b>${costValue}</b><span>${costLabel}</span></div>
<div class="stat"><b>${run.jobs.length} app${run.jobs.length === 1 ? '' : 's'}</b><span>${h(formatJobCounts(counts))}</span></div>
</div>
<p class="critical-summary"><span class="crit-mark">◆</span> ${h(formatCriticalSentence(run, timeline))}</p>
<details class="cost"><summary>Cost by compute type</summary><table><thead><tr><th>compute type</th><th>builds</th><th>build min</th><th>billed min</th><th>per min</th><th>cost</th></tr></thead><tbody>${costRows}</tbody></table>
<p class="note">CodeBuild bills every started minute from PROVISIONING to the end of a build. Prices: USD per minute, Linux on-demand; override them with <code>codebuild.pricePerMinute</code> in tessera.config.json.${cost.unpriced.length ? ` No price for ${h(cost.unpriced.join(', '))}.` : ''}</p></details>
</div>
<div class="apps"><div class="apps-title">Apps and why they are in the run (${run.jobs.length})</div><div class="apps-scroll"><table><tbody>${apps}</tbody></table></div></div>
</div>
</header>`;
}
