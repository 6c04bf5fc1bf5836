import type { ParseArgsConfig } from 'node:util';
import type { Io } from './io.js';

/** A command: parsed flags in, exit code out. Loaded only when it runs. */
export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  /**
   * What the first Ctrl-C or SIGTERM stops, for the line main prints then ("every started
   * build", "the edge router"); a command without it is told only "stopping".
   */
  stopping?: string;
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[], io: Io): Promise<number>;
}
