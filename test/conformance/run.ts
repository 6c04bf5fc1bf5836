/**
 * `npm run conformance -- --repo DIR [--ranges N] [--judge nx|turbo] [--json FILE] [--label NAME] [--keep-caches] [--no-checkout]`
 *
 * Replays the last N (default 20) first-parent commits of the git repository at DIR and,
 * for each commit C, compares `tessera affected --base C~1 --head C` (the built CLI) with the
 * judge's affected apps: Nx's `nx show projects --affected --type app`, or Turborepo's
 * `turbo ls --affected` restricted to the packages Tessera classifies as apps. The judge is
 * the one whose config (nx.json, turbo.json) DIR has, unless --judge says.
 *
 * Per range and the summary go to stderr; the Markdown table header and row for
 * BENCHMARKS.md go to stdout; --json FILE writes the whole result. Each commit is checked
 * out (detached) before it is asked about, as CI would have it, and the original HEAD is
 * restored at the end; a working tree with changes is refused. With --no-checkout the
 * working tree stays put and Tessera analyses each commit in a temporary git worktree.
 * The repository's Tessera graph cache and the judge's cache are removed before the warm-up run
 * (HEAD~1..HEAD), so that it measures a cold start, unless --keep-caches says not to.
 * The ranges then run warm, as CI on consecutive commits would.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readConfig } from '../../tools/src/workspace/read-workspace.js';
import { compareRange, summarizeRanges } from './compare-range.js';
import type { ConformanceResult, Judge } from './conformance-types.js';
import { createNxJudge } from './judge-nx.js';
import { createTurboJudge } from './judge-turbo.js';
import { formatRepositoryName, renderRange, renderSummary, renderSummaryHeader, renderSummaryRow } from './render-conformance.js';
import { assertCleanWorkingTree, replayRanges, warmUp } from './replay-ranges.js';

const USAGE = 'usage: npm run conformance -- --repo DIR [--ranges N] [--judge nx|turbo] [--json FILE] [--label NAME] [--keep-caches] [--no-checkout]';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

class UsageError extends Error {}

function readOptions(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { repo: { type: 'string' }, ranges: { type: 'string' }, judge: { type: 'string' }, json: { type: 'string' }, label: { type: 'string' }, 'keep-caches': { type: 'boolean' }, 'no-checkout': { type: 'boolean' } }, strict: true });
  if (!values.repo) throw new UsageError('--repo DIR is required');
  const dir = resolve(values.repo);
  if (!existsSync(join(dir, '.git'))) throw new UsageError(`--repo ${JSON.stringify(values.repo)} is not a git repository (no .git in ${dir})`);
  const ranges = values.ranges === undefined ? 20 : Number(values.ranges);
  if (!Number.isInteger(ranges) || ranges < 1) throw new UsageError(`--ranges must be a positive integer, got ${JSON.stringify(values.ranges)}`);
  const judge = values.judge ?? (existsSync(join(dir, 'nx.json')) ? 'nx' : existsSync(join(dir, 'turbo.json')) ? 'turbo' : undefined);
  if (judge !== 'nx' && judge !== 'turbo') throw new UsageError(values.judge ? `--judge must be nx or turbo, got ${JSON.stringify(values.judge)}` : `${dir} has neither nx.json nor turbo.json: pass --judge nx|turbo`);
  return { dir, ranges, judge, json: values.json, label: values.label, keepCaches: values['keep-caches'] === true, checkout: values['no-checkout'] !== true };
}

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = readOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError) && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') !== true) throw error;
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { dir } = options;
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const tesseraBin = join(repoRoot, 'tools', 'bin', 'tessera.js');
  const tesseraVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const judge: Judge = options.judge === 'nx' ? await createNxJudge(dir) : await createTurboJudge(dir);
  const repository = options.label ?? formatRepositoryName(git(['remote', 'get-url', 'origin']), dir);
  const pin = git(['rev-parse', 'HEAD']) ?? 'unknown';
  process.stderr.write(`${repository} @ ${pin.slice(0, 10)}: judge ${judge.name} ${judge.version}; ${options.ranges} range(s), ${options.checkout ? 'each commit checked out' : 'working tree left at HEAD'}\n`);

  if (options.checkout) {
    try {
      await assertCleanWorkingTree(dir);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 2;
    }
  }
  if (!options.keepCaches) {
    rmSync(join(dir, readConfig(dir).cacheDir, 'cache', 'graphs'), { recursive: true, force: true });
    judge.clearCache();
  }
  const warm = await warmUp({ dir, judge, tesseraBin });
  process.stderr.write(`warm-up HEAD~1..HEAD: tessera ${warm.tesseraMs} ms (cache ${warm.tesseraCache ?? '–'}), ${judge.name} ${warm.judgeMs} ms${warm.error ? `; ${warm.error}` : ''}\n\n`);
  const ranges = [];
  for (const observation of await replayRanges({
    dir, ranges: options.ranges, judge, tesseraBin, checkout: options.checkout,
    onRange: (o, i, n) => process.stderr.write(renderRange(compareRange(o), i, n, judge.name)),
  })) ranges.push(compareRange(observation));

  const result: ConformanceResult = {
    repository,
    pin,
    judge: { name: judge.name, version: judge.version, command: judge.command },
    tessera: { version: tesseraVersion, command: 'node tools/bin/tessera.js affected --base C~1 --head C --json --cwd DIR' },
    checkout: options.checkout,
    warmUp: warm,
    ranges,
    summary: summarizeRanges(ranges),
  };
  process.stderr.write(`\n${renderSummary(result)}\n`);
  if (options.json) writeFileSync(resolve(options.json), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(renderSummaryHeader() + renderSummaryRow(result));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`conformance harness failed (a bug in the harness): ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
