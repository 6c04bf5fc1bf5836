import { describe, expect, it } from 'vitest';
import { CODEBUILD_PRICE_PER_MINUTE } from '../../../tools/src/workspace/config.js';
import { describeStatus } from '../../../tools/src/report/describe-status.js';
import { renderMarkdownSummary } from '../../../tools/src/report/render-markdown.js';
import type { JobStatus, RunRecord } from '../../../tools/src/records/run-record.js';
import { createJob, createSampleRun, createSyntheticRun } from '../../support/report-runs.js';

const T0 = Date.parse('2026-11-22T14:05:00.000Z');
const prices = CODEBUILD_PRICE_PER_MINUTE;

describe('renderMarkdownSummary', () => {
  it('summarises a run in progress: headline, critical path, one row per app with failed builds first', async () => {
    const md = renderMarkdownSummary(createSampleRun(T0), { now: T0 + 330_000, prices, report: '.tessera/reports/20261122-140500-5eed.html' });
    await expect(md).toMatchFileSnapshot('__snapshots__/sample-run.md');
  });

  it('links the report when it is a URL, and leaves the line out when there is none', () => {
    const run = createSyntheticRun(3);
    expect(renderMarkdownSummary(run, { now: T0, prices, report: 'https://ci.example/artifacts/run.html' })).toContain('[Timeline, logs and costs](https://ci.example/artifacts/run.html)');
    expect(renderMarkdownSummary(run, { now: T0, prices })).not.toContain('Timeline, logs');
  });

  it('keeps the table whole whatever an app name or version holds', () => {
    const run = createSyntheticRun(1);
    run.jobs[0]!.version = 'a|b\nc';
    const row = renderMarkdownSummary(run, { now: T0, prices }).split('\n').find((l) => l.startsWith('| app-0000'))!;
    expect(row).toContain('`a\\|b c`');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
  });

  it('words CACHED as "skipped (cached)" and shows a status it does not know as it is', () => {
    const run = createSyntheticRun(1);
    run.jobs.push(createJob(T0, { app: 'reused', status: 'CACHED' }), { ...createJob(T0, { app: 'odd', status: 'SUCCEEDED', phases: [['BUILD', 3]] }), status: 'SUPERSEDED' as JobStatus });
    const md = renderMarkdownSummary(run, { now: T0, prices });
    expect(md).toContain('| reused | ⏭️ skipped (cached) | – |');
    expect(md).toContain('| odd | ❔ superseded | 3.0s |');
    expect(md).toContain('1 skipped (cached) · 1 other');
  });
});

describe('the sentence of a run in which no build started', () => {
  /** A finished run of these jobs, none of which started a build. */
  const runOf = (statuses: JobStatus[], status: RunRecord['status'] = 'SUCCEEDED'): RunRecord => ({
    id: '20261122-140500-0000', trigger: 'cli', base: null, head: 'a1b2c3d', status, start: new Date(T0).toISOString(), end: new Date(T0 + 13).toISOString(),
    jobs: statuses.map((s, i) => createJob(T0, { app: `app-${i}`, status: s })),
  });

  it.each([
    [['CACHED', 'CACHED', 'CACHED'], 'SUCCEEDED', 'Nothing was built: all 3 versions were already published.'],
    [['CACHED'], 'SUCCEEDED', 'Nothing was built: its one version was already published.'],
    [['CACHED', 'QUEUED'], 'IN_PROGRESS', 'No build has started yet (1 of 2 versions were already published).'],
    [['QUEUED', 'QUEUED'], 'IN_PROGRESS', 'No build has started yet.'],
    [['CACHED', 'STOPPED'], 'STOPPED', 'No build started (1 of 2 versions were already published).'],
    [[], 'SUCCEEDED', 'Nothing to build.'],
  ] as [JobStatus[], RunRecord['status'], string][])('%j, run %s: %s', (statuses, status, sentence) => {
    const md = renderMarkdownSummary(runOf(statuses, status), { now: T0 + 13, prices });
    expect(md).toContain(`\n◆ ${sentence}\n`);
    expect(md).not.toContain(statuses.every((s) => s === 'CACHED') ? 'No build' : 'Nothing was built');
  });
});

describe('describeStatus', () => {
  it.each([
    ['SUCCEEDED', 'succeeded', 'ok'], ['FAILED', 'failed', 'failed'], ['FAULT', 'fault', 'failed'], ['TIMED_OUT', 'timed out', 'failed'], ['IN_PROGRESS', 'running', 'running'],
    ['QUEUED', 'queued', 'queued'], ['STOPPED', 'stopped', 'stopped'], ['CACHED', 'skipped (cached)', 'skipped'], ['BRAND_NEW', 'brand new', 'unknown'],
  ])('%s → %s (%s)', (status, label, tone) => {
    expect(describeStatus(status)).toEqual({ label, tone });
  });
});
