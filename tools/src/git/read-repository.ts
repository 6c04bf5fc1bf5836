import { TesseraError } from '../errors/tessera-error.js';
import { runGit } from './run-git.js';

/** Returns the repository's top-level directory, or throws TESSERA_GIT_NOT_A_REPOSITORY. */
export async function readRepositoryRoot(cwd: string): Promise<string> {
  const out = await runGit(cwd, ['rev-parse', '--show-toplevel'], { okExitCodes: [0, 128] });
  if (out.exitCode !== 0) {
    throw new TesseraError('TESSERA_GIT_NOT_A_REPOSITORY', `${cwd} is not inside a git repository`, {
      hint: 'Tessera compares git revisions: run `git init && git add -A && git commit -m init`, or pass `--cwd` pointing at a checkout.',
    });
  }
  return out.stdout.trim();
}

/**
 * The path of `cwd` inside its repository (`apps/web/`, or empty at the top), exactly: the
 * output's last newline is git's, and a directory name may end in a space or a newline.
 */
export async function readPrefix(cwd: string): Promise<string> {
  return (await runGit(cwd, ['rev-parse', '--show-prefix'])).stdout.replace(/\n$/, '');
}

/** Resolves a revision name to a commit id, or returns null when it does not exist. */
export async function readCommitId(cwd: string, ref: string): Promise<string | null> {
  const out = await runGit(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { okExitCodes: [0, 1, 128] });
  return out.exitCode === 0 ? out.stdout.trim() : null;
}

/** The tree id of a commit: the content address of every tracked file at that commit. */
export async function readTreeId(cwd: string, commit: string): Promise<string> {
  return (await runGit(cwd, ['rev-parse', '--verify', '--end-of-options', `${commit}^{tree}`])).stdout.trim();
}

