import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { TesseraError } from '../errors/tessera-error.js';

/** The result of one git invocation. */
export interface GitOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunGitOptions {
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base`). @default [0] */
  okExitCodes?: number[];
  input?: string;
}

/**
 * Runs `git` in `cwd`. The only place Tessera spawns git, so that every failure becomes
 * a TESSERA_GIT_FAILED error quoting git's own message.
 */
export function runGit(cwd: string, args: string[], options: RunGitOptions = {}): Promise<GitOutput> {
  const ok = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd, maxBuffer: 1024 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          // spawn says ENOENT both for a missing git and for a missing working directory.
          if (!existsSync(cwd)) reject(new TesseraError('TESSERA_WORKSPACE_NOT_FOUND', `${cwd} does not exist`, { hint: 'Pass an existing workspace directory with --cwd (or TESSERA_CWD), or run the command inside one.', cause: error }));
          else reject(new TesseraError('TESSERA_GIT_FAILED', 'git is not installed or not on PATH', { hint: 'Install git (apt-get install git) and try again.', cause: error }));
          return;
        }
        if (!ok.includes(exitCode)) {
          reject(
            new TesseraError('TESSERA_GIT_FAILED', `git ${args.join(' ')} failed in ${cwd}: ${stderr.trim() || stdout.trim() || `exit ${exitCode}`}`, {
              cause: error,
            }),
          );
          return;
        }
        resolve({ stdout, stderr, exitCode });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
