import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAppBundle } from '../../tools/src/bundle/write-app-bundle.js';
import { computeRoutes } from '../../tools/src/edge/resolve-route.js';
import { startEdge, type Edge } from '../../tools/src/edge/start-edge.js';
import { updateRelease } from '../../tools/src/release/update-release.js';
import { createFsStore } from '../../tools/src/store/fs-store.js';
import { publishBundle } from '../../tools/src/store/publish-bundle.js';
import type { Store } from '../../tools/src/store/store.js';
import { createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

let repo: TestRepo;
let store: Store;
let edge: Edge;
let browser: Browser;

/** Bundles the sample catalog app as it is in the test repository and publishes it. */
async function publishCatalog(version: string): Promise<void> {
  const { outDir } = await writeAppBundle({ root: repo.dir, app: 'catalog', entries: ['apps/catalog/src/main.tsx'], outDir: join(repo.dir, 'dist', version), version, commit: null, buildId: `e2e:${version}` });
  await publishBundle({ store, dir: outDir });
}

beforeAll(async () => {
  repo = createSampleRepo();
  store = createFsStore(join(repo.dir, '.tessera/store'));
  await publishCatalog('blue');
  repo.write('apps/catalog/src/App.tsx', repo.read('apps/catalog/src/App.tsx').replace('title="Course catalog"', 'title="Course catalog, now greener"'));
  await publishCatalog('green');
  await updateRelease(store, 'catalog', { type: 'start', version: 'blue' }, { actor: 'e2e' });
  edge = await startEdge({ store, routes: computeRoutes(['catalog'], {}), port: 0, pollMs: 50, retentionMs: 3_600_000 });
  browser = await chromium.launch({ executablePath: process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await edge?.close();
  repo?.cleanup();
});

describe('an app served by the edge, in a real browser', () => {
  it('renders with the shared page header; a promote shows the new version on reload while the old assets still load', async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    const first = await page.goto(`${edge.url}/catalog/`);
    expect(first!.headers()['x-tessera-version']).toBe('blue');
    await expect.poll(() => page.locator('header.acme-header').isVisible()).toBe(true);
    expect(await page.locator('header.acme-header').innerText()).toContain('Course catalog');
    expect(await page.locator('header.acme-header').innerText()).not.toContain('now greener');
    const blueScripts = await page.locator('script[type=module]').evaluateAll((nodes) => nodes.map((n) => (n as unknown as { src: string }).src));
    expect(blueScripts.length).toBeGreaterThan(0);

    await updateRelease(store, 'catalog', { type: 'start', version: 'green', weight: 0 }, { actor: 'e2e' });
    await updateRelease(store, 'catalog', { type: 'promote' }, { actor: 'e2e' });
    await expect.poll(async () => (await page.reload())!.headers()['x-tessera-version'], { timeout: 10_000 }).toBe('green');
    await expect.poll(() => page.locator('header.acme-header').innerText()).toContain('now greener');
    const greenScripts = await page.locator('script[type=module]').evaluateAll((nodes) => nodes.map((n) => (n as unknown as { src: string }).src));
    expect(greenScripts).not.toEqual(blueScripts);

    // A tab that loaded the blue shell before the promote still gets its assets.
    const statuses = await page.evaluate(async (urls) => Promise.all(urls.map(async (u: string) => (await fetch(u)).status)), blueScripts);
    expect(statuses.every((s: number) => s === 200)).toBe(true);
    expect(failures).toEqual([]);
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'edge-catalog-green.png') });
    await page.close();
  });
});
