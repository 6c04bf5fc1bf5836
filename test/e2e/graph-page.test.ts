/// <reference lib="dom" />
/**
 * The page of `tessera graph --format html` in a real headless Chromium (Debian's `chromium`,
 * installed by .ci/run), driven by playwright-core, for the sample workspace analysed by the
 * real graph: it loads with no console error and no request but its own file, shows every
 * app, filters by name and by file path, lists an app's input files when it is clicked,
 * highlights the `--why APP --file F` chain, and shows a file name holding `<script>` and an
 * `onerror` attribute as text.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../tools/src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { createSampleRepo, type TestRepo } from '../support/sample-repo.js';

const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';
/** A file whose name would run script if it reached the page as HTML: `<script>` through a directory, and an `onerror`. */
const ODD_DIR = 'apps/profile/src/odd/<script>window.__tesseraXss=1<';
const ODD = `${ODD_DIR}/script><img src=x onerror="window.__tesseraXss=2">.ts`;

interface GraphJson {
  apps: { name: string; files: string[] }[];
}

let browser: Browser;
let repo: TestRepo;
let dir: string;
let graph: GraphJson;
const pages: Page[] = [];

/** `tessera graph` with these flags, from the sources, against the test workspace; stdout. */
async function tessera(args: string[]): Promise<string> {
  const io = captureIo(repo.dir);
  const code = await main(['graph', ...args], io);
  expect(code, io.err()).toBe(0);
  return io.out();
}

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM });
  repo = createSampleRepo();
  repo.write(ODD, 'export const odd = 1;\n');
  repo.append('apps/profile/src/main.tsx', `\nimport './odd/<script>window.__tesseraXss=1</script><img src=x onerror="window.__tesseraXss=2">.ts';\n`);
  repo.commit('a file with markup in its name');
  graph = JSON.parse(await tessera(['--json'])) as GraphJson;
  dir = mkdtempSync(join(tmpdir(), 'tessera-graph-page-'));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  repo?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
});

/** Writes the page `tessera graph --format html ARGS` prints and opens it, recording requests and errors. */
async function open(args: string[] = []) {
  const file = join(dir, `graph-${pages.length}.html`);
  writeFileSync(file, await tessera(['--format', 'html', ...args]));
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pages.push(page);
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => performance.getEntriesByName('tessera:graph-ready').length > 0);
  return { page, url: pathToFileURL(file).href, requests, errors };
}

/** The names of the nodes of a kind the filter leaves visible. */
const visibleNodes = (page: Page, kind: 'app' | 'lib') =>
  page.$$eval(`#nodes .node.${kind}`, (els) => els.filter((e) => getComputedStyle(e).display !== 'none').map((e) => (e as SVGGElement).dataset.name!));