/** Whether the repository is a shallow clone. */
export async function readIsShallow(cwd: string): Promise<boolean> {
  return (await runGit(cwd, ['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
}

/** The merge-base of two commits, or null when git finds none. */
export async function readMergeBase(cwd: string, a: string, b: string): Promise<string | null> {
  const out = await runGit(cwd, ['merge-base', '--end-of-options', a, b], { okExitCodes: [0, 1] });
  return out.exitCode === 0 ? out.stdout.trim() : null;
}

/** Fetches `depth` more commits of history from the default remote of a shallow clone. */
export async function fetchDeeper(cwd: string, depth: number): Promise<void> {
  await runGit(cwd, ['fetch', '--quiet', `--deepen=${depth}`]);
}

/** The content of `path` (relative to `cwd`) at `commit`, or null when it does not exist there. */
export async function readFileAtCommit(cwd: string, commit: string, path: string): Promise<string | null> {
  const out = await runGit(cwd, ['show', `${commit}:./${path}`], { okExitCodes: [0, 128] });
  return out.exitCode === 0 ? out.stdout : null;
}

/** One tracked file of a tree: path relative to `cwd` and blob id. */
export interface TreeEntry {
  path: string;
  blob: string;
  symlink: boolean;
}

/**
 * Lists the files of `commit` below `cwd` with their blob ids. (Not their sizes: `-l` makes
 * git open every blob, ten times slower on a large tree; stat the checkout instead.)
 */
export async function readTreeEntries(cwd: string, commit: string): Promise<TreeEntry[]> {
  const out = await runGit(cwd, ['ls-tree', '-r', '-z', '--end-of-options', commit]);
  // Each record is `<mode> SP <type> SP <object> TAB <path>` NUL. Scanned by index rather than
  // split into fields: a fresh runner lists 120k files on its answer's path (measured 80 ms → 20 ms at 120k).
  const text = out.stdout;
  const entries: TreeEntry[] = [];
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\0', at);
    if (end < 0) end = text.length;
    const space = text.indexOf(' ', at);
    const tab = text.indexOf('\t', at);
    if (space > at && tab > space && tab < end && text.startsWith(' blob ', space)) {
      entries.push({ path: text.slice(tab + 1, end), blob: text.slice(space + 6, tab), symlink: text.startsWith('120000', at) && space === at + 6 });
    }
    at = end + 1;
  }
  return entries;
}

/**
 * Paths (relative to `cwd`) that differ between the index/working tree and HEAD, plus untracked
 * ones. Two git processes side by side, as `git status` alone is one core's work: the tracked
 * files' check (`status -uno`) and the untracked scan (`ls-files --others`, with the ignore
 * rules status uses), which on a fresh clone of 120k files is two thirds of the time.
 */
export async function readDirtyPaths(cwd: string): Promise<string[]> {
  const [changed, untracked, prefix] = await Promise.all([
    runGit(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=no', '--no-renames', '--', '.']),
    runGit(cwd, ['ls-files', '--others', '--exclude-standard', '--full-name', '-z', '--', '.']),
    readPrefix(cwd),
  ]);
  const paths: string[] = [];
  const add = (path: string) => {
    if (path.startsWith(prefix)) paths.push(path.slice(prefix.length));
  };
  for (const record of changed.stdout.split('\0')) if (record.length >= 4) add(record.slice(3));
  for (const path of untracked.stdout.split('\0')) if (path) add(path);
  return paths;
}

/**
 * Bytes of path arguments per `git hash-object` call: far below Linux's 2 MB ARG_MAX (which
 * the environment shares), so a few calls hash tens of thousands of files.
 */
const HASH_BATCH_BYTES = 256 * 1024;

/**
 * Hashes working-tree files as git would (blob ids). The paths go to git as arguments after
 * `--`, never one per line on stdin (`--stdin-paths`): a file name may hold a newline, a tab
 * or start with a dash. Arguments are batched, so a whole working tree still takes a
 * handful of git processes, run side by side.
 */
export async function hashWorkingFiles(cwd: string, paths: string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const batches: string[][] = [];
  let size = HASH_BATCH_BYTES;
  for (const path of paths) {
    const bytes = Buffer.byteLength(path) + 1;
    if (size + bytes > HASH_BATCH_BYTES) batches.push([]), (size = 0);
    batches.at(-1)!.push(path);
    size += bytes;
  }
  await Promise.all(batches.map(async (batch) => {
    const out = await runGit(cwd, ['hash-object', '--no-filters', '--', ...batch]);
    // One 40- or 64-hex id per line, in argument order: ids never hold a newline, names may.
    const ids = out.stdout.split('\n', batch.length);
    batch.forEach((path, i) => result.set(path, ids[i]!));
  }));
  return result;
}

/** Checks out `commit` into `dir` as a detached worktree (used to analyse revisions other than the working tree). */
export async function addWorktree(cwd: string, dir: string, commit: string): Promise<void> {
  await runGit(cwd, ['worktree', 'add', '--force', '--detach', '--', dir, commit]);
}

/** Removes a worktree made by addWorktree; tolerates one already gone. */
export async function removeWorktree(cwd: string, dir: string): Promise<void> {
  await runGit(cwd, ['worktree', 'remove', '--force', '--', dir], { okExitCodes: [0, 128] });
  await runGit(cwd, ['worktree', 'prune'], { okExitCodes: [0, 128] });
}

/** One commit with its tree id. */
export interface CommitTree {
  commit: string;
  tree: string;
}

/**
 * `commit` and its first-parent ancestors, nearest first, at most `count` in all, each with its
 * tree id: one `git log`. A shallow clone lists what it has.
 */
export async function readFirstParentTrees(cwd: string, commit: string, count: number): Promise<CommitTree[]> {
  const out = await runGit(cwd, ['log', '--first-parent', `--max-count=${count}`, '--format=%H %T', '--end-of-options', commit, '--']);
  return out.stdout.split('\n').filter(Boolean).map((line) => {
    const [id, tree] = line.split(' ');
    return { commit: id!, tree: tree! };
  });
}
