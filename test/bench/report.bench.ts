/// <reference lib="dom" />
/**
 * The `report` section: how fast the run report is for runs of 10, 100 and 1,000 jobs, each
 * job with a full CodeBuild phase list and a 2,000-line log, and ten earlier runs in the runs
 * database for the trends.
 *
 * - generation: `renderHtmlReport` in process (the pure function), and `tessera report RUN`
 *   as a child process (open the database, read the run and the history, write the HTML and
 *   every log next to it);
 * - size: the HTML file without logs, and the log sidecars next to it;
 * - in Chromium (playwright-core, Debian's chromium): from navigation start to the first
 *   paint of the timeline, and from a click on a row to its log panel rendered;
 * - how the timeline is drawn: the shipped canvas (rows in view) against drawing every row,
 *   on a canvas and as one SVG, first paint and redraw after a zoom.
 *
 * Standalone: `npx tsx test/bench/report.bench.ts`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CODEBUILD_PRICE_PER_MINUTE } from '../../tools/src/workspace/config.js';
import { PHASE_COLORS } from '../../tools/src/report/phase-colors.js';
import { readPageScript } from '../../tools/src/report/read-page-script.js';
import { renderHtmlReport } from '../../tools/src/report/render-html.js';
import type { RunRecord } from '../../tools/src/records/run-record.js';
import { createRunsStore } from '../../tools/src/runs/runs-store.js';
import { createSyntheticRun, writeJobLogs } from '../support/report-runs.js';
import { formatSeconds, measure, median } from './measure.js';
import type { BenchContext, Section } from './run.js';

const JOBS = [10, 100, 1000];
/** Output lines per phase: 8 phases × (248 + 2 runner lines) = 2,000 lines a log. */
const OUTPUT_PER_PHASE = 248;
const HISTORY_RUNS = 10;
const RENDER_ROUNDS = 7;
const CLI_ROUNDS = 5;
const PAGE_ROUNDS = 5;
const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';
const DAY = 86_400_000;
const check = (ok: boolean) => (ok ? '✅' : '❌');
const ms = (v: number) => (v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
const mb = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(2)} MB`);

interface Result {
  jobs: number;
  logLines: number;
  renderMs: number;
  /** `tessera report` over an earlier report of the run: its logs are in place (as `tessera build` leaves them). */
  cliMs: number;
  /** Its CPU time (user + system): what it costs when the machine is shared. */
  cliCpuMs: number | null;
  cliPeakMB: number | null;
  /** `tessera report` to a new place: every log copied. */
  cliFreshMs: number;
  htmlBytes: number;
  logBytes: number;
  paintMs: number;
  logOpenMs: number;
  logLoadMs: number;
  drawing: Drawing | null;
}

interface Drawing {
  /** The shipped page: a click on "fit", then on "+", each until painted. */
  shippedPaint: number;
  shippedZoom: number;
  viewSvgPaint: number;
  viewSvgZoom: number;
  viewSvgNodes: number;
  canvasPaint: number;
  canvasZoom: number;
  svgPaint: number;
  svgZoom: number;
  svgNodes: number;
}

/** A workspace directory with a runs database (the run and ten earlier ones) and the run's logs. */
function createWorkspace(jobs: number): { dir: string; run: RunRecord } {
  const dir = mkdtempSync(join(tmpdir(), `tessera-bench-report-${jobs}-`));
  const start = Date.parse('2026-11-22T14:00:00.000Z');
  const store = createRunsStore(join(dir, '.tessera', 'tessera.db'));
  try {
    for (let k = HISTORY_RUNS; k >= 1; k--) {
      const earlier = createSyntheticRun(jobs, { seed: k, start: start - k * DAY });
      store.saveRun({ ...earlier, id: `${earlier.id}-h${String(k).padStart(2, '0')}` });
    }
    const run = createSyntheticRun(jobs, { start });
    store.saveRun(run);
    writeJobLogs(dir, run, OUTPUT_PER_PHASE);
    return { dir, run };
  } finally {
    store.close();
  }
}

/** Waits until the browser has painted what was just drawn: the frame, then the task after it. */
const PAINTED = 'new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))';

async function measurePage(browser: Browser, file: string): Promise<{ paintMs: number; logOpenMs: number; logLoadMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => performance.getEntriesByName('tessera:timeline-painted').length > 0);
    const paintMs = await page.evaluate(() => performance.getEntriesByName('tessera:timeline-painted')[0]!.startTime);
    // A failed build in view, as a user would open first.
    const row = page.locator('#tl-rows .row[data-tone="failed"]').first();
    await (await row.count() ? row : page.locator('#tl-rows .row').first()).click();
    await page.waitForFunction(() => performance.getEntriesByName('tessera:log-open').length > 0);
    await page.evaluate(PAINTED);
    const [logOpenMs, logLoadMs] = await page.evaluate(() => {
      const open = performance.getEntriesByName('tessera:log-open')[0]!;
      return [open.duration, performance.getEntriesByName('tessera:log-loaded')[0]!.startTime - open.startTime];
    });
    return { paintMs, logOpenMs: logOpenMs!, logLoadMs: logLoadMs! };
  } finally {
    await page.close();
  }
}

/**
 * Timeline drawing compared in the report page: the shipped canvas (rows in view: a zoom
 * click, until painted) against every row of the run drawn at once, on one tall canvas and as
 * one SVG built as a string and set with innerHTML (bars only, no text, no patterns).
 */
async function measureDrawing(page: Page): Promise<Drawing> {
  // tsx compiles this file with esbuild's keepNames, which wraps the inner functions below in
  // calls to a `__name` helper that exists only in Node.
  await page.evaluate('globalThis.__name ??= (f) => f');
  return page.evaluate(
    async ({ colors, painted }) => {
      const wait = () => (0, eval)(painted) as Promise<void>;
      const data = (window as unknown as { tesseraReport: { data: import('../../tools/src/report/compute-page-data.js').PageData } }).tesseraReport.data;
      const time = async (work: () => void) => {
        const t0 = performance.now();
        work();
        await wait();
        return performance.now() - t0;
      };
      document.getElementById('zoom-in')!.click();
      await wait();
      const shippedPaint = await time(() => document.getElementById('zoom-fit')!.click());
      const shippedZoom = await time(() => document.getElementById('zoom-in')!.click());
      document.getElementById('zoom-fit')!.click();
      await wait();

      const width = 1000;
      const rowH = 24;
      const host = document.createElement('div');
      host.style.cssText = 'position:fixed;inset:0;overflow:auto;background:#fff;z-index:99';
      document.body.append(host);
      const bars = (scale: number, each: (x: number, y: number, w: number, color: string) => void, rows = data.jobs.length) => {
        data.jobs.slice(0, rows).forEach((job, row) => {
          for (let k = 0; k < job.seg.length; k += 4) {
            const start = job.seg[k + 2]!;
            const end = job.seg[k + 3]! < 0 ? data.span : job.seg[k + 3]!;
            if (end <= start) continue;
            each(start * scale, row * rowH + 5, Math.max(1, (end - start) * scale), colors[data.phaseTypes[job.seg[k]!]!] ?? '#aaa');
          }
        });
      };
      const fit = width / data.span;

      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = data.jobs.length * rowH;
      host.append(canvas);
      const ctx = canvas.getContext('2d')!;
      const drawCanvas = (scale: number) => {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        bars(scale, (x, y, w, color) => {
          ctx.fillStyle = color;
          ctx.fillRect(x, y, w, 14);
        });
      };
      const canvasPaint = await time(() => drawCanvas(fit));
      const canvasZoom = await time(() => drawCanvas(fit * 2));
      canvas.remove();

      const drawSvg = (scale: number, rows = data.jobs.length) => {
        const parts: string[] = [];
        bars(scale, (x, y, w, color) => parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="14" fill="${color}"/>`), rows);
        host.innerHTML = `<svg width="${width}" height="${rows * rowH}">${parts.join('')}</svg>`;
      };
      // The rows a 900-pixel-high window shows, as the shipped canvas draws them.
      const inView = Math.ceil(900 / rowH);
      const viewSvgPaint = await time(() => drawSvg(fit, inView));
      const viewSvgNodes = host.querySelectorAll('rect').length;
      const viewSvgZoom = await time(() => drawSvg(fit * 2, inView));
      const svgPaint = await time(() => drawSvg(fit));
      const svgNodes = host.querySelectorAll('rect').length;
      const svgZoom = await time(() => drawSvg(fit * 2));
      host.remove();
      return { shippedPaint, shippedZoom, viewSvgPaint, viewSvgZoom, viewSvgNodes, canvasPaint, canvasZoom, svgPaint, svgZoom, svgNodes };
    },
    { colors: PHASE_COLORS as Record<string, string>, painted: PAINTED },
  );
}

