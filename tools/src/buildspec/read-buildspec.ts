import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatLocation, TesseraError, type Warning } from '../errors/tessera-error.js';
import { type Buildspec, parseBuildspec } from './parse-buildspec.js';

/** `readBuildspec`'s result: a valid buildspec and the warnings to show. */
export interface ReadBuildspecResult {
  buildspec: Buildspec;
  warnings: Warning[];
}

/**
 * Reads and validates `<root>/<file>` (the only part of the buildspec module that touches
 * disk). Throws TESSERA_BUILDSPEC_NOT_FOUND when the file is missing, and
 * TESSERA_BUILDSPEC_INVALID listing every located problem (also in `problems`).
 */
export function readBuildspec(root: string, file = 'buildspec.yml'): ReadBuildspecResult {
  const path = join(root, file);
  if (!existsSync(path)) throw new TesseraError('TESSERA_BUILDSPEC_NOT_FOUND', `no buildspec at ${path}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TesseraError('TESSERA_BUILDSPEC_NOT_FOUND', `cannot read the buildspec at ${path}: ${(cause as Error).message}`, { cause });
  }
  const { buildspec, errors, warnings } = parseBuildspec(text, file);
  if (!buildspec) {
    const list = errors.map((p) => `  ${p.location ? `${formatLocation(p.location)}: ` : ''}${p.text}`).join('\n');
    throw new TesseraError('TESSERA_BUILDSPEC_INVALID', `${file} has ${errors.length} problem${errors.length === 1 ? '' : 's'}:\n${list}`, { problems: errors });
  }
  return { buildspec, warnings };
}
