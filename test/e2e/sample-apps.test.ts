/// <reference lib="dom" />
/**
 * The sample workspace's six apps as a visitor sees them through `tessera edge`, in a real
 * headless Chromium: every app bundled and published as `tessera bundle` does, released, and
 * served under the routes tessera.config.json gives them. Each page must render its data (the
 * sample API in libs/api-client answers from the sample data shipped in each bundle), load every
 * file it asks for, and link only to pages the edge serves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAppBundle } from '../../tools/src/bundle/write-app-bundle.js';
import { computeRoutes } from '../../tools/src/edge/resolve-route.js';
import { startEdge, type Edge } from '../../tools/src/edge/start-edge.js';
import { updateRelease } from '../../tools/src/release/update-release.js';
import { createFsStore } from '../../tools/src/store/fs-store.js';
import { publishBundle } from '../../tools/src/store/publish-bundle.js';
import { readWorkspace } from '../../tools/src/workspace/read-workspace.js';
import { createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';
const APPS = ['catalog', 'checkout', 'course-page', 'learner-home', 'profile', 'search'];

let repo: TestRepo;
let edge: Edge;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium package or set TESSERA_CHROMIUM`);
  repo = createSampleRepo();
  // The sample's routes (learner-home at /home, course-page at /courses), as a clone has them.
  repo.write('tessera.config.json', readFileSync(join(REPO_ROOT, 'tessera.config.json'), 'utf8'));
  repo.commit('routes');
  const workspace = await readWorkspace(repo.dir);
  expect(workspace.apps.map((a) => a.name).sort()).toEqual(APPS);
  const store = createFsStore(join(repo.dir, '.tessera/store'));
  for (const app of workspace.apps) {
    const { outDir } = await writeAppBundle({ root: repo.dir, app: app.name, entries: app.entries, outDir: join(repo.dir, 'dist', app.name), version: 'v1', commit: null, buildId: 'e2e:v1' });
    await publishBundle({ store, dir: outDir });
    await updateRelease(store, app.name, { type: 'start', version: 'v1' }, { actor: 'e2e' });
  }
  edge = await startEdge({ store, routes: computeRoutes(APPS, workspace.config.apps), port: 0, pollMs: 60_000, retentionMs: 3_600_000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await edge?.close();
  repo?.cleanup();
});

/** A page that records script errors and every file it could not load. */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`error: ${e.message}`));
  // Only what a page loads (GET): the analytics beacon posts to a collector the sample does not have.
  page.on('response', (r) => {
    if (r.request().method() === 'GET' && r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  return { page, problems };
}

/** Every link on the page that leaves it (not a #hash of the same page), as absolute URLs. */
async function readLinks(page: Page): Promise<string[]> {
  const hrefs = await page.locator('a[href]').evaluateAll((nodes) => nodes.map((n) => (n as HTMLAnchorElement).href));
  const here = page.url().split('#')[0];
  return [...new Set(hrefs.filter((h) => h.split('#')[0] !== here))];
}

const pages: [string, string, (page: Page) => Promise<void>][] = [
  ['catalog', '/catalog/', async (page) => {
    await expect.poll(() => page.locator('article.course-card').count()).toBe(8);
    await page.locator('nav.category-nav a', { hasText: 'Design' }).click();
    await expect.poll(() => page.locator('#category-title').innerText()).toBe('Design');
    await expect.poll(() => page.locator('main').innerText()).toContain('2 courses');
  }],
  ['course-page', '/courses/react-from-scratch', async (page) => {
    await expect.poll(() => page.locator('header.acme-header h1').innerText()).toBe('React from Scratch');
    await expect.poll(() => page.locator('.course-description').innerText()).toContain('why each piece exists');
    expect(await page.locator('.syllabus details').count()).toBe(3);
  }],
  ['learner-home', '/home/', async (page) => {
    await expect.poll(() => page.locator('.learner-home__hero h2').innerText()).toBe('Welcome back, Jordan Avery');
    await expect.poll(() => page.locator('.enrollment-grid article.course-card').count()).toBe(2);
    await page.locator('.learner-home__tabs a', { hasText: 'Certificates' }).click();
    await expect.poll(() => page.locator('.certificate-list').innerText()).toContain('Introduction to TypeScript');
  }],
  ['profile', '/profile/', async (page) => {
    await expect.poll(() => page.locator('.account-summary').innerText()).toContain('jordan.avery@example.com');
    await page.locator('.settings-form button[type=submit]').click();
    await expect.poll(() => page.locator('.settings-form [role=status]').innerText()).toBe('Settings saved');
  }],
  ['search', '/search/?q=react', async (page) => {
    await expect.poll(() => page.locator('.results-summary').innerText()).toMatch(/^2 results for “react”/);
    await expect.poll(() => page.locator('.result-list mark').first().innerText()).toBe('React');
    expect(await page.locator('.facet-list fieldset').count()).toBe(3);
  }],
  ['checkout', '/checkout/?course=course-102', async (page) => {
    await expect.poll(() => page.locator('.order-summary').innerText()).toContain('React from Scratch');
    expect(await page.locator('.order-summary tfoot').innerText()).toContain('$85.32');
  }],
];

describe('the sample apps through the edge, in a real browser', () => {
  it.each(pages)('%s (%s) renders its data, loads every file and links only to pages the edge serves', async (app, path, check) => {
    const { page, problems } = await openPage();
    const answer = await page.goto(`${edge.url}${path}`);
    expect(answer!.status()).toBe(200);
    expect(answer!.headers()['x-tessera-app']).toBe(app);
    await expect.poll(() => page.locator('header.acme-header').isVisible()).toBe(true);
    await check(page);
    expect(await page.locator('[role=alert]').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toMatch(/Could not load|could not be|not available/i);

    const links = await readLinks(page);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(new URL(link).origin, link).toBe(edge.url);
      const linked = await page.request.get(link);
      expect({ link, status: linked.status(), app: linked.headers()['x-tessera-app'] ?? null }).toEqual({ link, status: 200, app: expect.any(String) });
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('takes a visitor from the catalog to a course, its checkout, payment and back to their learning', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${edge.url}/catalog/`);
    await page.locator('article.course-card a', { hasText: 'Kubernetes in Production' }).click();
    await expect.poll(() => page.locator('header.acme-header h1').innerText()).toBe('Kubernetes in Production');
    expect(new URL(page.url()).pathname).toBe('/courses/kubernetes-in-production');

    await page.locator('.enroll-panel button').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/checkout');
    await expect.poll(() => page.locator('.order-summary').innerText()).toContain('Kubernetes in Production');
    await page.locator('input[name=cardholder]').fill('Jordan Avery');
    await page.locator('input[name=cardNumber]').fill('4242 4242 4242 4242');
    await page.locator('input[name=expiry]').fill('12/29');
    await page.locator('.payment-form button[type=submit]').click();
    await expect.poll(() => page.locator('[role=status] h2').innerText()).toContain('Thank you');

    await page.locator('[role=status] a', { hasText: 'Start learning' }).click();
    await expect.poll(() => page.locator('.learner-home__hero h2').innerText()).toBe('Welcome back, Jordan Avery');
    expect(problems).toEqual([]);
    await page.close();
  });
});
