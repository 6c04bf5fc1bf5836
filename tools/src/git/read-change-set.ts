import { TesseraError } from '../errors/tessera-error.js';
import { runGit } from './run-git.js';
import { fetchDeeper, readCommitId, readIsShallow, readMergeBase, readRepositoryRoot } from './read-repository.js';

/** How a file changed between the merge-base and head. */
export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed';

/** One changed file, path relative to the workspace root. A rename carries `previousPath`. */
export interface FileChange {
  path: string;
  status: ChangeStatus;
  previousPath?: string;
}

/** What the user asked to compare. Every field maps to a CLI flag (and a TESSERA_* variable). */
export interface ChangeSetOptions {
  /** Base revision. @default nx.json `defaultBase`, else `main` */
  base: string;
  /** Head revision; absent means the working tree. */
  head?: string;
  /** Only uncommitted changes to tracked files (against HEAD). */
  uncommitted?: boolean;
  /** Only untracked files. */
  untracked?: boolean;
  /** Exactly these files, as if modified in the working tree. */
  files?: string[];
  /** On a shallow clone, fetch more history until the merge-base appears. */
  deepen?: boolean;
}

/** Which revision the changes end at: a commit, or the working tree on top of HEAD. */
export type HeadKind = 'commit' | 'worktree';

/** The change set handed to the affected analysis. */
export interface ChangeSet {
  base: string;
  head: string;
  baseCommit: string | null;
  headCommit: string;
  /** The head commit's tree id (its content address). */
  headTree: string;
  mergeBase: string | null;
  headKind: HeadKind;
  /** A sentence that says which changes are included; printed on a terminal. */
  policy: string;
  changes: FileChange[];
}

const STATUS: Record<string, ChangeStatus> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'copied', T: 'type-changed' };

/** Parses `git diff --name-status -z` output. Renames and copies carry two paths. */
export function parseNameStatus(output: string): FileChange[] {
  const fields = output.split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i < fields.length; ) {
    const code = fields[i++];
    if (!code) continue;
    const status = STATUS[code[0]!] ?? 'modified';
    if (status === 'renamed' || status === 'copied') {
      const previousPath = fields[i++]!;
      const path = fields[i++]!;
      changes.push(status === 'copied' ? { path, status: 'added' } : { path, status, previousPath });
    } else {
      changes.push({ path: fields[i++]!, status });
    }
  }
  return changes;
}

async function resolveRef(cwd: string, ref: string, role: 'base' | 'head'): Promise<string> {
  const id = await readCommitId(cwd, ref);
  if (id) return id;
  const shallow = await readIsShallow(cwd);
  throw new TesseraError('TESSERA_GIT_REF_NOT_FOUND', `The ${role} revision "${ref}" does not exist in ${cwd}`, {
    hint:
      role === 'base'
        ? `Pass an existing revision with --base (or TESSERA_BASE). In CI, fetch it first: \`git fetch origin ${ref}\`${shallow ? ' (this clone is shallow: use `fetch-depth: 0`)' : ''}.`
        : `Pass an existing revision with --head (or TESSERA_HEAD), or omit --head to use the working tree.`,
  });
}

/**
 * Head's commit and tree, and base's commit, in one git call (the common case); when that
 * fails, one call per ref so the error names exactly what is missing.
 */
async function resolveRefs(cwd: string, head: string, base: string | null): Promise<{ headCommit: string; headTree: string; baseCommit: string | null }> {
  const args = ['rev-parse', `${head}^{commit}`, `${head}^{tree}`, ...(base ? [`${base}^{commit}`] : [])];
  const out = await runGit(cwd, ['-c', 'core.quotepath=off', ...args], { okExitCodes: [0, 128] });
  const lines = out.stdout.trim().split('\n');
  if (out.exitCode === 0 && lines.length === args.length - 1 && lines.every((l) => /^[0-9a-f]{40,64}$/.test(l))) {
    return { headCommit: lines[0]!, headTree: lines[1]!, baseCommit: base ? lines[2]! : null };
  }
  await readRepositoryRoot(cwd);
  const headCommit = await resolveRef(cwd, head, 'head');
  const baseCommit = base ? await resolveRef(cwd, base, 'base') : null;
  const headTree = (await runGit(cwd, ['rev-parse', `${headCommit}^{tree}`])).stdout.trim();
  return { headCommit, headTree, baseCommit };
}

