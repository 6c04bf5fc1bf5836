import pc from 'picocolors';
import { readAffected } from '../../affected/read-affected.js';
import type { Command } from '../command.js';
import { formatAffectedJson, formatAffectedMarkdown, formatAffectedMatrix, formatAffectedText, formatWhy, formatWhyJson } from '../format-affected.js';
import { formatWarnings } from '../format-warnings.js';
import { readChoice, readFormatFlag, readRangeFlags, readSelectionFlags, readStringFlag, readWorkspaceDir } from '../resolve-flags.js';

const FORMATS = ['text', 'json', 'matrix', 'md'] as const;

/** `tessera affected`: which apps a change touches, and why. */
export const affectedCommand: Command = {
  summary: 'Which apps a change touches, and why.',
  usage: 'tessera affected [--base REF] [--head REF] [--uncommitted] [--untracked] [--files F,...] [--why APP] [--json | --format text|json|matrix|md] [--projects P,...] [--exclude P,...] [--project-source tessera|nx] [--deepen] [--verbose] [--cwd DIR]',
  options: {
    base: { type: 'string' },
    head: { type: 'string' },
    uncommitted: { type: 'boolean' },
    untracked: { type: 'boolean' },
    files: { type: 'string' },
    why: { type: 'string' },
    json: { type: 'boolean' },
    format: { type: 'string' },
    projects: { type: 'string' },
    exclude: { type: 'string' },
    'project-source': { type: 'string' },
    deepen: { type: 'boolean' },
    verbose: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const format = readFormatFlag(values, io, 'TESSERA_FORMAT', FORMATS, 'text');
    const range = readRangeFlags(values, io);
    const report = await readAffected({
      root: readWorkspaceDir(values, io),
      ...range,
      projectsFrom: readChoice(readStringFlag(values, io, 'project-source', 'TESSERA_PROJECT_SOURCE'), 'project-source', ['tessera', 'nx'] as const, 'tessera'),
      selection: readSelectionFlags(values),
      // Graph sharing (TESSERA_GRAPH_SHARE, TESSERA_STORE) reads the command's environment, as every flag does.
      env: io.env,
    });
    const c = pc.createColors(io.color.stderr);
    if (format === 'text' || (typeof values.why === 'string' && format !== 'json')) io.stderr.write(c.dim(`changes: ${report.policy}\n`));
    if (format === 'text') io.stderr.write(formatWarnings(report.warnings, { color: io.color.stderr, verbose: values.verbose === true }));
    if (typeof values.why === 'string') {
      io.stdout.write(format === 'json' ? formatWhyJson(report, values.why) : formatWhy(report, values.why, io.color.stdout));
      return 0;
    }
    const out = { text: () => formatAffectedText(report, io.color.stdout), json: () => formatAffectedJson(report), matrix: () => formatAffectedMatrix(report), md: () => formatAffectedMarkdown(report) }[format];
    io.stdout.write(out());
    return 0;
  },
};