async function measureSize(ctx: BenchContext, browser: Browser, jobs: number): Promise<Result> {
  ctx.log(`report: ${jobs} jobs: writing the runs database and ${jobs} logs`);
  const { dir, run } = createWorkspace(jobs);
  try {
    const logLines = readLogLines(join(dir, run.jobs[0]!.logFile!));
    const store = createRunsStore(join(dir, '.tessera', 'tessera.db'));
    const history = store.readBuildHistory(run.jobs.map((j) => j.app), { before: run });
    store.close();
    const script = readPageScript();
    const renders: number[] = [];
    for (let i = 0; i < RENDER_ROUNDS; i++) {
      const t0 = performance.now();
      renderHtmlReport(run, { script, prices: CODEBUILD_PRICE_PER_MINUTE, now: Date.parse(run.end!), history, logUrl: (_j, index) => `run-logs/${index}.js` });
      renders.push(performance.now() - t0);
    }

    ctx.log(`report: ${jobs} jobs: tessera report × ${CLI_ROUNDS} to a new place, then × ${CLI_ROUNDS} over it`);
    const file = join(dir, 'out', 'run.html');
    const report = async () => {
      const m = await measure(process.execPath, [ctx.tesseraBin, 'report', run.id, '--out', file], { cwd: dir, timeoutMs: 120_000 });
      if (m.code !== 0) throw new Error(`tessera report failed (${m.code}): ${m.stderr}`);
      return m;
    };
    const fresh: number[] = [];
    for (let i = 0; i < CLI_ROUNDS; i++) {
      rmSync(join(dir, 'out'), { recursive: true, force: true });
      fresh.push((await report()).wallMs);
    }
    const cli: { wallMs: number; cpuMs: number | null; peakMB: number | null }[] = [];
    for (let i = 0; i < CLI_ROUNDS; i++) cli.push(await report());
    const logDir = join(dir, 'out', 'run-logs');
    const logBytes = readdirSync(logDir).reduce((sum, f) => sum + statSync(join(logDir, f)).size, 0);

    ctx.log(`report: ${jobs} jobs: Chromium × ${PAGE_ROUNDS}`);
    const pages: { paintMs: number; logOpenMs: number; logLoadMs: number }[] = [];
    for (let i = 0; i < PAGE_ROUNDS; i++) pages.push(await measurePage(browser, file));
    let drawing: Drawing | null = null;
    if (jobs === Math.max(...JOBS)) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => performance.getEntriesByName('tessera:timeline-painted').length > 0);
      const runs: Drawing[] = [];
      for (let i = 0; i < 3; i++) runs.push(await measureDrawing(page));
      await page.close();
      drawing = Object.fromEntries(Object.keys(runs[0]!).map((k) => [k, median(runs.map((r) => r[k as keyof Drawing]))])) as unknown as Drawing;
    }
    return {
      jobs, logLines, renderMs: median(renders), cliMs: median(cli.map((c) => c.wallMs)), cliCpuMs: cli[0]!.cpuMs === null ? null : median(cli.map((c) => c.cpuMs!)), cliPeakMB: Math.max(...cli.map((c) => c.peakMB ?? 0)) || null, cliFreshMs: median(fresh),
      htmlBytes: statSync(file).size, logBytes, paintMs: median(pages.map((p) => p.paintMs)), logOpenMs: median(pages.map((p) => p.logOpenMs)), logLoadMs: median(pages.map((p) => p.logLoadMs)), drawing,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const readLogLines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;

export async function run(ctx: BenchContext): Promise<Section> {
  const loadBefore = loadavg()[0]!;
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  const results: Result[] = [];
  try {
    for (const jobs of JOBS) results.push(await measureSize(ctx, browser, jobs));
  } finally {
    await browser.close();
  }
  const loadAfter = loadavg()[0]!;
  const top = results[results.length - 1]!;
  const usable = (r: Result) => r.paintMs + r.logOpenMs;
  const rows = results.map((r) => [
    String(r.jobs), ms(r.renderMs), `${formatSeconds(r.cliMs)}${r.cliCpuMs === null ? '' : ` (CPU ${formatSeconds(r.cliCpuMs)})`}${r.cliPeakMB ? ` · ${Math.round(r.cliPeakMB)} MB` : ''}`, formatSeconds(r.cliFreshMs), mb(r.htmlBytes), mb(r.logBytes), ms(r.paintMs), `${ms(r.logOpenMs)} (loading ${ms(r.logLoadMs)})`, ms(usable(r)),
  ]);
  const table = [
    '| jobs | render HTML (in process) | `tessera report`, logs in place | `tessera report`, copying every log | HTML without logs | logs next to it | timeline painted | log panel open | usable (painted + log open) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Targets at ${top.jobs} jobs: generation ≤ 1 s: ${check(top.cliMs <= 1000)} (${formatSeconds(top.cliMs)} for \`tessera report\` from the database${top.cliCpuMs === null ? '' : `, of which CPU ${formatSeconds(top.cliCpuMs)}`}, ${ms(top.renderMs)} for the HTML alone; ${formatSeconds(top.cliFreshMs)} when it must also copy ${mb(top.logBytes)} of logs) · page usable ≤ 1.5 s: ${check(usable(top) <= 1500)} (${ms(usable(top))}) · HTML ≤ 3 MB before logs: ${check(top.htmlBytes <= 3 * 1024 * 1024)} (${mb(top.htmlBytes)})`,
  ];
  const d = top.drawing;
  if (d) {
    table.push(
      '',
      `### Drawing the timeline of ${top.jobs} jobs: canvas or SVG`,
      '',
      '| approach | draw, until painted | redraw after zooming in |',
      '| --- | ---: | ---: |',
      `| canvas, rows in view (shipped: bars, labels, patterns, critical path) | ${ms(d.shippedPaint)} | ${ms(d.shippedZoom)} |`,
      `| SVG, rows in view (${d.viewSvgNodes} rects, one innerHTML) | ${ms(d.viewSvgPaint)} | ${ms(d.viewSvgZoom)} |`,
      `| canvas, every row (one ${(1000).toLocaleString('en')} × ${(top.jobs * 24).toLocaleString('en')} px canvas) | ${ms(d.canvasPaint)} | ${ms(d.canvasZoom)} |`,
      `| SVG, every row (${d.svgNodes.toLocaleString('en')} rects, one innerHTML) | ${ms(d.svgPaint)} | ${ms(d.svgZoom)} |`,
    );
  }
  return {
    title: 'Report: generation, size and page speed',
    table: table.join('\n'),
    notes: [
      `Synthetic runs (test/support/report-runs.ts, seeded): every job a full CodeBuild phase list (PROVISIONING … FINALIZING) with a log-normal BUILD time, about 5% failed, at concurrency ⌈jobs ÷ 5⌉ (at most 100), so the timeline has queue waits and a critical path of several builds. Each log has ${top.logLines.toLocaleString('en')} lines (about 85 bytes each, with ANSI colours). The runs database also holds ${HISTORY_RUNS} earlier runs of the same apps, so every row has a trend.`,
      `"render HTML" is \`renderHtmlReport\` in the benchmark process (timeline, critical path, cost, page data, header; the page script already loaded), median of ${RENDER_ROUNDS}. "\`tessera report\`" is the compiled CLI as a child process (\`tessera report RUN --out FILE\`), wall time, CPU time (user + system) and peak memory, median of ${CLI_ROUNDS}: Node start-up, opening the database, reading the run and ${HISTORY_RUNS} builds of history per app, writing the HTML, and the logs: "copying every log" writes to an empty directory each time; "logs in place" writes over the same files again, where each log is only checked against its sidecar's first line, as after \`tessera build\` (which copies each log when its build ends).`,
      `"timeline painted": the page's \`tessera:timeline-painted\` mark, set in the task after the first frame that drew the rows, from navigation start (file:// from the page cache; parsing the HTML, the JSON and the script included). "log panel open": from the click on a failed build's row to its log rendered and scrolled to its first error (the sidecar script loaded, ${top.logLines.toLocaleString('en')} lines through ansi_up, phase markers placed) and painted. Headless Chromium ${'(Debian package)'} through playwright-core, viewport 1400 × 900, median of ${PAGE_ROUNDS}, a new page each.`,
      'Canvas or SVG: drawing every row at once is what costs, in either technology (the "every row" rows, bars only: no labels, patterns, outlines or now line, into a 1,000-pixel-wide area, each until painted); drawing only the rows in view costs about the same in both and does not grow with the run. The page draws the rows in view on a canvas: one pass with no element per phase, which suits a timeline redrawn on every scroll, zoom and pan and, while a run is live, every second, and whose pointer hit-testing is arithmetic on the same layout; the row labels next to it are elements (rows in view only), so they stay selectable and searchable.',
      `The machine's 1-minute load average was ${loadBefore.toFixed(1)} when the section started and ${loadAfter.toFixed(1)} when it ended (other work shares its cores), so wall times carry that noise; CPU time does much less. "Copying every log" writes the same ${mb(top.logBytes)} five times in a row to a fresh directory, which is as fast as the disk takes dirty pages.`,
      'Logs are never in the HTML: each is a sidecar script (`<report>-logs/NNNN.js`) the page loads with a script element when its build is opened, which works from file:// where fetch does not.',
    ],
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const ctx: BenchContext = { repoRoot, tesseraBin: join(repoRoot, 'tools', 'bin', 'tessera.js'), nodeModules: join(repoRoot, 'node_modules'), sizes: [], log: (line) => process.stderr.write(`${line}\n`) };
  run(ctx).then(
    (section) => process.stdout.write(`## ${section.title}\n\n${section.table}\n\nNotes:\n\n${section.notes.map((n) => `- ${n}`).join('\n')}\n`),
    (error: unknown) => {
      process.stderr.write(`report bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