async function findMergeBase(cwd: string, base: string, head: string, deepen: boolean): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const mergeBase = await readMergeBase(cwd, base, head);
    if (mergeBase) return mergeBase;
    const shallow = await readIsShallow(cwd);
    if (!shallow) {
      throw new TesseraError('TESSERA_GIT_NO_MERGE_BASE', `${base} and ${head} have no common history in ${cwd}`);
    }
    if (!deepen || attempt >= 12) {
      throw new TesseraError(
        'TESSERA_GIT_SHALLOW_CLONE',
        `This is a shallow clone and the merge-base of ${base} and ${head} is not in it${deepen ? ` (still missing after deepening ${attempt} times)` : ''}`,
        { hint: 'Rerun with --deepen, or run `git fetch --deepen=200` (or `git fetch --unshallow`), or use `fetch-depth: 0` with actions/checkout. Tessera never guesses a base.' },
      );
    }
    await fetchDeeper(cwd, 50 * 2 ** attempt);
  }
}

async function diff(cwd: string, args: string[]): Promise<FileChange[]> {
  const out = await runGit(cwd, ['diff', '--name-status', '-z', '-M', '--no-ext-diff', '--no-textconv', '--relative', ...args]);
  return parseNameStatus(out.stdout);
}

async function untrackedFiles(cwd: string): Promise<FileChange[]> {
  const out = await runGit(cwd, ['ls-files', '--others', '--exclude-standard', '-z']);
  return out.stdout
    .split('\0')
    .filter(Boolean)
    .map((path) => ({ path, status: 'added' as const }));
}

function dedupe(changes: FileChange[]): FileChange[] {
  const byPath = new Map<string, FileChange>();
  for (const change of changes) byPath.set(change.path, change);
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Reads the change set for a comparison. With a head revision, only committed changes
 * between the merge-base and head count. Without one, head is the working tree:
 * committed, uncommitted and untracked changes count, unless `uncommitted`/`untracked`
 * restrict it to those (as `nx affected --uncommitted` does).
 */
export async function readChangeSet(cwd: string, options: ChangeSetOptions): Promise<ChangeSet> {
  const workingTreeOnly = Boolean(options.files || options.uncommitted || options.untracked);
  const { headCommit, headTree, baseCommit: resolvedBase } = await resolveRefs(cwd, options.head ?? 'HEAD', workingTreeOnly ? null : options.base);

  if (options.files) {
    return {
      base: 'HEAD', head: 'working tree', baseCommit: headCommit, headCommit, headTree, mergeBase: headCommit, headKind: 'worktree',
      policy: `--files: exactly ${options.files.length} file(s) given on the command line, analysed in the working tree`,
      changes: dedupe(options.files.map((path) => ({ path, status: 'modified' as const }))),
    };
  }

  if (options.uncommitted || options.untracked) {
    const parts: FileChange[] = [];
    if (options.uncommitted) parts.push(...(await diff(cwd, ['HEAD'])));
    if (options.untracked) parts.push(...(await untrackedFiles(cwd)));
    const what = [options.uncommitted && 'uncommitted changes to tracked files', options.untracked && 'untracked files'].filter(Boolean).join(' and ');
    return {
      base: 'HEAD', head: 'working tree', baseCommit: headCommit, headCommit, headTree, mergeBase: headCommit, headKind: 'worktree',
      policy: `only ${what} (compared with HEAD)`,
      changes: dedupe(parts),
    };
  }

  const baseCommit = resolvedBase!;
  const mergeBase = await findMergeBase(cwd, baseCommit, headCommit, options.deepen ?? false);

  if (options.head) {
    return {
      base: options.base, head: options.head, baseCommit, headCommit, headTree, mergeBase, headKind: 'commit',
      policy: `committed changes between merge-base ${mergeBase.slice(0, 7)} and ${options.head}; the working tree is not consulted`,
      changes: await diff(cwd, [mergeBase, headCommit]),
    };
  }

  const committedAndUncommitted = await diff(cwd, [mergeBase]);
  const untracked = await untrackedFiles(cwd);
  return {
    base: options.base, head: 'working tree', baseCommit, headCommit, headTree, mergeBase, headKind: 'worktree',
    policy: `no --head: committed changes since merge-base ${mergeBase.slice(0, 7)}, plus uncommitted and untracked files in the working tree (${untracked.length} untracked). Pass --head HEAD to compare commits only`,
    changes: dedupe([...committedAndUncommitted, ...untracked]),
  };
}