describe('the graph page in Chromium', () => {
  it('loads with no error and no request, shows every app, and filters by name and by file path', async () => {
    const { page, url, requests, errors } = await open();
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    const apps = graph.apps.map((a) => a.name).sort();
    expect(await visibleNodes(page, 'app')).toEqual(apps);
    expect(await visibleNodes(page, 'lib')).toContain('page-header');

    await page.fill('#search', 'checkout');
    expect(await visibleNodes(page, 'app')).toEqual(['checkout']);
    expect(await page.textContent('#count')).toMatch(/^\d+ of \d+ projects$/);

    // A path finds the apps whose inputs hold it, and the library it belongs to.
    await page.fill('#search', 'i18n/src/messages/en.json');
    expect(await visibleNodes(page, 'app')).toEqual(graph.apps.filter((a) => a.files.includes('libs/i18n/src/messages/en.json')).map((a) => a.name).sort());
    expect(await visibleNodes(page, 'lib')).toEqual(['i18n']);
    // Edges to a project filtered out are hidden with it.
    const strays = await page.$$eval('#edges .edge', (els) => els.filter((e) => getComputedStyle(e).display !== 'none').map((e) => [(e as SVGPathElement).dataset.from, (e as SVGPathElement).dataset.to]));
    const shown = await page.$$eval('#nodes .node', (els) => els.filter((e) => getComputedStyle(e).display !== 'none').map((e) => (e as SVGGElement).dataset.index));
    for (const [from, to] of strays) expect(shown).toEqual(expect.arrayContaining([from, to]));

    await page.fill('#search', '');
    expect(await visibleNodes(page, 'app')).toEqual(apps);
    expect(await page.textContent('#count')).toBe('');
  });

  it('lists the input files of the app clicked, as `tessera graph --json` does, and dims what it does not use', async () => {
    const { page, errors } = await open();
    await page.click('#nodes .node.app[data-name="checkout"]');
    expect(await page.textContent('#selected-name')).toBe('checkout');
    const listed = await page.$$eval('#files li', (els) => els.map((e) => (e as HTMLElement).dataset.file));
    expect(listed).toEqual(graph.apps.find((a) => a.name === 'checkout')!.files);
    expect(await page.getAttribute('#nodes .node.app[data-name="checkout"]', 'class')).toContain('selected');
    expect(await page.getAttribute('#nodes .node.app[data-name="profile"]', 'class')).toContain('dim');
    expect(await page.getAttribute('#nodes .node.lib[data-name="page-header"]', 'class')).not.toContain('dim');
    // The filter narrows the list too.
    await page.fill('#search', 'design-system');
    const narrowed = await page.$$eval('#files li', (els) => els.map((e) => (e as HTMLElement).dataset.file!));
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed.every((f) => f.includes('design-system'))).toBe(true);
    await page.keyboard.press('Escape');
    await page.click('#canvas', { position: { x: 5, y: 5 } });
    expect(await page.$('#selected-name')).toBeNull();
    expect(errors).toEqual([]);
  });

  it('highlights the --why chain and shows a file name holding markup as text', async () => {
    const { page, url, requests, errors } = await open(['--why', 'profile', '--file', ODD]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]); // the <img src=x> in the name was never an element
    expect(await page.evaluate(() => (window as unknown as { __tesseraXss?: number }).__tesseraXss)).toBeUndefined();
    expect(await page.$$eval('script', (els) => els.length)).toBe(2);
    expect(await page.$$eval('img', (els) => els.length)).toBe(0);

    const steps = await page.$$eval('#why li', (els) => els.map((e) => e.firstChild!.textContent));
    expect(steps).toEqual(['apps/profile/src/main.tsx', ODD]);
    expect(await page.textContent('#why h2 code')).toBe(ODD);
    expect(await page.textContent('#selected-name')).toBe('profile');
    expect(await page.getAttribute('#nodes .node.app[data-name="profile"]', 'class')).toContain('chain');
    expect(await page.$$eval('#nodes .node.chain', (els) => els.length)).toBe(1);
    const chained = await page.$$eval('#files li.chain', (els) => els.map((e) => (e as HTMLElement).dataset.file));
    expect(chained.sort()).toEqual(['apps/profile/src/main.tsx', ODD].sort());
  });

  it('highlights a chain through libraries: the projects it passes and the edges between them', async () => {
    const target = 'libs/i18n/src/messages/en.json';
    const { page, errors } = await open(['--why', 'checkout', '--file', target]);
    expect(errors).toEqual([]);
    const steps = await page.$$eval('#why li', (els) => els.map((e) => e.firstChild!.textContent!));
    expect(steps[0]).toBe('apps/checkout/src/main.tsx');
    expect(steps.at(-1)).toBe(target);
    const chainNodes = await page.$$eval('#nodes .node.chain', (els) => els.map((e) => (e as SVGGElement).dataset.name));
    expect(chainNodes).toEqual(['checkout', 'i18n']);
    const chainEdges = await page.$$eval('#edges .edge.chain', (els) => els.map((e) => [(e as SVGPathElement).dataset.from, (e as SVGPathElement).dataset.to]));
    const index = (name: string) => page.getAttribute(`#nodes .node[data-name="${name}"]`, 'data-index');
    expect(chainEdges).toEqual([[await index('checkout'), await index('i18n')]]);
  });
});
