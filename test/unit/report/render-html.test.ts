import { describe, expect, it } from 'vitest';
import type { PageData } from '../../../tools/src/report/compute-page-data.js';
import { formatConsoleUrl } from '../../../tools/src/report/compute-page-data.js';
import { renderHtmlReport, type HtmlReportOptions } from '../../../tools/src/report/render-html.js';
import { CODEBUILD_PRICE_PER_MINUTE } from '../../../tools/src/workspace/config.js';
import type { RunRecord } from '../../../tools/src/records/run-record.js';
import { createJob, createSampleHistory, createSampleRun } from '../../support/report-runs.js';

const T0 = Date.parse('2026-11-22T14:05:00.000Z');
const NOW = T0 + 330_000;
const SCRIPT = '/* page script */ window.pageLoaded = 1 < 2;';

function render(run: RunRecord, options: Partial<HtmlReportOptions> = {}) {
  const html = renderHtmlReport(run, { script: SCRIPT, prices: CODEBUILD_PRICE_PER_MINUTE, now: NOW, logUrl: (_job, i) => `run-logs/${i}.js`, ...options });
  const json = /<script type="application\/json" id="tessera-data">([^]*?)<\/script>/.exec(html)![1]!;
  return { html, data: JSON.parse(json) as PageData };
}

