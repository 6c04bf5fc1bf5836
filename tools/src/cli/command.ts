import type { ParseArgsConfig } from 'node:util';
import type { Io } from './io.js';

/** A command: parsed flags in, exit code out. Loaded only when it runs. */
export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[], io: Io): Promise<number>;
}
