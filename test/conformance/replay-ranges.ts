/**
 * Replays the last N first-parent commits of a git repository: for each commit C (oldest
 * first, the order CI would have met them), the range C~1..C, asked back to back of the
 * judge and of the built Tessera CLI, then Tessera's snapshot of C read from its cache.
 *
 * By default C is checked out first (detached), as CI has it when it asks: both tools then
 * read C's working tree (Nx builds its project graph from it; Tessera analyses C in place,
 * with the installed node_modules, nested ones included). With `checkout: false` the working
 * tree stays at HEAD, and Tessera analyses each C in a temporary git worktree of its own.
 */
import type { Judge, RangeObservation, TesseraAnswer, WarmUp } from './conformance-types.js';
import { readSnapshotFacts } from './read-snapshot-facts.js';
import { runTimed, toRunError } from './run-timed.js';

export interface ReplayOptions {
  /** The repository under test (its working tree is not touched, only its Tessera cache). */
  dir: string;
  /** How many first-parent commits, counting back from HEAD. */
  ranges: number;
  judge: Judge;
  /** The built CLI, `tools/bin/tessera.js`. */
  tesseraBin: string;
  /** Check out each commit before asking (detached; the original HEAD is restored at the end). @default true */
  checkout?: boolean;
  /** Called after each range, for progress. */
  onRange?: (observation: RangeObservation, index: number, total: number) => void;
}

async function git(dir: string, args: string[]): Promise<string> {
  const run = await runTimed('git', args, { cwd: dir, env: { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' } });
  if (run.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed in ${dir}: ${run.stderr.trim()}`);
  return run.stdout;
}

/** The last `count` first-parent commits that have a parent, oldest first. */
export async function readFirstParentCommits(dir: string, count: number): Promise<{ commit: string; subject: string }[]> {
  const out = await git(dir, ['log', '--first-parent', `--max-count=${count}`, '--format=%H%x09%P%x09%s', 'HEAD']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter(([, parents]) => Boolean(parents))
    .map(([commit, , subject]) => ({ commit: commit!, subject: subject ?? '' }))
    .reverse();
}

/** `tessera affected --base B --head H --json --cwd DIR`, timed; its answer or its error. */
export async function readTesseraAnswer(bin: string, dir: string, base: string, head: string): Promise<TesseraAnswer> {
  const run = await runTimed(process.execPath, [bin, 'affected', '--base', base, '--head', head, '--json', '--cwd', dir], { cwd: dir, env: { NO_COLOR: '1' } });
  const failed = (why?: string): TesseraAnswer => ({ apps: null, unownedFiles: [], cache: null, ms: run.ms, error: toRunError(run, why) });
  if (run.exitCode !== 0) return failed();
  try {
    const doc = JSON.parse(run.stdout) as { apps: { name: string; reasons: { kind: string; detail: string }[] }[]; unownedFiles: string[]; stats?: { cache?: string } };
    return {
      apps: doc.apps.map((a) => ({ name: a.name, reasons: a.reasons.map((r) => ({ kind: r.kind, detail: r.detail })) })),
      unownedFiles: doc.unownedFiles,
      cache: doc.stats?.cache ?? null,
      ms: run.ms,
      error: null,
    };
  } catch (error) {
    return failed(`--json output cannot be read: ${(error as Error).message}`);
  }
}

/**
 * One cold run of each tool on HEAD~1..HEAD before the loop: its times are the cold ones,
 * and it leaves Tessera's graph cache and Nx's workspace data warm for the ranges.
 */
export async function warmUp(options: Pick<ReplayOptions, 'dir' | 'judge' | 'tesseraBin'>): Promise<WarmUp> {
  const tessera = await readTesseraAnswer(options.tesseraBin, options.dir, 'HEAD~1', 'HEAD');
  const judge = await options.judge.readAffected('HEAD~1', 'HEAD');
  const errors = [tessera.error && `tessera: ${tessera.error.stderr[0] ?? `exit ${tessera.error.exitCode}`}`, judge.error && `judge: ${judge.error.stderr[0] ?? `exit ${judge.error.exitCode}`}`].filter(Boolean);
  return { tesseraMs: tessera.ms, tesseraCache: tessera.cache, judgeMs: judge.ms, error: errors.length ? errors.join('; ') : null };
}

/** What HEAD is now: the branch name when on one (to go back to it), else the commit. */
async function readHeadRef(dir: string): Promise<string> {
  const branch = await runTimed('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: dir });
  return branch.exitCode === 0 ? branch.stdout.trim() : (await git(dir, ['rev-parse', 'HEAD'])).trim();
}

/** Refuses a working tree with changes: checking out other commits would carry or lose them. */
export async function assertCleanWorkingTree(dir: string): Promise<void> {
  const status = (await git(dir, ['status', '--porcelain', '--untracked-files=normal'])).trim();
  if (status) throw new Error(`${dir} has uncommitted changes (git status: ${status.split('\n').slice(0, 3).join('; ')}); commit or stash them, or pass --no-checkout`);
}

/** Replays the ranges one after the other (the machine is shared: no parallel runs to skew timings). */
export async function replayRanges(options: ReplayOptions): Promise<RangeObservation[]> {
  const { dir } = options;
  const checkout = options.checkout ?? true;
  const commits = await readFirstParentCommits(dir, options.ranges);
  const observations: RangeObservation[] = [];
  const original = await readHeadRef(dir);
  if (checkout) await assertCleanWorkingTree(dir);
  try {
    for (const [index, { commit, subject }] of commits.entries()) {
      if (checkout) await git(dir, ['checkout', '--quiet', '--detach', commit]);
      observations.push(await observeRange(options, commit, subject));
      options.onRange?.(observations.at(-1)!, index, commits.length);
    }
  } finally {
    if (checkout) await git(dir, ['checkout', '--quiet', original]);
  }
  return observations;
}

/** One range C~1..C: changed files, the judge, Tessera, and Tessera's snapshot of C. */
async function observeRange({ dir, judge, tesseraBin }: ReplayOptions, commit: string, subject: string): Promise<RangeObservation> {
  const base = `${commit}~1`;
  const changedFiles = (await git(dir, ['diff', '--name-only', '--no-renames', '-z', base, commit])).split('\0').filter(Boolean);
  const judgeAnswer = await judge.readAffected(base, commit);
  const tessera = await readTesseraAnswer(tesseraBin, dir, base, commit);
  const tree = (await git(dir, ['rev-parse', `${commit}^{tree}`])).trim();
  const snapshot = tessera.error ? null : readSnapshotFacts(dir, tree, changedFiles);
  return { commit, subject, base, changedFiles, judge: judgeAnswer, tessera, snapshot };
}
