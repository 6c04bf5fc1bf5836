/** Where a command writes and what it may read of its environment. Tests pass their own. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Colours on stderr/stdout text (never in --json). picocolors rules: NO_COLOR, FORCE_COLOR, TTY. */
  color: boolean;
  /** True when stderr is a terminal and not CI: progress is redrawn in place. */
  interactive: boolean;
  /** Aborted on Ctrl-C / SIGTERM: long commands stop their work and return 130. */
  signal: AbortSignal;
}

/** The real process's Io. */
export function createProcessIo(): Io {
  const env = process.env;
  const color = env.NO_COLOR ? false : env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : Boolean(process.stdout.isTTY) && env.TERM !== 'dumb';
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (name: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\n${name}: stopping every started build (press Ctrl-C again to exit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const interactive = Boolean(process.stderr.isTTY) && !env.CI;
  return { stdout: process.stdout, stderr: process.stderr, env, cwd: process.cwd(), color, interactive, signal: controller.signal };
}
