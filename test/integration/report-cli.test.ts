import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../tools/src/cli/main.js';
import type { PageData } from '../../tools/src/report/compute-page-data.js';
import type { ChromeTrace } from '../../tools/src/report/render-trace.js';
import { captureIo } from '../support/capture-io.js';
import { createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

/** The sample workspace whose build fails for checkout, with a red error line, and succeeds for the rest. */
function failingCheckoutRepo(): TestRepo {
  repo = createSampleRepo();
  repo.write(
    'buildspec.yml',
    [
      'version: 0.2',
      'phases:',
      '  install:',
      '    commands:',
      '      - echo installing $TESSERA_APP',
      '  build:',
      '    commands:',
      `      - 'test "$TESSERA_APP" != checkout || { printf "\\033[31merror TS2322: type error in checkout\\033[0m\\n"; exit 2; }'`,
      '      - echo built $TESSERA_APP',
      '',
    ].join('\n'),
  );
  repo.commit('buildspec');
  return repo;
}

async function tessera(args: string[], env: Record<string, string> = {}) {
  const io = captureIo(repo.dir, env);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

const dataOf = (html: string) => JSON.parse(/<script type="application\/json" id="tessera-data">([^]*?)<\/script>/.exec(html)![1]!) as PageData;

/** Markdown with the times of a real run replaced, so that it can be compared with a snapshot. */
const normalise = (md: string) =>
  md
    .replace(/\d{8}-\d{6}-[0-9a-f]{4}/g, '<run>')
    .replace(/\b[0-9a-f]{40}\b/g, '<sha>')
    .replace(/`[0-9a-f]{20}`/g, '`<version>`')
    .replace(/\d+m \d\ds|\d+(\.\d+)?m?s\b/g, '<t>')
    .replace(/\d+\.\d min \(\d+ billed\)/g, '<min> (<n> billed)')
    .replace(/\$\d+\.\d+/g, '$<cost>')
    .replace(/critical path: [^.]+\./, 'critical path: <chain>.')
    .replace(/\b(PROVISIONING|DOWNLOAD_SOURCE|INSTALL|PRE_BUILD|BUILD|POST_BUILD|UPLOAD_ARTIFACTS|FINALIZING)\b/g, '<phase>')
    .replace(/set by [\w-]+/, 'set by <app>')
    .replace(/freed by [\w-]+/, 'freed by <app>');

describe('tessera build writes the HTML report', () => {
  it('prints its path, keeps every log next to it, and carries each app with its reason; the next run has trends', async () => {
    failingCheckoutRepo();
    const first = await tessera(['build', '--concurrency', '2']);
    expect(first.code).toBe(1);
    const path = /^report: (.+\.html)$/m.exec(first.err)![1]!;
    expect(first.err).toContain(`Live report (refreshes itself): ${path}`);
    expect(path).toMatch(/^\.tessera\/reports\/\d{8}-\d{6}-[0-9a-f]{4}\.html$/);
    const html = repo.read(path);
    const data = dataOf(html);
    expect(data.refreshMs).toBeNull();
    expect(data.jobs.map((j) => [j.app, j.status, j.reason])).toEqual(
      expect.arrayContaining([['checkout', 'FAILED', 'every app (no --affected, no names)'], ['profile', 'SUCCEEDED', 'every app (no --affected, no names)']]),
    );
    expect(data.jobs.every((j) => j.log !== null && j.trend.length === 0)).toBe(true);
    const logs = join(repo.dir, path.replace(/\.html$/, '-logs'));
    expect(readdirSync(logs)).toHaveLength(6);
    const checkout = data.jobs.findIndex((j) => j.app === 'checkout');
    expect(readFileSync(join(logs, data.jobs[checkout]!.log!.split('/')[1]!), 'utf8')).toContain('\u001b[31merror TS2322: type error in checkout\u001b[0m');
    expect(data.critical.length).toBeGreaterThan(0);

    repo.append('libs/formatting/src/dates.ts', '\nexport const touched = 1;\n');
    repo.commit('touch dates');
    const second = await tessera(['build', '--affected', '--base', 'HEAD~1', '--json']);
    expect(JSON.parse(second.out).jobs.length).toBeGreaterThan(0); // stdout is still one JSON document
    const again = dataOf(repo.read(/^report: (.+\.html)$/m.exec(second.err)![1]!));
    const app = again.jobs.find((j) => j.status === 'SUCCEEDED')!;
    expect(app.reason).toMatch(/dates\.ts/);
    expect(app.trend).toHaveLength(1);
  });
});

describe('tessera report', () => {
  it('writes the HTML of a run again, anywhere, and exports it as a trace, Markdown and JSON', async () => {
    failingCheckoutRepo();
    await tessera(['build', 'checkout', 'profile', '--concurrency', '1']);
    const runs = await tessera(['runs', 'list', '--json']);
    const id = JSON.parse(runs.out)[0].id as string;

    const html = await tessera(['report', id.slice(0, 12), '--out', 'out/run.html']);
    expect(html).toMatchObject({ code: 0, out: `${join(repo.dir, 'out/run.html')}\n` });
    expect(html.err).toMatch(/report of run .*: 2 job\(s\), \d+ KB, 2 log\(s\) in out\/run-logs/);
    expect(dataOf(repo.read('out/run.html')).run.id).toBe(id);

    const trace = await tessera(['report', 'latest', '--format', 'trace']);
    const events = (JSON.parse(trace.out) as ChromeTrace).traceEvents;
    expect(events.filter((e) => e.name === 'thread_name').map((e) => (e.args as { name: string }).name)).toEqual(['◆ critical path', 'checkout (failed)', 'profile (succeeded)']);
    expect(events.filter((e) => e.ph === 'X' && e.tid === 1).map((e) => e.name)).toContain('BUILD');

    const md = await tessera(['report', 'latest', '--format', 'md']);
    await expect(normalise(md.out)).toMatchFileSnapshot('__snapshots__/report-cli.md');
    expect(md.out).toContain(`Timeline, logs and costs: \`.tessera/reports/${id}.html\``);
    const linked = await tessera(['report', '--format', 'md'], { TESSERA_REPORT_URL: 'https://ci.example/run.html' });
    expect(linked.out).toContain('[Timeline, logs and costs](https://ci.example/run.html)');

    const json = await tessera(['report', 'latest', '--format', 'json', '--out', 'run.json']);
    const shown = await tessera(['runs', 'show', 'latest', '--json']);
    expect(json.out).toBe(`${join(repo.dir, 'run.json')}\n`);
    expect(JSON.parse(repo.read('run.json'))).toEqual(JSON.parse(shown.out));

    // --json: alone the run itself; beside a format that writes a file, what was written.
    const asJson = await tessera(['report', 'latest', '--json']);
    expect(JSON.parse(asJson.out)).toEqual(JSON.parse(shown.out));
    const htmlJson = await tessera(['report', 'latest', '--format', 'html', '--out', 'out/again.html', '--json']);
    expect(JSON.parse(htmlJson.out)).toEqual({ run: id, format: 'html', file: join(repo.dir, 'out/again.html'), bytes: expect.any(Number), logDir: join(repo.dir, 'out/again-logs'), logFiles: 2 });
    expect(htmlJson.err).toContain('report of run');
    const mdJson = await tessera(['report', 'latest', '--format', 'md', '--out', 'run.md', '--json']);
    expect(JSON.parse(mdJson.out)).toEqual({ run: id, format: 'md', file: join(repo.dir, 'run.md'), bytes: Buffer.byteLength(repo.read('run.md')) });
    const mdToStdout = await tessera(['report', 'latest', '--format', 'md', '--json']);
    expect(mdToStdout.code).toBe(2);
    expect(JSON.parse(mdToStdout.out).error).toMatchObject({ code: 'TESSERA_USAGE', message: expect.stringContaining('--format md would print there too'), hint: expect.stringContaining('--out FILE') });
  });

  it('--open hands the file to $BROWSER', async () => {
    failingCheckoutRepo();
    await tessera(['build', 'profile']);
    repo.write('browser.sh', `#!/bin/sh\necho "$1" > "${join(repo.dir, 'opened.txt')}"\n`);
    chmodSync(join(repo.dir, 'browser.sh'), 0o755);
    const result = await tessera(['report', '--open'], { BROWSER: join(repo.dir, 'browser.sh') });
    expect(result.code).toBe(0);
    const opened = join(repo.dir, 'opened.txt');
    for (let i = 0; i < 250 && !(existsSync(opened) && readFileSync(opened, 'utf8').endsWith('\n')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(repo.read('opened.txt').trim()).toBe(`file://${result.out.trim()}`);
  });

  it('says what is wrong: unknown run, format, flag combination, or a place it cannot write', async () => {
    failingCheckoutRepo();
    expect(await tessera(['report'])).toMatchObject({ code: 2, err: expect.stringContaining('TESSERA_RUN_NOT_FOUND') });
    await tessera(['build', 'profile']);
    expect(await tessera(['report', 'nope'])).toMatchObject({ code: 2, err: expect.stringContaining('No run with id "nope"') });
    expect(await tessera(['report', '--format', 'pdf'])).toMatchObject({ code: 2, err: expect.stringContaining('--format must be one of html, trace, md, json; received "pdf"') });
    expect(await tessera(['report', '--format', 'md', '--open'])).toMatchObject({ code: 2, err: expect.stringContaining('--open opens the HTML report') });
    expect(await tessera(['report', 'a', 'b'])).toMatchObject({ code: 2, err: expect.stringContaining('takes one run id') });
    repo.write('file', 'not a directory');
    expect(await tessera(['report', '--out', 'file/report.html'])).toMatchObject({ code: 2, err: expect.stringContaining('TESSERA_REPORT_WRITE_FAILED') });
    expect(await tessera(['report', '--format', 'md', '--out', 'file/report.md'])).toMatchObject({ code: 2, err: expect.stringContaining('TESSERA_REPORT_WRITE_FAILED') });
  });
});

describe('docs/report.md', () => {
  it('documents every flag of tessera report, and no other', async () => {
    const { reportCommand } = await import('../../tools/src/cli/commands/report.js');
    const doc = readFileSync(join(REPO_ROOT, 'docs/report.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `--([a-z-]+)/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual(Object.keys(reportCommand.options).sort());
  });
});
