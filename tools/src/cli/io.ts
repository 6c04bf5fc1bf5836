/** A stream a command writes to; `isTTY` as on Node's streams (a terminal), which colour and progress follow. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Where a command writes and what it may read of its environment. Tests pass their own (see {@link createIo}). */
export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Whether text written to each stream may carry colours (never in --json), decided per stream
   * by {@link computeStreamColor}: `tessera affected > list.txt` on a terminal keeps its
   * coloured stderr and writes a plain file.
   */
  color: { stdout: boolean; stderr: boolean };
  /** True when stderr is a terminal and not CI: progress is redrawn in place. */
  interactive: boolean;
  /**
   * Aborted on Ctrl-C / SIGTERM, with the signal's name as its reason: long commands stop
   * their work and return 130.
   */
  signal: AbortSignal;
}

/**
 * Whether text for `stream` may be coloured: never with `NO_COLOR` set (https://no-color.org),
 * always with `FORCE_COLOR` set (unless `0`), else when the stream is a terminal that is not
 * `TERM=dumb`. picocolors' rules, applied to the stream the text goes to rather than to stdout.
 */
export function computeStreamColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR) return env.FORCE_COLOR !== '0';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** What {@link createIo} builds an Io from. */
export interface IoOptions {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** @default a signal that never aborts */
  signal?: AbortSignal;
}

/** An Io over two streams: the colour of each and interactivity follow the stream and the environment. */
export function createIo(options: IoOptions): Io {
  const { stdout, stderr, env, cwd } = options;
  return {
    stdout,
    stderr,
    env,
    cwd,
    color: { stdout: computeStreamColor(stdout, env), stderr: computeStreamColor(stderr, env) },
    interactive: stderr.isTTY === true && !env.CI,
    signal: options.signal ?? new AbortController().signal,
  };
}

/**
 * The real process's Io. The first SIGINT or SIGTERM aborts `signal` (main says what the
 * command stops); a second one exits at once.
 */
export function createProcessIo(): Io {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (name: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return createIo({ stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal });
}
