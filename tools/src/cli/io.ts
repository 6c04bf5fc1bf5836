/** Where a command writes and what it may read of its environment. Tests pass their own. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Colours on stderr/stdout text (never in --json). picocolors rules: NO_COLOR, FORCE_COLOR, TTY. */
  color: boolean;
}

/** The real process's Io. */
export function createProcessIo(): Io {
  const env = process.env;
  const color = env.NO_COLOR ? false : env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : Boolean(process.stdout.isTTY) && env.TERM !== 'dumb';
  return { stdout: process.stdout, stderr: process.stderr, env, cwd: process.cwd(), color };
}
