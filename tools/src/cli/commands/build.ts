import pc from 'picocolors';
import { TesseraError } from '../../errors/tessera-error.js';
import { runBuild } from '../../pipelines/run-build.js';
import { parseLogFile } from '../../records/log-line.js';
import type { LogLine, RunRecord } from '../../records/run-record.js';
import { formatWarnings } from '../format-warnings.js';
import { formatPlan, formatProgressTable, computeRunDocument, formatSummary } from '../format-run.js';
import type { Command } from '../command.js';
import { readBooleanFlag, readChoice, readRangeFlags, readSelectionFlags, readStringFlag, readWorkspaceDir } from '../resolve-flags.js';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

function readConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new TesseraError('TESSERA_USAGE', `--concurrency must be a whole number of at least 1; received "${value}"`);
  return n;
}

/** `tessera build`: one build per app, in parallel, with a live table and a summary. */
export const buildCommand: Command = {
  summary: 'Build apps (named, --affected, or all): one build per app, in parallel, locally or on CodeBuild.',
  usage: 'tessera build [APP...] [--affected [--base REF] [--head REF] [--files F,...]] [--projects P,...] [--exclude P,...] [--executor local|codebuild] [--buildspec FILE|none] [--concurrency N] [--fail-fast] [--dry-run] [--uncommitted] [--logs stream|grouped|failed] [--store URL] [--verbose] [--json] [--cwd DIR]',
  allowPositionals: true,
  stopping: 'every started build',
  options: {
    affected: { type: 'boolean' },
    base: { type: 'string' },
    head: { type: 'string' },
    files: { type: 'string' },
    deepen: { type: 'boolean' },
    projects: { type: 'string' },
    exclude: { type: 'string' },
    executor: { type: 'string' },
    buildspec: { type: 'string' },
    concurrency: { type: 'string' },
    'fail-fast': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    uncommitted: { type: 'boolean' },
    logs: { type: 'string' },
    json: { type: 'boolean' },
    store: { type: 'string' },
    verbose: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const root = readWorkspaceDir(values, io);
    const rangeFlag = (['base', 'head', 'files', 'deepen'] as const).find((f) => values[f] !== undefined);
    if (!values.affected && rangeFlag) throw new TesseraError('TESSERA_USAGE', `--${rangeFlag} selects what --affected compares; it does nothing without --affected`, { hint: `Add --affected (tessera build --affected --${rangeFlag} …), or drop --${rangeFlag} to build named apps or every app.` });
    const executor = readChoice(readStringFlag(values, io, 'executor', 'TESSERA_EXECUTOR'), 'executor', ['local', 'codebuild'] as const, 'local');
    const logsMode = readChoice(readStringFlag(values, io, 'logs', 'TESSERA_LOGS'), 'logs', ['stream', 'grouped', 'failed'] as const, 'failed');
    const buildspecFlag = readStringFlag(values, io, 'buildspec', 'TESSERA_BUILDSPEC');
    // `none` (or false): each app's own build, whatever buildspec the workspace has.
    const buildspec = buildspecFlag === undefined ? undefined : /^(none|false)$/i.test(buildspecFlag) ? false : buildspecFlag;
    const concurrency = readConcurrency(readStringFlag(values, io, 'concurrency', 'TESSERA_CONCURRENCY'));
    const json = values.json === true;
    const c = pc.createColors(io.color.stderr);
    const interactive = io.interactive && !json && logsMode !== 'stream';
    let drawn = 0;
    let lastDraw = 0;
    const draw = (run: RunRecord, force = false) => {
      if (!interactive) return;
      const now = Date.now();
      if (!force && now - lastDraw < 100) return;
      lastDraw = now;
      const table = formatProgressTable(run, io.color.stderr);
      io.stderr.write(`${drawn ? `\x1b[${drawn}A\x1b[0J` : ''}${table}`);
      drawn = table.split('\n').length - 1;
    };
    const grouped = new Map<string, LogLine[]>();
    const ticker = interactive ? setInterval(() => current && draw(current, true), 500) : null;
    let current: RunRecord | null = null;
    try {
      const result = await runBuild({
        root,
        apps: positionals,
        affected: values.affected
          ? (({ base, head, deepen, files }) => ({ base, head, deepen, files }))(readRangeFlags(values, io))
          : null,
        uncommitted: values.uncommitted === true,
        selection: readSelectionFlags(values),
        executor,
        buildspec,
        concurrency,
        failFast: readBooleanFlag(values, io, 'fail-fast', 'TESSERA_FAIL_FAST'),
        dryRun: values['dry-run'] === true,
        trigger: io.env.CI ? 'ci' : 'cli',
        storeUrl: readStringFlag(values, io, 'store', 'TESSERA_STORE'),
        env: io.env,
        signal: io.signal,
        onPlan(plan, run, affected, report) {
          current = run;
          if (!json) io.stderr.write(formatPlan(plan, run, io.color.stderr, affected ? new Map(affected.apps.map((a) => [a.name, a.reasons[0]!.detail])) : undefined));
          if (!json && plan.length === 0) io.stderr.write('Nothing to build.\n');
          if (!json && report) io.stderr.write(c.dim(`Live report (refreshes itself): ${relative(io.cwd, report)}\n`));
        },
        onEvent(run, event) {
          current = run;
          if (interactive) return draw(run, event.type === 'job-end');
          if (json) return;
          if (event.type === 'job-start') io.stderr.write(`${c.dim(new Date().toISOString().slice(11, 19))} ${event.app} started\n`);
          if (event.type === 'phase' && event.status !== 'IN_PROGRESS' && event.status !== 'SUCCEEDED') io.stderr.write(`${c.dim(new Date().toISOString().slice(11, 19))} ${event.app} ${event.phase} ${c.red(event.status)}\n`);
          if (event.type === 'retry') io.stderr.write(`${c.dim(new Date().toISOString().slice(11, 19))} ${event.app} retrying: ${event.reason}\n`);
          if (event.type === 'job-end') io.stderr.write(`${c.dim(new Date().toISOString().slice(11, 19))} ${event.app} ${event.status === 'SUCCEEDED' ? c.green(event.status) : c.red(event.status)}\n`);
        },
        onLog(app, line) {
          if (json) return;
          if (logsMode === 'stream') io.stderr.write(`${c.cyan(app)} ${c.dim('|')} ${line.text}\n`);
          else if (logsMode === 'grouped') grouped.set(app, [...(grouped.get(app) ?? []), line]);
        },
      });
      if (ticker) clearInterval(ticker);
      const { run } = result;
      if (values['dry-run']) {
        if (json) io.stdout.write(JSON.stringify({ ...computeRunDocument(run), plan: result.plan }, null, 2) + '\n');
        return 0;
      }
      if (interactive) draw(run, true);
      if (!json) {
        for (const job of run.jobs) {
          const show = logsMode === 'grouped' || (logsMode === 'failed' && ['FAILED', 'FAULT', 'TIMED_OUT'].includes(job.status));
          if (!show || !job.logFile) continue;
          io.stderr.write(`\n${c.bold(`── ${job.app} (${job.status}) ${job.logFile}`)}\n`);
          const text = parseLogFile(readFileSync(join(root, job.logFile), 'utf8')).map((l) => l.text);
          io.stderr.write((logsMode === 'failed' ? text.slice(-60) : text).join('\n') + '\n');
        }
        io.stderr.write(formatSummary(run, io.color.stderr));
        io.stderr.write(formatWarnings(result.warnings, { color: io.color.stderr, verbose: values.verbose === true }));
      } else io.stdout.write(JSON.stringify(computeRunDocument(run), null, 2) + '\n');
      // The report's path is the last line, on stderr (stdout holds only the --json document).
      if (result.report && existsSync(result.report)) io.stderr.write(`report: ${relative(io.cwd, result.report)}\n`);
      if (run.status === 'STOPPED' || io.signal.aborted) return 130;
      return run.status === 'SUCCEEDED' ? 0 : 1;
    } finally {
      if (ticker) clearInterval(ticker);
    }
  },
};
