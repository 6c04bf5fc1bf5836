import pc from 'picocolors';
import { readAffected } from '../../affected/read-affected.js';
import { TesseraError } from '../../errors/tessera-error.js';
import type { Command } from '../command.js';
import { formatAffectedJson, formatAffectedMarkdown, formatAffectedMatrix, formatAffectedText, formatWhy } from '../format-affected.js';
import { readBooleanFlag, readChoice, readStringFlag, readWorkspaceDir } from '../resolve-flags.js';

const FORMATS = ['text', 'json', 'matrix', 'md'] as const;

/** `tessera affected`: which apps a change touches, and why. */
export const affectedCommand: Command = {
  summary: 'Which apps a change touches, and why.',
  usage: 'tessera affected [--base REF] [--head REF] [--uncommitted] [--untracked] [--files F,...] [--why APP] [--json | --format text|json|matrix|md] [--projects tessera|nx] [--deepen] [--cwd DIR]',
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
    deepen: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const format = values.json ? 'json' : readChoice(readStringFlag(values, io, 'format', 'TESSERA_FORMAT'), 'format', FORMATS, 'text');
    const files = typeof values.files === 'string' ? values.files.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
    if (files && files.length === 0) throw new TesseraError('TESSERA_USAGE', '--files needs at least one path; received an empty list');
    const head = readStringFlag(values, io, 'head', 'TESSERA_HEAD');
    if (head && (values.uncommitted || values.untracked || files)) {
      throw new TesseraError('TESSERA_USAGE', '--head cannot be combined with --uncommitted, --untracked or --files, which look at the working tree', { hint: 'Drop --head to analyse the working tree, or drop the working-tree flags to compare commits.' });
    }
    const report = await readAffected({
      root: readWorkspaceDir(values, io),
      base: readStringFlag(values, io, 'base', 'TESSERA_BASE'),
      head,
      uncommitted: values.uncommitted === true,
      untracked: values.untracked === true,
      files,
      deepen: readBooleanFlag(values, io, 'deepen', 'TESSERA_DEEPEN'),
      projectsFrom: readChoice(readStringFlag(values, io, 'projects', 'TESSERA_PROJECTS'), 'projects', ['tessera', 'nx'] as const, 'tessera'),
    });
    const c = pc.createColors(io.color);
    if (format === 'text' || typeof values.why === 'string') io.stderr.write(c.dim(`changes: ${report.policy}\n`));
    for (const w of report.warnings) if (format === 'text') io.stderr.write(`${c.yellow('warning')} ${c.dim(w.code)} ${w.text}\n`);
    if (typeof values.why === 'string') {
      io.stdout.write(formatWhy(report, values.why, io.color));
      return 0;
    }
    const out = { text: () => formatAffectedText(report, io.color), json: () => formatAffectedJson(report), matrix: () => formatAffectedMatrix(report), md: () => formatAffectedMarkdown(report) }[format];
    io.stdout.write(out());
    return 0;
  },
};
