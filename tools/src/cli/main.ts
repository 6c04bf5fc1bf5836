import { parseArgs } from 'node:util';
import pc from 'picocolors';
import { ERROR_CODES } from '../errors/codes.js';
import { formatLocation, isTesseraError, TesseraError } from '../errors/tessera-error.js';
import type { Command } from './command.js';
import type { Io } from './io.js';

declare const TESSERA_VERSION: string;
/** Tessera's version (from package.json at build time). */
export const VERSION = typeof TESSERA_VERSION === 'string' ? TESSERA_VERSION : '0.0.0-dev';


export const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./commands/init.js')).initCommand,
  affected: async () => (await import('./commands/affected.js')).affectedCommand,
  graph: async () => (await import('./commands/graph.js')).graphCommand,
  build: async () => (await import('./commands/build.js')).buildCommand,
  runs: async () => (await import('./commands/runs.js')).runsCommand,
  bundle: async () => (await import('./commands/bundle.js')).bundleCommand,
  publish: async () => (await import('./commands/publish.js')).publishCommand,
  versions: async () => (await import('./commands/versions.js')).versionsCommand,
  release: async () => (await import('./commands/release.js')).releaseCommand,
  edge: async () => (await import('./commands/edge.js')).edgeCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  deliveries: async () => (await import('./commands/deliveries.js')).deliveriesCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
};

const SUMMARIES: Record<string, string> = {
  init: 'set Tessera up here: the apps and their own builds, config, buildspec, CI workflow',
  affected: 'which apps a change touches, and why',
  graph: 'the file-level input graph of the apps (json, dot, cycles)',
  build: 'build apps in parallel (affected, named or all), locally or on CodeBuild',
  runs: 'the run history: list, show',
  bundle: 'the production bundle of one app, with index.html and an asset manifest',
  publish: 'upload a bundle to the store under its version (immutable)',
  versions: 'the published versions of an app',
  release: 'blue/green releases per app: canary, promote, rollback, previews, prune',
  edge: 'the edge router that serves released versions',
  serve: 'the webhook service: GitHub push / pull_request → affected builds',
  deliveries: 'the webhook deliveries: list, show, replay',
  report: 'a run as an HTML timeline, Chrome trace, Markdown or JSON',
};

function renderHelp(): string {
  return [
    `tessera ${VERSION} — build only the micro-apps a change touches`,
    '',
    'Usage: tessera <command> [options]',
    '',
    'Commands:',
    ...Object.keys(COMMANDS).map((c) => `  ${c.padEnd(10)} ${SUMMARIES[c]}`),
    '',
    'Global options:',
    '  --cwd DIR     run against the workspace in DIR (TESSERA_CWD)',
    '  --help, -h    help for tessera or a command',
    '  --version     print the version',
    '',
    'Docs: docs/cli.md, docs/affected.md, docs/report.md, docs/errors.md',
    '',
  ].join('\n');
}

