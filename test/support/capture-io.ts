import { createIo, type Io } from '../../tools/src/cli/io.js';

/** What {@link captureIo} records: each stream's text, and whether it says it is a terminal. */
export interface CaptureOptions {
  /** Streams that say they are a terminal (`isTTY`): their colour follows, as on a real one. */
  tty?: { stdout?: boolean; stderr?: boolean };
}

/** An Io that records what a command writes, for tests that call `main(argv, io)`. */
export function captureIo(cwd: string, env: Record<string, string> = {}, signal: AbortSignal = new AbortController().signal, options: CaptureOptions = {}): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io = createIo({
    stdout: { write: (t: string) => (out += t), isTTY: options.tty?.stdout ?? false },
    stderr: { write: (t: string) => (err += t), isTTY: options.tty?.stderr ?? false },
    env,
    cwd,
    signal,
  });
  return { ...io, out: () => out, err: () => err };
}
