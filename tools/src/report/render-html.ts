import type { RunRecord } from '../records/run-record.js';
import { computeRunCost } from './compute-cost.js';
import { computePageData, type PageDataOptions } from './compute-page-data.js';
import { computeTimeline } from './compute-timeline.js';
import { describeStatus } from './describe-status.js';
import { escapeHtml, escapeScriptJson, escapeScriptText } from '../html/escape-html.js';
import { renderHeader, renderLegend } from './render-header.js';
import { REPORT_CSS } from './report-css.js';

/** What {@link renderHtmlReport} needs besides the run. */
export interface HtmlReportOptions extends PageDataOptions {
  /** The page's script: the timeline, the log panel and ansi_up, bundled (see readPageScript). */
  script: string;
  /** USD per build minute by compute type (config `codebuild.pricePerMinute` over the defaults). */
  prices: Readonly<Record<string, number>>;
}

/**
 * The HTML report of a run: one self-contained file (styles, data and script inline; no
 * network) with the header, the Gantt timeline and the log panel. Logs are not in it: each
 * job's log is a sidecar script named by `logUrl`, loaded when the build is opened. Pure.
 */
export function renderHtmlReport(run: RunRecord, options: HtmlReportOptions): string {
  const timeline = computeTimeline(run, options.now);
  const data = computePageData(run, timeline, options);
  const cost = computeRunCost(run, options.prices, options.now);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="Tessera">
<title>${escapeHtml(`${run.id} · ${describeStatus(run.status).label} · Tessera`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${renderHeader(run, timeline, cost, options.now)}
<section class="timeline" aria-label="Timeline">
<div class="toolbar">
<label>Sort <select id="sort"><option value="start">by start</option><option value="duration">by duration</option><option value="name">by name</option></select></label>
<label><input type="checkbox" id="failed-only"> failed only</label>
<span class="legend">${renderLegend()}</span>
<span class="sp"></span>
<button id="zoom-out" title="Zoom out (−, Ctrl+wheel)">−</button><button id="zoom-in" title="Zoom in (+, Ctrl+wheel)">+</button><button id="zoom-fit" title="Fit the whole run (0, double-click the axis); Shift+wheel or drag the axis to pan">fit</button>
</div>
<div class="tl-head"><div class="corner" id="corner">app</div><canvas id="axis"></canvas></div>
<div class="tl-body"><div id="tl-scroll"><div id="tl-rows"></div></div><canvas id="bars"></canvas></div>
<div id="tooltip" hidden></div>
</section>
<section id="log" hidden aria-label="Build log">
<div class="log-head"><h2 id="log-title"></h2><span class="meta" id="log-meta"></span><span class="sp"></span><a id="log-console" target="_blank" rel="noopener" hidden>CodeBuild console ↗</a><button id="log-close" title="Close (Esc)">✕</button></div>
<div class="log-tools"><input id="log-search" type="search" placeholder="Search the log (Enter: next)"><span class="count" id="log-count"></span><button id="log-error" hidden>First error</button><span class="count" id="log-phases"></span><span class="sp"></span><span class="log-trend" id="log-trend"></span></div>
<div id="log-body"></div>
</section>
<noscript><p style="padding:16px">The timeline and logs need JavaScript; the summary above does not.</p></noscript>
<script type="application/json" id="tessera-data">${escapeScriptJson(JSON.stringify(data))}</script>
<script>${escapeScriptText(options.script)}</script>
</body>
</html>
`;
}
