import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import pc from 'picocolors';
import { TesseraError } from '../../errors/tessera-error.js';
import { openInBrowser } from '../../report/open-in-browser.js';
import { renderMarkdownSummary } from '../../report/render-markdown.js';
import { renderTrace } from '../../report/render-trace.js';
import { createReportWriter, resolveLogDir, resolveReportFile } from '../../report/write-report.js';
import { createRunsStore } from '../../runs/runs-store.js';
import { readConfig } from '../../workspace/read-workspace.js';
import type { Command } from '../command.js';
import { computeRunDocument } from '../format-run.js';
import { readChoice, readStringFlag, readWorkspaceDir } from '../resolve-flags.js';

const FORMATS = ['html', 'trace', 'md', 'json'] as const;

/** `tessera report`: a recorded run as an HTML timeline, a Chrome trace, Markdown or JSON. */
export const reportCommand: Command = {
  summary: 'A run as an HTML timeline (phases per app, critical path, cost, logs), a Chrome trace (--format trace), Markdown (md) or JSON.',
  usage: 'tessera report [RUN_ID | latest] [--format html|trace|md|json] [--out FILE] [--open] [--report-url URL] [--json] [--cwd DIR]',
  allowPositionals: true,
  options: { format: { type: 'string' }, out: { type: 'string' }, open: { type: 'boolean' }, 'report-url': { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const root = readWorkspaceDir(values, io);
    const json = values.json === true;
    // --json alone is the run as JSON; beside an explicit --format that writes a file (html, or
    // any format with --out) it is the document that says what was written.
    const format = json && typeof values.format !== 'string' ? 'json' : readChoice(readStringFlag(values, io, 'format', 'TESSERA_REPORT_FORMAT'), 'format', FORMATS, 'html');
    if (positionals.length > 1) throw new TesseraError('TESSERA_USAGE', `tessera report takes one run id; received ${positionals.map((p) => `"${p}"`).join(', ')}`, { hint: 'Run `tessera runs list` to see the ids, or use `latest`.' });
    if (values.open && format !== 'html') throw new TesseraError('TESSERA_USAGE', `--open opens the HTML report; it does not go with --format ${format}`);
    const out = typeof values.out === 'string' ? resolve(io.cwd, values.out) : null;
    if (json && format !== 'json' && format !== 'html' && !out) {
      throw new TesseraError('TESSERA_USAGE', `--json prints one JSON document on stdout; --format ${format} would print there too`, { hint: `Add --out FILE to write the ${format === 'md' ? 'Markdown' : 'trace'} to a file (the JSON document then names it), or drop --json.` });
    }
    const config = readConfig(root);
    const prices = config.codebuild.pricePerMinute;
    const store = createRunsStore(join(root, config.cacheDir, 'tessera.db'));
    try {
      const run = store.readRun(positionals[0] ?? 'latest');
      const now = Date.now();
      if (format === 'html') {
        const file = out ?? resolveReportFile(root, config.cacheDir, run.id);
        const writer = createReportWriter({
          root, file, prices, region: config.codebuild.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION,
          history: store.readBuildHistory(run.jobs.map((j) => j.app), { before: run }),
        });
        const logs = run.jobs.filter((_, index) => writer.writeLog(run, index)).length;
        const bytes = writer.writeHtml(run, now);
        io.stdout.write(json ? JSON.stringify({ run: run.id, format, file, bytes, logDir: resolveLogDir(file), logFiles: logs }, null, 2) + '\n' : `${file}\n`);
        io.stderr.write(pc.createColors(io.color.stderr).dim(`report of run ${run.id}: ${run.jobs.length} job(s), ${(bytes / 1024).toFixed(0)} KB${logs ? `, ${logs} log(s) in ${relative(io.cwd, resolveLogDir(file)) || '.'}` : ''}\n`));
        if (values.open) {
          try {
            await openInBrowser(file, io.env);
          } catch (error) {
            io.stderr.write(`could not open a browser (${(error as Error).message}); open ${file} yourself, or set BROWSER\n`);
          }
        }
        return 0;
      }
      let text: string;
      if (format === 'trace') text = JSON.stringify(renderTrace(run, now)) + '\n';
      else if (format === 'json') text = JSON.stringify(computeRunDocument(run), null, 2) + '\n';
      else {
        const html = resolveReportFile(root, config.cacheDir, run.id);
        const report = readStringFlag(values, io, 'report-url', 'TESSERA_REPORT_URL') ?? (existsSync(html) ? relative(io.cwd, html) : null);
        text = renderMarkdownSummary(run, { now, prices, report });
      }
      if (!out) {
        io.stdout.write(text);
        return 0;
      }
      try {
        writeFileSync(out, text);
      } catch (error) {
        throw new TesseraError('TESSERA_REPORT_WRITE_FAILED', `Cannot write ${out}: ${(error as Error).message}`, { cause: error });
      }
      io.stdout.write(json ? JSON.stringify({ run: run.id, format, file: out, bytes: Buffer.byteLength(text) }, null, 2) + '\n' : `${out}\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
