/**
 * Spawns one command and measures its wall time: the only place the conformance harness
 * starts processes, so every tool (git, the judges, Tessera) is timed and failed the same way.
 */
import { execFile } from 'node:child_process';
import type { RunError } from './conformance-types.js';

/** What one command did. */
export interface TimedRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunTimedOptions {
  cwd: string;
  /** Added to process.env. */
  env?: Record<string, string>;
  /** @default 600_000 (10 minutes) */
  timeoutMs?: number;
}

/** Runs `file args` in `cwd`; never rejects: a failure to start is exit code -1 with the reason on stderr. */
export function runTimed(file: string, args: readonly string[], options: RunTimedOptions): Promise<TimedRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 512 * 1024 * 1024, timeout: options.timeoutMs ?? 600_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const ms = Math.round(performance.now() - started);
      if (!error) return resolve({ exitCode: 0, stdout, stderr, ms });
      const code = (error as NodeJS.ErrnoException & { code?: unknown }).code;
      const killed = (error as { killed?: boolean }).killed ? `killed after ${ms} ms (timeout)\n` : '';
      resolve({ exitCode: typeof code === 'number' ? code : -1, stdout, stderr: `${killed}${stderr || error.message}`, ms });
    });
  });
}

/** The first `count` non-empty lines of stderr, for the report. */
export function firstLines(text: string, count = 4): string[] {
  return text.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(0, count);
}

/** A RunError for a run that exited non-zero, or whose output could not be read (`why`). */
export function toRunError(run: TimedRun, why?: string): RunError {
  return { exitCode: run.exitCode, stderr: why ? [why, ...firstLines(run.stderr, 3)] : firstLines(run.stderr) };
}
