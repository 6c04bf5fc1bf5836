import type { Io } from '../../tools/src/cli/io.js';

/** An Io that records what a command writes, for tests that call `main(argv, io)`. */
export function captureIo(cwd: string, env: Record<string, string> = {}, signal: AbortSignal = new AbortController().signal): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env,
    cwd,
    color: false,
    interactive: false,
    signal,
    out: () => out,
    err: () => err,
  };
}
