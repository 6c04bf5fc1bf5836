import type * as esbuildTypes from 'esbuild';
import { posix } from 'node:path';
import picomatch from 'picomatch';
import { COMPONENT, CSS, SOURCE, isBare, type AnalysisContext } from './analysis-context.js';
import { classifySkippedFile } from './classify-esbuild-message.js';
import type { EdgeKind } from './file-graph.js';

/** The synthetic module importing every app entry of a build; not a file, so never in the graph. */
export const ENTRIES_MODULE = '<tessera-entries>';

const KIND: Record<string, EdgeKind> = {
  'import-statement': 'static', 'dynamic-import': 'dynamic', 'require-call': 'require', 'require-resolve': 'require',
  'import-rule': 'css-import', 'composes-from': 'css-import', 'url-token': 'url', 'entry-point': 'static',
};

/** A metafile path less the query or hash a bundler import may carry (`a.css?url` → `a.css`). */
const stripQuery = (path: string): string => path.replace(/[?#].*$/, '');

/**
 * Records what the bundler read, straight from a build's metafile: the edges of every file
 * read for the first time, their packages and unresolved imports, the uncertain reason of
 * each file not parsed; and reads the text of source files for the imports the bundler
 * erased (queued on `context.pending` for readTypeOnlyImports). Returns every input path.
 */
export function readMetafile(context: AnalysisContext, metafile: esbuildTypes.Metafile): string[] {
  const { state, known, skip, unresolvedPairs, pending, aliasBases, addUnresolved, addPackageImport } = context;
  // A file loaded with a bundler query (`app.css?url`) is the file itself (`app.css`), whichever way it was imported.
  const importsOf = new Map<string, esbuildTypes.Metafile['inputs'][string]['imports']>();
  for (const [key, input] of Object.entries(metafile.inputs)) {
    if (key.includes(':') || key === ENTRIES_MODULE) continue;
    const path = stripQuery(key);
    importsOf.set(path, [...(importsOf.get(path) ?? []), ...input.imports]);
  }
  const inputPaths = [...importsOf.keys()];
  const readNow = inputPaths.filter((p) => !known.has(p));
  for (const path of readNow) state.reset(state.idOf(path));
  for (const path of readNow) {
    const from = state.idOf(path);
    const recorded = new Set<string>();
    for (const record of importsOf.get(path)!) {
      const spec = record.original ?? record.path;
      recorded.add(spec);
      if (!record.external) {
        if (!record.path.includes(':')) state.addEdge(from, state.idOf(stripQuery(record.path)), KIND[record.kind] ?? 'static');
      } else if (unresolvedPairs.has(`${path}\0${record.path}`)) {
        addUnresolved(from, record.path);
      } else if (record.path.includes('*')) {
        const isMatch = picomatch(posix.normalize(posix.join(posix.dirname(path), record.path)), { dot: true });
        for (const candidate of inputPaths) if (candidate !== path && isMatch(candidate)) state.addEdge(from, state.idOf(candidate), 'glob');
      } else if (/^[a-z][a-z0-9+.-]*:/i.test(record.path) || record.path.startsWith('//') || /^<[^>]*>$/.test(record.path) || (record.kind === 'url-token' && record.path.startsWith('/'))) {
        // URLs stay URLs (a root-absolute CSS url() is a public-folder file the server serves);
        // `<runtime>` and its kin are esbuild's own helpers, not imports.
      } else if (isBare(record.path) && !aliasBases(record.path)) {
        addPackageImport(from, record.path, path);
      } else {
        // An import TypeScript erased (used only as a type): resolve it as the bundler would.
        pending.push({ importer: path, specifier: record.path, kind: 'type' });
      }
    }
    const skipped = skip.get(path);
    if (skipped) {
      if (skipped.kind === 'asset' && COMPONENT.test(path)) context.scanText(path, from, recorded, 'static');
      if (skipped.kind === 'asset') continue;
      const report = classifySkippedFile(skipped.kind);
      if (report.uncertain) state.addUncertain({ file: from, kind: report.uncertain, detail: skipped.detail });
      if (report.warning) state.warn({ code: report.warning, text: `${path}: ${skipped.detail}`, location: { file: path } });
    }
    if (skipped?.kind !== 'unreadable' && (SOURCE.test(path) || (skipped && CSS.test(path)))) context.scanText(path, from, recorded, skipped ? 'static' : 'type');
  }
  return inputPaths;
}
