/// <reference lib="dom" />
/**
 * The HTML report in a real headless Chromium (Debian's `chromium`, installed by .ci/run),
 * driven by playwright-core: the timeline's rows, phase segments (read back from the canvas's
 * pixels), critical path and now line, the log panel of the failed build with its coloured
 * error line, sorting, search, and the self-refresh of a report in progress.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CODEBUILD_PRICE_PER_MINUTE } from '../../tools/src/workspace/config.js';
import type { PageData } from '../../tools/src/report/compute-page-data.js';
import type { RowBox, View } from '../../tools/src/report/page/timeline.js';
import { phaseColor } from '../../tools/src/report/phase-colors.js';
import { createReportWriter } from '../../tools/src/report/write-report.js';
import { createRunsStore } from '../../tools/src/runs/runs-store.js';
import { buildApp } from '../../tools/src/webhook/build-app.js';
import { createDeliveriesStore } from '../../tools/src/webhook/deliveries-store.js';
import { createReportLinks, deriveReportKey } from '../../tools/src/webhook/report-access.js';
import type { RunRecord } from '../../tools/src/records/run-record.js';
import { createJob, codebuildPhases, createSampleHistory, createSampleRun, writeJobLogs } from '../support/report-runs.js';
import { REPO_ROOT } from '../support/sample-repo.js';

const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-results');
const ELAPSED_S = 330;

interface Layout {
  width: number;
  height: number;
  view: View;
  now: number;
  rows: RowBox[];
  order: string[];
}

let browser: Browser;
let dir: string;
const pages: Page[] = [];
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set TESSERA_CHROMIUM`);
  browser = await chromium.launch({ executablePath: CHROMIUM });
});
afterAll(async () => browser?.close());
afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Writes the sample run (in progress, started ELAPSED_S ago) as a report with its logs, like `tessera report` does. */
function writeReport(run: RunRecord, refreshMs = 3_600_000): string {
  dir ??= mkdtempSync(join(tmpdir(), 'tessera-report-page-'));
  writeJobLogs(dir, run);
  // A log holding the end of a comment travels as a JSON string rather than in a comment.
  const learnerHome = run.jobs.find((j) => j.app === 'learner-home')!;
  appendFileSync(join(dir, learnerHome.logFile!), `${learnerHome.phases.at(-1)!.end}\tstdout\tbundle /* license */ kept\n`);
  const writer = createReportWriter({ root: dir, file: join(dir, 'report.html'), prices: CODEBUILD_PRICE_PER_MINUTE, history: createSampleHistory(run), region: 'eu-west-1', refreshMs });
  run.jobs.forEach((_, i) => writer.writeLog(run, i));
  writer.writeHtml(run, Date.now());
  return writer.file;
}

async function open(file: string) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pages.push(page);
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await painted(page);
  return { page, requests, errors };
}

const painted = (page: Page) => page.waitForFunction(() => performance.getEntriesByName('tessera:timeline-painted').length > 0);
/** Until the next frame has been painted (a redraw is scheduled for the next animation frame). */
const nextFrame = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
const layout = (page: Page) => page.evaluate(() => (window as unknown as { tesseraReport: { layout(): Layout } }).tesseraReport.layout());

/** The colour of one pixel of the bars canvas, at CSS coordinates: red, green, blue, alpha (0 where nothing is drawn). */
const pixel = (page: Page, x: number, y: number) =>
  page.evaluate(
    (at) => {
      const canvas = document.getElementById('bars') as HTMLCanvasElement;
      const dpr = canvas.width / canvas.clientWidth;
      return Array.from(canvas.getContext('2d')!.getImageData(Math.floor(at.x * dpr), Math.floor(at.y * dpr), 1, 1).data);
    },
    { x, y },
  );
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
/** An opaque pixel of about that colour. */
const near = (found: number[], expected: number[], tolerance = 4) => found[3] === 255 && expected.every((v, i) => Math.abs(v - found[i]!) <= tolerance);

