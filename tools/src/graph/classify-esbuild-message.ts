import type { WarningCode } from '../errors/codes.js';
import type { UncertainKind } from './file-graph.js';

/** Why the analysis stops parsing a file and loads it as an empty module instead. */
export type SkipKind = 'unparseable' | 'too-large' | 'asset' | 'unreadable';

/** A file the analysis does not parse, with the reason shown to the user. */
export interface SkippedFile {
  kind: SkipKind;
  detail: string;
}

/** The part of an esbuild message the classification looks at (see esbuild's `Message`). */
export interface BuildMessage {
  text: string;
  location: { file: string; line: number } | null;
}

/**
 * What one failed build's message asks of the next attempt. Paths are as esbuild reported
 * them (absolute, or relative to the build's working directory).
 * - `load-folder`: a barrel's `export *` met a stub; load `file`'s folder for real.
 * - `unresolved`: `importer` imports `specifier`, which does not resolve; mark it external.
 * - `skip`: stop parsing `file`; `warning` is reported now when set (the file's uncertain
 *   reason and any other warning come later, from classifySkippedFile).
 * - `unknown`: nothing the analysis can work around.
 */
export type MessageClass =
  | { kind: 'load-folder'; file: string }
  | { kind: 'unresolved'; importer: string; specifier: string }
  | { kind: 'skip'; file: string; skip: SkippedFile; warning?: WarningCode }
  | { kind: 'unknown' };

const UNRESOLVED = /^Could not resolve "(.+)"/;
const NO_LOADER = /No loader is configured for "[^"]*" files: (.+)$/;
const UNREADABLE = /(?:Cannot read|Could not read from) (?:file|directory) "?([^":]+)"?(?::|$)/;
const NO_EXPORT = /^No matching export in "(.+)" for import/;
const SYMLINK_LOOP = /symbolic links|ELOOP/i;

/**
 * Classifies one esbuild error of a failed analysis build. Kept apart from the build loop so
 * the mapping from esbuild's wording to Tessera's reasons is one table, tested against the
 * messages esbuild really prints. `stubsActive`: the build loads already-known files as
 * empty stubs, so a missing export may be the stub's doing rather than the code's.
 */
export function classifyEsbuildMessage(message: BuildMessage, stubsActive: boolean): MessageClass {
  const { text } = message;
  // A file loaded with a query (`app.css?url`) is located as `app.css?url`: the file is `app.css`.
  const location = message.location ? { ...message.location, file: message.location.file.replace(/[?#].*$/, '') } : message.location;
  const noExport = NO_EXPORT.exec(text);
  if (noExport && stubsActive) return { kind: 'load-folder', file: noExport[1]! };
  const unresolved = UNRESOLVED.exec(text);
  if (unresolved && location) return { kind: 'unresolved', importer: location.file, specifier: unresolved[1]! };
  const noLoader = NO_LOADER.exec(text);
  if (noLoader) return { kind: 'skip', file: noLoader[1]!, skip: { kind: 'asset', detail: 'no loader; treated as an opaque asset' } };
  const unreadable = UNREADABLE.exec(text);
  if (unreadable || SYMLINK_LOOP.test(text)) {
    const file = unreadable?.[1] ?? location?.file ?? '';
    if (!file) return { kind: 'unknown' };
    return { kind: 'skip', file, skip: { kind: 'unreadable', detail: text }, warning: SYMLINK_LOOP.test(text) ? 'TESSERA_GRAPH_SYMLINK_LOOP' : 'TESSERA_GRAPH_UNPARSEABLE_FILE' };
  }
  if (location) return { kind: 'skip', file: location.file, skip: { kind: 'unparseable', detail: `${text} (line ${location.line})` } };
  return { kind: 'unknown' };
}

/** What the graph records for a file the analysis did not parse. */
export interface SkippedFileReport {
  /** The file's uncertain reason, or null when its imports are known to be none (an asset). */
  uncertain: UncertainKind | null;
  /** The warning to report for it now, or null (an unreadable file was warned about when it failed). */
  warning: WarningCode | null;
}

/**
 * How a skipped file shows in the graph. An asset imports nothing, so it is certain; every
 * other skipped file makes its apps' inputs uncertain.
 */
export function classifySkippedFile(kind: SkipKind): SkippedFileReport {
  switch (kind) {
    case 'asset':
      return { uncertain: null, warning: null };
    case 'too-large':
      return { uncertain: 'too-large', warning: 'TESSERA_GRAPH_FILE_TOO_LARGE' };
    case 'unparseable':
      return { uncertain: 'unparseable', warning: 'TESSERA_GRAPH_UNPARSEABLE_FILE' };
    case 'unreadable':
      return { uncertain: 'unparseable', warning: null };
  }
}