/** The closest of `choices` to a mistyped `input` (at most 2 edits away, or a third of its length), for "did you mean". */
export async function suggest(input: string, choices: readonly string[]): Promise<string | undefined> {
  // Loaded only when something was mistyped.
  const { default: leven } = await import('leven');
  let best: { choice: string; distance: number } | undefined;
  for (const choice of choices) {
    const distance = leven(input, choice);
    if (!best || distance < best.distance) best = { choice, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(input.length / 3)) ? best.choice : undefined;
}

/** Prints a failure: a known error's message, problems and hint; an unknown one's stack, as a bug. */
export function renderError(error: unknown, color: boolean): string {
  const c = pc.createColors(color);
  if (isTesseraError(error)) {
    const lines = [`${c.red('error')} ${c.dim(error.code)} ${error.message}`];
    for (const problem of error.problems) lines.push(`  ${problem.location ? `${c.cyan(formatLocation(problem.location))}: ` : ''}${problem.text}`);
    lines.push(`${c.yellow('hint')} ${error.hint}`);
    return lines.join('\n') + '\n';
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `${c.red('internal error')} (this is a bug in Tessera; please report it with the output below)\n${stack}\n`;
}

/**
 * A failure as the one `--json` document: `{ "error": { code, message, hint, problems } }`. An
 * unknown error is TESSERA_INTERNAL (its stack goes to stderr with the human message).
 */
export function renderErrorJson(error: unknown): string {
  const body = isTesseraError(error)
    ? { code: error.code, message: error.message, hint: error.hint, problems: error.problems }
    : { code: 'TESSERA_INTERNAL', message: error instanceof Error ? error.message : String(error), hint: ERROR_CODES.TESSERA_INTERNAL.solve, problems: [] };
  return JSON.stringify({ error: body }, null, 2) + '\n';
}

/** True when the options (before a `--` that ends them) ask for `--json`. */
function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

/** The line printed on stderr when the first Ctrl-C or SIGTERM aborts a command. */
export function formatInterrupt(reason: unknown, stopping: string | undefined): string {
  const signal = typeof reason === 'string' ? reason : 'interrupted';
  return `\n${signal}: stopping${stopping ? ` ${stopping}` : ''} (press Ctrl-C again to exit at once)\n`;
}

/**
 * Runs the CLI. Commands throw; this turns errors into messages and exit codes
 * (0 ok, 1 a build failed or an internal error, 2 usage or configuration error; a command returns
 * 130 itself when it was interrupted).
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  // Under --json an error is a JSON document on stdout too, unless the command's own document is
  // already there: stdout holds one document, whatever happens.
  const json = wantsJson(rest);
  let wroteStdout = false;
  if (json) {
    const stdout = io.stdout;
    io = { ...io, stdout: { isTTY: stdout.isTTY, write: (text: string) => ((wroteStdout = true), stdout.write(text)) } };
  }
  try {
    // `tessera help build` is `tessera build --help`.
    if (name === 'help' && rest[0] && !rest[0].startsWith('-')) return await main([rest[0], '--help'], io);
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(renderHelp());
      return name ? 0 : 2;
    }
    if (name === '--version' || name === '-v') {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const load = COMMANDS[name];
    if (!load) {
      const guess = await suggest(name, Object.keys(COMMANDS));
      throw new TesseraError('TESSERA_USAGE', `Unknown command "${name}"${guess ? `; did you mean "${guess}"?` : ''}`, { hint: `Commands: ${Object.keys(COMMANDS).join(', ')}. Run \`tessera --help\`.` });
    }
    const command = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      const { renderCommandHelp } = await import('./command-help.js');
      io.stdout.write(renderCommandHelp(name, command, io.color.stdout));
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...command.options, cwd: { type: 'string' } }, allowPositionals: command.allowPositionals ?? false, strict: true });
    } catch (error) {
      const unknown = /Unknown option '(--?[^']+)'/.exec((error as Error).message)?.[1];
      const guess = unknown?.startsWith('--') ? await suggest(unknown.slice(2), [...Object.keys(command.options), 'cwd']) : undefined;
      throw new TesseraError('TESSERA_USAGE', `tessera ${name}: ${(error as Error).message}${guess ? `; did you mean --${guess}?` : ''}`, { hint: `Usage: ${command.usage}`, cause: error });
    }
    const onInterrupt = () => io.stderr.write(formatInterrupt(io.signal.reason, command.stopping));
    io.signal.addEventListener('abort', onInterrupt, { once: true });
    try {
      return await command.run(parsed.values as Record<string, string | boolean | string[] | undefined>, parsed.positionals, io);
    } finally {
      io.signal.removeEventListener('abort', onInterrupt);
    }
  } catch (error) {
    if (json && !wroteStdout) io.stdout.write(renderErrorJson(error));
    io.stderr.write(renderError(error, io.color.stderr));
    return isTesseraError(error) ? 2 : 1;
  }
}

/** Every error code, exported for the docs test. */
export { ERROR_CODES };
