import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import { runGit } from '../git/run-git.js';

/** Options of {@link fetchSource}. */
export interface FetchSourceOptions {
  /** The service's clone. */
  cloneDir: string;
  /** Extra refspecs (a PR's `refs/pull/N/head`). */
  extraRefs?: string[];
  /** Attempts before giving up. @default 5 */
  attempts?: number;
  /** First backoff delay, doubled after each failure. @default 500 */
  backoffMs?: number;
  /** Told about each failed attempt, so the delivery shows it. */
  onRetry?: (attempt: number, error: Error, delayMs: number) => void;
  signal?: AbortSignal;
}

/** Branches and tags, mirrored under origin: a deleted or force-pushed branch follows its remote. */
const REFSPECS = ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'];

/**
 * Makes the service's own clone of `source` (a URL or a path) unless it exists. The clone
 * is a normal checkout, because builds read buildspec.yml and tessera.config.json from its
 * working tree. When `nodeModules` is given it is linked in, so the local executor's
 * worktrees (which link the clone's) find the tool chain.
 */
export async function ensureClone(source: string, cloneDir: string, nodeModules?: string): Promise<void> {
  if (!existsSync(join(cloneDir, '.git'))) {
    mkdirSync(dirname(cloneDir), { recursive: true });
    try {
      await runGit(dirname(cloneDir), ['clone', '--quiet', '--no-checkout', '--', source, cloneDir]);
    } catch (error) {
      throw new TesseraError('TESSERA_WEBHOOK_FETCH_FAILED', `Cannot clone ${source} into ${cloneDir}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (nodeModules && existsSync(nodeModules) && !existsSync(join(cloneDir, 'node_modules'))) symlinkSync(nodeModules, join(cloneDir, 'node_modules'), 'dir');
}

/** Fetches every branch (and `extraRefs`) into the clone, retrying with exponential backoff. */
export async function fetchSource(options: FetchSourceOptions): Promise<void> {
  const attempts = options.attempts ?? 5;
  let delay = options.backoffMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      await runGit(options.cloneDir, ['fetch', '--quiet', '--prune', '--force', 'origin', ...REFSPECS, ...(options.extraRefs ?? [])]);
      return;
    } catch (error) {
      if (attempt >= attempts || options.signal?.aborted) {
        throw new TesseraError('TESSERA_WEBHOOK_FETCH_FAILED', `Fetching into ${options.cloneDir} failed ${attempt} time(s): ${(error as Error).message}`, { cause: error });
      }
      options.onRetry?.(attempt, error as Error, delay);
      await sleep(delay, options.signal);
      delay *= 2;
    }
  }
}

/**
 * Like {@link fetchSource}, but `extraRefs` are optional: a plain remote (or an older GitHub
 * Enterprise) may not publish refs/pull/N/head, and a missing ref must not stop the fetch of
 * the branches. One try with them, then the retried fetch without.
 */
export async function fetchSourceTolerant(options: FetchSourceOptions): Promise<void> {
  if (options.extraRefs?.length) {
    try {
      return await fetchSource({ ...options, attempts: 1 });
    } catch {
      // fall through: fetch the branches alone, with retries
    }
  }
  await fetchSource({ ...options, extraRefs: [] });
}

/** True when `sha` names a commit present in the clone. */
export async function hasCommit(cloneDir: string, sha: string): Promise<boolean> {
  const out = await runGit(cloneDir, ['cat-file', '-e', `${sha}^{commit}`], { okExitCodes: [0, 1, 128] });
  return out.exitCode === 0;
}

/** True when `sha` is a root commit (it has no parent at all, not merely none fetched). */
export async function isRootCommit(cloneDir: string, sha: string): Promise<boolean> {
  const out = await runGit(cloneDir, ['cat-file', 'commit', sha]);
  const headers = out.stdout.slice(0, out.stdout.indexOf('\n\n'));
  return !/^parent /m.test(headers);
}

/** Checks the clone out at `sha` (detached, discarding anything left by a killed run). */
export async function checkoutCommit(cloneDir: string, sha: string): Promise<void> {
  await runGit(cloneDir, ['checkout', '--quiet', '--force', '--detach', sha]);
  await runGit(cloneDir, ['clean', '--quiet', '-fd', '-e', 'node_modules', '-e', '.tessera']);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