describe('renderHtmlReport', () => {
  it('is one self-contained file: styles, data and script inline, nothing fetched from the network', () => {
    const { html } = render(createSampleRun(T0));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(SCRIPT);
    expect(html).not.toMatch(/<link\b|<script[^>]*\bsrc=|@import|url\(\s*['"]?https?:/i);
    // The only addresses are links a user may follow: the builds' pages in the CodeBuild console.
    const urls = html.match(/https?:\/\/[^\s"'<)]+/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((u) => !u.startsWith('https://console.aws.amazon.com/codesuite/codebuild/projects/'))).toEqual([]);
  });

  it('carries the timeline for the page: phases in ms from the run start, the critical path, logs, trends', () => {
    const run = createSampleRun(T0);
    const { data } = render(run, { history: createSampleHistory(run) });
    expect(data.run).toMatchObject({ id: run.id, status: 'IN_PROGRESS', start: T0, end: null });
    expect(data).toMatchObject({ renderedAt: NOW, refreshMs: 5000, span: 330_000 });
    expect(data.jobs.map((j) => [j.app, j.label, j.tone])).toEqual([
      ['catalog', 'succeeded', 'ok'], ['learner-home', 'succeeded', 'ok'], ['checkout', 'failed', 'failed'], ['search', 'running', 'running'], ['profile', 'queued', 'queued'], ['course-page', 'skipped (cached)', 'skipped'],
    ]);
    const checkout = data.jobs[2]!;
    const segments = [];
    for (let k = 0; k < checkout.seg.length; k += 4) segments.push([data.phaseTypes[checkout.seg[k]!], data.phaseStatuses[checkout.seg[k + 1]!], checkout.seg[k + 2], checkout.seg[k + 3]]);
    expect(segments.slice(2, 7)).toEqual([['PROVISIONING', 'SUCCEEDED', 0, 18_000], ['DOWNLOAD_SOURCE', 'SUCCEEDED', 18_000, 24_000], ['INSTALL', 'SUCCEEDED', 24_000, 65_000], ['PRE_BUILD', 'SUCCEEDED', 65_000, 68_000], ['BUILD', 'FAILED', 68_000, 126_000]]);
    expect(Object.values(checkout.msg ?? {})).toEqual([expect.stringContaining('COMMAND_EXECUTION_ERROR')]);
    expect(data.jobs[3]!.seg.at(-1)).toBe(-1); // search's BUILD is still running
    expect(data.critical.map((i) => data.jobs[i]!.app)).toEqual(['checkout', 'search']);
    expect(data.jobs[0]).toMatchObject({ log: 'run-logs/0.js', trend: [221_000, 230_000, 219_000, 226_000, 224_000], consoleUrl: expect.stringContaining('/build/tessera%3A0c1d2e3f-catalog/log') });
    expect(data.jobs[4]!.trend).toEqual([]);
  });

  it('writes the header: trigger, range, wall time, build minutes, cost by compute type, counts, reasons, the critical sentence', () => {
    const { html } = render(createSampleRun(T0), { prices: { ...CODEBUILD_PRICE_PER_MINUTE, medium: 0.1 } });
    expect(html).toContain('webhook:pull_request · <code>origin/main..3f9a2c1</code>');
    expect(html).toContain('<b id="wall">5m 30s</b>');
    expect(html).toContain('2 succeeded · 1 failed · 1 running · 1 queued · 1 skipped (cached)');
    expect(html).toContain('<tr><td>medium</td><td>1</td><td>4.0</td><td>5</td><td>$0.1</td><td>$0.500</td></tr>');
    expect(html).toContain('<td>profile</td><td><span class="tone tone-queued">queued</span></td><td>buildspec.yml changed</td>');
    expect(html).toContain('So far the longest chain ends in search, whose slowest phase is BUILD');
    expect(html).toContain('critical path: checkout → search.');
    expect(html).toContain('● live</span>, updated 2026-11-22 14:10:30 UTC');
  });

  it('says of a run of cached jobs only that every version was already published', () => {
    const run: RunRecord = { ...createSampleRun(T0), status: 'SUCCEEDED', end: new Date(T0 + 13).toISOString() };
    run.jobs = run.jobs.map((j) => createJob(T0, { app: j.app, status: 'CACHED' }));
    const { html } = render(run);
    expect(html).toContain(`<span class="crit-mark">◆</span> Nothing was built: all ${run.jobs.length} versions were already published.</p>`);
    expect(html).not.toContain('No build has started');
  });

  it('stops refreshing once the run has ended', () => {
    const run: RunRecord = { ...createSampleRun(T0), status: 'FAILED', end: new Date(NOW).toISOString() };
    run.jobs = run.jobs.filter((j) => !['search', 'profile'].includes(j.app));
    const { html, data } = render(run);
    expect(data.refreshMs).toBeNull();
    expect(html).not.toContain('● live');
    expect(html).toContain('Wall time 5m 30s set by catalog: BUILD took 2m 42s of its 4m 01s build.');
  });

  it('cannot be broken out of by what a run holds: app names, messages, reasons', () => {
    const evil = '</script><script>alert(1)</script><!--';
    const run = createSampleRun(T0);
    run.jobs.push(createJob(T0, { app: evil, status: 'FAILED', reason: evil, error: evil, phases: [['BUILD', 3, 'FAILED', evil]] }));
    const { html, data } = render(run);
    expect(html.split('</script>')).toHaveLength(3); // the data's and the script's own closing tags only
    expect(html).not.toContain('<script>alert');
    expect(data.jobs.at(-1)).toMatchObject({ app: evil, reason: evil, error: evil });
  });

  it('shows a status it does not know as it is, and CACHED as skipped (cached)', () => {
    const run = createSampleRun(T0);
    run.jobs[0]!.status = 'SUPERSEDED' as never;
    const { html, data } = render(run);
    expect(data.jobs[0]).toMatchObject({ status: 'SUPERSEDED', label: 'superseded', tone: 'unknown' });
    expect(html).toContain('<span class="tone tone-skipped">skipped (cached)</span>');
  });
});

describe('formatConsoleUrl', () => {
  it('links CodeBuild builds to their log in the console, in their region', () => {
    expect(formatConsoleUrl({ executor: 'codebuild', buildId: 'my-project:1f2e-3d4c' }, 'eu-west-1')).toBe(
      'https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/projects/my-project/build/my-project%3A1f2e-3d4c/log?region=eu-west-1',
    );
    expect(formatConsoleUrl({ executor: 'codebuild', buildId: 'p:1' })).toBe('https://console.aws.amazon.com/codesuite/codebuild/projects/p/build/p%3A1/log');
    expect(formatConsoleUrl({ executor: 'local', buildId: 'local:r:a' }, 'eu-west-1')).toBeNull();
    expect(formatConsoleUrl({ executor: 'codebuild', buildId: null })).toBeNull();
  });
});
