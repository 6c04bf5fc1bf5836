/**
 * Start-up of local commands: wall time of the compiled CLI for commands that need no AWS
 * service, and how many AWS SDK modules each one resolves, against bare `node` and against a
 * baseline commit of Tessera built side by side (TESSERA_BENCH_STARTUP_BASELINE, default the
 * commit before the composition-layer change), all in the same run on the sample workspace.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampleRepo } from '../support/sample-repo.js';
import type { BenchContext, Section } from './run.js';

const BASELINE = process.env.TESSERA_BENCH_STARTUP_BASELINE ?? '185f47f';
const RUNS = 15;

const COMMANDS: { label: string; args: string[] }[] = [
  { label: '`tessera --version`', args: ['--version'] },
  { label: '`tessera affected --files … --json` (warm)', args: ['affected', '--files', 'libs/formatting/src/dates.ts', '--json'] },
  { label: '`tessera build --affected --files … --dry-run --json` (warm)', args: ['build', '--affected', '--files', 'libs/formatting/src/dates.ts', '--dry-run', '--json'] },
  { label: '`tessera versions catalog`', args: ['versions', 'catalog'] },
  { label: '`tessera bundle --help`', args: ['bundle', '--help'] },
  { label: '`tessera runs list`', args: ['runs', 'list'] },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Median wall time of `node args` in `cwd`, in ms (the first run warms the caches and is not counted). */
function measureWall(cwd: string, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, args, { cwd, stdio: 'ignore' });
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

/** How many AWS SDK modules `node bin args` resolves (through test/support/trace-loads). */
function countAwsModules(ctx: BenchContext, cwd: string, bin: string, args: string[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-loads-'));
  try {
    const trace = join(dir, 'loads.txt');
    spawnSync(process.execPath, ['--import', join(ctx.repoRoot, 'test/support/trace-loads/register.mjs'), bin, ...args], { cwd, stdio: 'ignore', env: { ...process.env, TESSERA_TRACE_LOADS: trace } });
    return existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter((u) => /\/@aws-sdk\/|\/@smithy\//.test(u)).length : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The baseline commit's CLI, compiled in a temporary worktree of this repository. */
function buildBaseline(ctx: BenchContext): { bin: string; cleanup: () => void } | null {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-baseline-'));
  const tree = join(dir, 'tree');
  try {
    execFileSync('git', ['worktree', 'add', '--detach', '-q', tree, BASELINE], { cwd: ctx.repoRoot, stdio: 'ignore' });
    symlinkSync(ctx.nodeModules, join(tree, 'node_modules'), 'dir');
    execFileSync(process.execPath, [join(tree, 'tools/build.mjs')], { cwd: tree, stdio: 'ignore' });
  } catch (error) {
    ctx.log(`startup: no baseline (${BASELINE}): ${(error as Error).message}`);
    return null;
  }
  return {
    bin: join(tree, 'tools/bin/tessera.js'),
    cleanup: () => {
      spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: ctx.repoRoot, stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function run(ctx: BenchContext): Promise<Section> {
  const repo = createSampleRepo();
  repo.write('buildspec.yml', readFileSync(join(ctx.repoRoot, 'buildspec.yml'), 'utf8'));
  repo.commit('buildspec');
  const baseline = buildBaseline(ctx);
  try {
    const bare = measureWall(repo.dir, ['-e', '0']);
    const rows = COMMANDS.map(({ label, args }) => {
      const now = measureWall(repo.dir, [ctx.tesseraBin, ...args]);
      const before = baseline ? measureWall(repo.dir, [baseline.bin, ...args]) : null;
      const awsNow = countAwsModules(ctx, repo.dir, ctx.tesseraBin, args);
      const awsBefore = baseline ? countAwsModules(ctx, repo.dir, baseline.bin, args) : null;
      ctx.log(`startup: ${args.join(' ')}: ${now.toFixed(0)} ms (baseline ${before?.toFixed(0) ?? '–'} ms)`);
      return `| ${label} | ${before === null ? '–' : `${before.toFixed(0)} ms (+${(before - bare).toFixed(0)})`} | ${awsBefore ?? '–'} | ${now.toFixed(0)} ms (+${(now - bare).toFixed(0)}) | ${awsNow} | ${before === null ? '–' : `${(now / before).toFixed(2)}×`} |`;
    });
    return {
      title: 'Start-up of local commands',
      table: [
        `| command | baseline ${BASELINE}: wall (over bare node) | AWS SDK modules | now: wall (over bare node) | AWS SDK modules | now / baseline |`,
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        `| bare \`node -e 0\` | ${bare.toFixed(0)} ms | – | ${bare.toFixed(0)} ms | – | – |`,
        ...rows,
      ].join('\n'),
      notes: [
        `Median of ${RUNS} runs after one warm-up, each a fresh process of the compiled CLI in a copy of the sample workspace (graph cache warm).`,
        `The baseline is commit ${BASELINE}, compiled in a temporary worktree in the same run (TESSERA_BENCH_STARTUP_BASELINE picks another).`,
        'AWS SDK modules: the @aws-sdk/@smithy module URLs the process resolved through ESM (test/support/trace-loads); the SDK loads many more through require once one is resolved.',
      ],
    };
  } finally {
    baseline?.cleanup();
    repo.cleanup();
  }
}