describe('the HTML report in Chromium', () => {
  it('draws a row per app with its phases, marks the critical path and now, and opens the failed build at its red error line', async () => {
    const run = createSampleRun(Date.now() - ELAPSED_S * 1000);
    const { page, requests, errors } = await open(writeReport(run));

    // Rows: one per app, in start order; a queued and a cached one too.
    const rows = await page.$$eval('#tl-rows .row', (els) => els.map((e) => [(e as HTMLElement).dataset.app, (e as HTMLElement).dataset.status, e.querySelector('.dur')!.textContent]));
    expect(rows).toEqual([
      ['catalog', 'SUCCEEDED', '4m 01s'], ['learner-home', 'SUCCEEDED', '3m 03s'], ['checkout', 'FAILED', '2m 13s'], ['search', 'IN_PROGRESS', expect.stringMatching(/^3m [12]\ds$/)],
      ['profile', 'QUEUED', 'queued'], ['course-page', 'CACHED', 'cached'],
    ]);

    // Phase segments: every phase of every row, each drawn in its own colour (read from the canvas).
    const geometry = await layout(page);
    const byApp = new Map(geometry.rows.map((r) => [r.app, r]));
    expect(byApp.get('catalog')!.segments.map((s) => s.type)).toEqual(['PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING']);
    expect(byApp.get('checkout')!.segments.map((s) => `${s.type}:${s.status}`)).toContain('BUILD:FAILED');
    expect(byApp.get('search')!.segments.map((s) => s.type)).toEqual(['QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD']);
    expect(byApp.get('search')!.segments.at(-1)!.end).toBeNull();
    expect(byApp.get('profile')!.segments.map((s) => [s.type, s.end])).toEqual([['QUEUED', null]]);
    expect(byApp.get('course-page')!.segments).toEqual([]);
    let checked = 0;
    for (const row of geometry.rows) {
      for (const s of row.segments) {
        if (s.type === 'QUEUED' || s.end === null || s.x1 - s.x0 < 3) continue;
        const found = await pixel(page, (s.x0 + s.x1) / 2, s.y1 - 2);
        expect(near(found, rgb(phaseColor(s.type, s.status))), `${row.app} ${s.type}: ${found}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
    expect(near(await pixel(page, (byApp.get('checkout')!.segments.find((s) => s.type === 'BUILD')!.x0 + byApp.get('checkout')!.segments.find((s) => s.type === 'BUILD')!.x1) / 2, byApp.get('checkout')!.segments[0]!.y1 - 2), [0xe5, 0x48, 0x4d])).toBe(true);

    // Critical path: checkout handed its slot to search, which is still building.
    const critical = await page.$$eval('#tl-rows .row.critical', (els) => els.map((e) => (e as HTMLElement).dataset.app));
    expect(critical).toEqual(['checkout', 'search']);
    expect(await page.textContent('.critical-summary')).toContain('critical path: checkout → search.');
    const outline = (app: string) => {
      const r = byApp.get(app)!;
      const build = r.segments.find((s) => s.type === 'BUILD')!;
      return pixel(page, (build.x0 + build.x1) / 2, build.y0 - 2);
    };
    expect(near(await outline('search'), [17, 17, 17], 40)).toBe(true);
    expect((await outline('catalog'))[3]).toBe(0); // not on the critical path: nothing drawn around it

    // The now line, at the clock's time, through a row with nothing drawn (read in one go: it moves every second).
    const nowLine = await page.evaluate(() => {
      const l = (window as unknown as { tesseraReport: { layout(): Layout } }).tesseraReport.layout();
      // The line is drawn through the middle of the pixel column nearest to now's x.
      const x = Math.round(((l.now - l.view.from) / (l.view.to - l.view.from)) * l.width) + 0.5;
      const canvas = document.getElementById('bars') as HTMLCanvasElement;
      const dpr = canvas.width / canvas.clientWidth;
      const y = l.rows.find((r) => r.app === 'course-page')!.y + 12;
      return { now: l.now, rgba: Array.from(canvas.getContext('2d')!.getImageData(Math.floor(x * dpr), Math.floor(y * dpr), 1, 1).data) };
    });
    expect(nowLine.now).toBeGreaterThanOrEqual(ELAPSED_S * 1000);
    expect(near(nowLine.rgba, [0xe5, 0x48, 0x4d], 30), String(nowLine.rgba)).toBe(true);

    // No log is loaded until a build is opened; then exactly that one.
    expect(requests.filter((u) => u.includes('-logs/'))).toEqual([]);
    const failed = byApp.get('checkout')!.segments.find((s) => s.type === 'BUILD')!;
    const box = (await page.locator('#bars').boundingBox())!;
    await page.mouse.click(box.x + (failed.x0 + failed.x1) / 2, box.y + (failed.y0 + failed.y1) / 2);
    const errorLine = page.locator('#log-body .ln.err', { hasText: 'error TS2322' }).first();
    await errorLine.waitFor();
    expect(requests.filter((u) => u.includes('-logs/')).map((u) => u.slice(u.lastIndexOf('/') + 1))).toEqual(['0002.js']);
    expect(await page.textContent('#log-title')).toBe('checkout');
    expect(await page.textContent('#log-meta')).toContain('failed · 2m 13s · version');
    expect(await page.getAttribute('#log-console', 'href')).toBe('https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/projects/tessera/build/tessera%3A0c1d2e3f-checkout/log?region=eu-west-1');
    expect(await page.textContent('#log-error')).toMatch(/^First error \(line \d+\)$/);

    // The error line is on screen, inside the log's viewport, in red.
    const red = errorLine.locator('.ansi-red-fg');
    expect(await red.textContent()).toContain("error TS2322: Type 'number' is not assignable");
    expect(await red.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(255, 107, 107)');
    const [line, view] = [(await errorLine.boundingBox())!, (await page.locator('#log-body').boundingBox())!];
    expect(line.y >= view.y && line.y + line.height <= view.y + view.height).toBe(true);
    expect(await page.locator('#log-body .marker', { hasText: /^▸ BUILD / }).textContent()).toMatch(/▸ BUILD .*58\.0s · failed — COMMAND_EXECUTION_ERROR/);
    expect(page.url()).toMatch(/#app=checkout$/);

    await page.mouse.move(0, 0); // no tooltip over the picture
    await page.waitForTimeout(1600); // the jump's highlight fades
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png') });
    if (process.env.TESSERA_UPDATE_SCREENSHOT) copyFileSync(join(ARTIFACTS, 'report.png'), join(REPO_ROOT, 'docs/images/report.png'));

    // Offline: the page fetched nothing but itself and the one log next to it.
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('searches the log, sorts and filters the rows, and zooms', async () => {
    const { page } = await open(writeReport(createSampleRun(Date.now() - ELAPSED_S * 1000)));
    await page.click('.row[data-app="checkout"]');
    await page.locator('#log-body .ln').first().waitFor();
    await page.fill('#log-search', 'TS2322');
    await page.waitForFunction(() => document.getElementById('log-count')!.textContent === '1 match');
    await page.press('#log-search', 'Enter');
    expect(await page.textContent('#log-count')).toBe('1 / 1');
    expect(await page.locator('#log-body .ln.cur').textContent()).toContain('error TS2322');
    await page.click('.row[data-app="learner-home"]');
    await page.fill('#log-search', '/* license */');
    await page.waitForFunction(() => document.getElementById('log-count')!.textContent === '1 match');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    expect(await page.isHidden('#log')).toBe(true);

    await page.selectOption('#sort', 'duration');
    expect((await layout(page)).order).toEqual(['catalog', 'search', 'learner-home', 'checkout', 'profile', 'course-page']);
    await page.selectOption('#sort', 'name');
    expect((await layout(page)).order).toEqual(['catalog', 'checkout', 'course-page', 'learner-home', 'profile', 'search']);
    await page.check('#failed-only');
    expect(await page.$$eval('#tl-rows .row', (els) => els.map((e) => (e as HTMLElement).dataset.app))).toEqual(['checkout']);
    await page.uncheck('#failed-only');
    // The rows come back on the next draw: wait for it rather than read the layout of the filtered one.
    await page.waitForFunction(() => (window as unknown as { tesseraReport: { layout(): Layout } }).tesseraReport.layout().rows.some((r) => r.app === 'search'));

    // search's INSTALL phase stays in view when zooming into the middle of the run.
    const width = (l: Layout) => l.rows.find((r) => r.app === 'search')!.segments.find((s) => s.type === 'INSTALL')!;
    const before = width(await layout(page));
    await page.click('#zoom-in');
    await nextFrame(page);
    const after = width(await layout(page));
    expect((after.x1 - after.x0) / (before.x1 - before.x0)).toBeCloseTo(2, 1);
    await page.click('#zoom-fit');
    await nextFrame(page);
    expect(width(await layout(page)).x1 - width(await layout(page)).x0).toBeCloseTo(before.x1 - before.x0, 0);
  });

  it('reloads itself from the report file while the run is in progress, keeping the open build, the zoom and the sort', async () => {
    const start = Date.now() - ELAPSED_S * 1000;
    const run = createSampleRun(start);
    const file = writeReport(run, 3000);
    const { page, errors } = await open(file);
    await page.click('.row[data-app="checkout"]');
    await page.locator('#log-body .ln').first().waitFor();
    await page.click('#zoom-in');
    await page.selectOption('#sort', 'name');
    const view = (await layout(page)).view;

    // The build moves on: profile leaves the queue; the report file is rewritten.
    const profile = run.jobs.findIndex((j) => j.app === 'profile');
    run.jobs[profile] = createJob(start, { app: 'profile', status: 'IN_PROGRESS', wait: ELAPSED_S - 30, phases: codebuildPhases(0).slice(0, 2), reason: 'buildspec.yml changed' });
    writeReport(run, 3000);
    await page.waitForEvent('load', { timeout: 10_000 });
    await painted(page);

    expect(await page.getAttribute('.row[data-app="profile"]', 'data-tone')).toBe('running');
    const data = await page.evaluate(() => (window as unknown as { tesseraReport: { data: PageData } }).tesseraReport.data);
    const seg = data.jobs.find((j) => j.app === 'profile')!.seg;
    expect(seg.filter((_, k) => k % 4 === 0).map((t) => data.phaseTypes[t])).toEqual(['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE']);
    expect((await layout(page)).view).toEqual(view);
    expect((await layout(page)).order[0]).toBe('catalog');
    expect(await page.isVisible('#log')).toBe(true);
    expect(await page.textContent('#log-title')).toBe('checkout');
    expect(errors).toEqual([]);
  });

  it('says why a build has no log: cached, queued, or the file is missing next to the report', async () => {
    const run = createSampleRun(Date.now() - ELAPSED_S * 1000);
    const file = writeReport(run);
    rmSync(join(dir, 'report-logs', '0000.js'));
    const { page } = await open(file);
    const panel = async (app: string) => {
      await page.click(`.row[data-app="${app}"]`);
      await page.waitForFunction(() => !document.getElementById('log-body')!.textContent!.includes('Loading'));
      return page.textContent('#log-body');
    };
    expect(await panel('course-page')).toContain('Skipped: this version was already built and published');
    expect(await panel('profile')).toContain('Not started');
    expect(await panel('catalog')).toContain('report-logs/0000.js is missing next to this report');
    const data = await page.evaluate(() => (window as unknown as { tesseraReport: { data: PageData } }).tesseraReport.data);
    expect(data.jobs.length).toBe(6);
  });

  it('opened through a signed link from tessera serve, loads its logs with the link\'s token; without it, gets nothing', async () => {
    const run = createSampleRun(Date.now() - ELAPSED_S * 1000);
    dir ??= mkdtempSync(join(tmpdir(), 'tessera-report-page-'));
    // Laid out as the service's clone has it: the report and its sidecars in the reports directory, the run in the database.
    writeJobLogs(dir, run);
    const reportsDir = join(dir, 'reports');
    const writer = createReportWriter({ root: dir, file: join(reportsDir, `${run.id}.html`), prices: CODEBUILD_PRICE_PER_MINUTE, refreshMs: 3_600_000 });
    run.jobs.forEach((_, i) => writer.writeLog(run, i));
    writer.writeHtml(run, Date.now());
    const runs = createRunsStore(join(dir, 'tessera.db'));
    const deliveries = createDeliveriesStore(join(dir, 'tessera.db'));
    runs.saveRun(run);
    const secret = 'e2e-webhook-secret';
    const app = await buildApp({ secret, deliveries, runs, reportsDir });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const link = createReportLinks({ key: deriveReportKey(secret) }).url(base, run.id);
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      pages.push(page);
      const answers: Array<[string, number]> = [];
      const errors: string[] = [];
      page.on('response', (r) => answers.push([r.url(), r.status()]));
      page.on('pageerror', (e) => errors.push(e.message));
      expect((await page.goto(link))!.status()).toBe(200);
      await painted(page);
      await page.click('.row[data-app="checkout"]');
      await page.locator('#log-body .ln').first().waitFor();
      expect(await page.textContent('#log-body')).toContain('error TS2322');
      const token = new URL(link).searchParams.get('token')!;
      const sidecars = answers.filter(([url]) => new URL(url).pathname.startsWith(`/runs/${run.id}-logs/`));
      expect(sidecars).toEqual([[`${base}/runs/${run.id}-logs/0002.js?token=${encodeURIComponent(token)}`, 200]]);
      // Opening a build writes #app=… into the address: the token stays, so a reload still works.
      expect(new URL(page.url()).searchParams.get('token')).toBe(token);
      await page.reload();
      await painted(page);
      expect(errors).toEqual([]);

      // The same page without the link's token: refused, and nothing of the run in the answer.
      const bare = await browser.newPage();
      pages.push(bare);
      const refused = await bare.goto(`${base}/runs/${run.id}`);
      expect(refused!.status()).toBe(401);
      expect(await bare.content()).not.toContain('checkout');
    } finally {
      await app.close();
      deliveries.close();
      runs.close();
    }
  });
});
