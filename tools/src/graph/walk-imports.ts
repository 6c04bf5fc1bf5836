import { readdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import picomatch from 'picomatch';
import { COMPONENT, CSS, SOURCE, isBare, type AnalysisContext } from './analysis-context.js';
import { classifySkippedFile, type SkippedFile } from './classify-esbuild-message.js';
import type { ImportResolution } from './create-import-resolver.js';
import { createReaderPool, findReaderScript, type ReaderPool } from './create-reader-pool.js';
import type { EdgeKind } from './file-graph.js';
import { createFileImportsReader, type FileImports, type FileImportsOptions } from './read-file-imports.js';

/** Where the walk starts, how it resolves, and how many threads read. */
export interface WalkImportsOptions extends Omit<FileImportsOptions, 'root'> {
  /** Workspace-relative files to read: every app entry (a full analysis), or the modified files (an update). */
  start: readonly string[];
  /**
   * Worker threads reading beside the main thread (which reads too). With any, the files'
   * ids are sorted by path at the end, as the order they are met in varies.
   * @default 0
   */
  threads?: number;
}

/** Files a batch sends to a worker: small enough to keep both threads busy to the end, large enough that messages cost little. */
const BATCH = 48;

/**
 * The parser engine of the analysis: builds the file graph by reading each reachable file
 * once (stylesheets too), parsing its imports and resolving each distinct specifier once per directory with
 * esbuild's rules (read-file-imports.ts), instead of bundling every app. It records what
 * readMetafile records for a bundle's inputs (edges by kind, packages, skipped files, the
 * loose scan of every source file), so the two engines build the same graph
 * (test/integration/graph-engines.test.ts holds them to it).
 *
 * Imports that rule does not resolve go on `context.pending` for esbuild's own resolver
 * (readTypeOnlyImports), which has the last word on what does not resolve.
 */
export async function walkImports(context: AnalysisContext, options: WalkImportsOptions): Promise<void> {
  const { root, state, skip, known, pending, abs, addPackageImport } = context;
  const readerOptions: FileImportsOptions = { root, tsconfig: options.tsconfig, aliases: options.aliases, workspacePackages: options.workspacePackages, maxFileBytes: options.maxFileBytes, files: options.files };
  const here = createFileImportsReader(readerOptions);
  const script = (options.threads ?? 0) > 0 ? findReaderScript() : null;
  const pool: ReaderPool | null = script ? createReaderPool(script, options.threads!, readerOptions) : null;
  const deferred: typeof pending = [];
  /** What each file's loose scan resolved to, where a reader did it: importer → specifier → resolution. */
  const answers = new Map<string, Record<string, ImportResolution>>();
  const seen = new Set<string>();
  const toRead: string[] = [];

  const reportSkipped = (path: string, from: number, skipped: SkippedFile) => {
    const report = classifySkippedFile(skipped.kind);
    if (report.uncertain) state.addUncertain({ file: from, kind: report.uncertain, detail: skipped.detail });
    const warning = report.warning ?? (skipped.kind === 'unreadable' ? 'TESSERA_GRAPH_UNPARSEABLE_FILE' : null);
    if (warning) state.warn({ code: warning, text: `${path}: ${skipped.detail}`, location: { file: path } });
  };

  /** Takes a file into the walk: what needs reading is queued for a reader, the rest is recorded now. */
  const reach = (path: string) => {
    if (seen.has(path) || known.has(path)) return;
    seen.add(path);
    const skipped = skip.get(path);
    if (skipped && skipped.kind !== 'asset') {
      const from = state.idOf(path);
      state.reset(from);
      reportSkipped(path, from, skipped);
      if (SOURCE.test(path) || CSS.test(path)) context.scanText(path, from, new Set(), 'static');
    } else if (SOURCE.test(path) || CSS.test(path) || COMPONENT.test(path)) toRead.push(path);
  };

  /** The path a relative import names when that path is a loop of symbolic links (ELOOP), else null. */
  const findSymlinkLoop = (importer: string, specifier: string): string | null => {
    if (isBare(specifier)) return null;
    const target = posix.normalize(posix.join(posix.dirname(importer), specifier));
    try {
      statSync(abs(target));
      return null;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ELOOP' ? target : null;
    }
  };

  const link = (from: number, importer: string, specifier: string, kind: EdgeKind, to: ImportResolution) => {
    switch (to.kind) {
      case 'file':
        state.addEdge(from, state.idOf(to.path), kind);
        reach(to.path);
        return;
      case 'package':
        if (isBare(specifier)) addPackageImport(from, specifier.replace(/[?#].*$/, ''), importer);
        return;
      case 'unresolved': {
        const loop = findSymlinkLoop(importer, specifier);
        if (!loop) {
          // esbuild's resolver decides (readTypeOnlyImports): an import that does not resolve fails the build.
          deferred.push({ importer, specifier, kind });
          return;
        }
        // The bundler would stop reading there: the file is an input it cannot read.
        state.addEdge(from, state.idOf(loop), kind);
        if (!skip.has(loop)) {
          const unreadable: SkippedFile = { kind: 'unreadable', detail: 'too many levels of symbolic links' };
          skip.set(loop, unreadable);
          state.addUncertain({ file: state.idOf(loop), kind: 'unparseable', detail: unreadable.detail });
          state.warn({ code: 'TESSERA_GRAPH_SYMLINK_LOOP', text: `${loop}: ${unreadable.detail}`, location: { file: loop } });
        }
        return;
      }
      case 'none':
        return;
    }
  };

  /** `import(\`./locale/${x}.json\`)`: an edge to every file the bundler's glob matches. */
  const expandGlob = (from: number, importer: string, glob: string) => {
    const pattern = posix.normalize(posix.join(posix.dirname(importer), glob));
    const base = pattern.slice(0, pattern.lastIndexOf('/', pattern.indexOf('*')) + 1).replace(/\/$/, '');
    if (base.startsWith('..')) return;
    // Recorded matched or not: a file added later where it matches is a new import (see plan-graph-update.ts).
    state.addGlob({ file: from, pattern });
    const isMatch = picomatch(pattern, { dot: true });
    let entries: string[];
    try {
      entries = readdirSync(abs(base), { recursive: true, encoding: 'utf8' });
    } catch {
      return;
    }
    for (const entry of entries) {
      const candidate = base ? `${base}/${entry}` : entry;
      if (candidate !== importer && !candidate.includes('node_modules/') && isMatch(candidate)) {
        state.addEdge(from, state.idOf(candidate), 'glob');
        reach(candidate);
      }
    }
  };

  /** Records what a reader found in one file, as readMetafile records a bundle's input. */
  const record = (file: FileImports) => {
    const { path } = file;
    const from = state.idOf(path);
    state.reset(from);
    if (file.status === 'unreadable') {
      const unreadable: SkippedFile = { kind: 'unreadable', detail: file.detail };
      skip.set(path, unreadable);
      return reportSkipped(path, from, unreadable);
    }
    answers.set(path, file.scanned);
    if (file.status === 'component') {
      // No loader: an opaque asset to the bundler, its text scanned for the imports of its script.
      skip.set(path, { kind: 'asset', detail: file.detail });
      return context.scanText(path, from, new Set(), 'static', file.scan);
    }
    if (file.status === 'unparseable' || file.status === 'too-large') {
      const skipped: SkippedFile = { kind: file.status, detail: file.detail };
      skip.set(path, skipped);
      reportSkipped(path, from, skipped);
      return context.scanText(path, from, new Set(), 'static', file.scan);
    }
    const recorded = new Set<string>();
    for (const i of file.imports) {
      recorded.add(i.specifier);
      link(from, path, i.specifier, i.kind, i.to);
    }
    for (const glob of file.globs) expandGlob(from, path, glob);
    if (file.jsxRuntime) addPackageImport(from, file.jsxRuntime, path);
    // As after a bundle: the text's loose scan, for what the module record does not list.
    context.scanText(path, from, recorded, 'type', file.scan);
  };

  /** Records a batch, then what the loose scans left on `pending` (a type's `import('./x')`, a component's script). */
  const recordAll = (files: FileImports[]) => {
    for (const file of files) record(file);
    while (pending.length) {
      const p = pending.pop()!;
      const to = answers.get(p.importer)?.[p.specifier] ?? here.resolve(p.importer, p.specifier);
      link(state.idOf(p.importer), p.importer, p.specifier, p.kind, to);
    }
  };

  for (const path of options.start) reach(path);
  recordAll([]);
  try {
    const done: FileImports[][] = [];
    let inFlight = 0;
    let wake: (() => void) | null = null;
    let failure: unknown = null;
    while (toRead.length || inFlight || done.length) {
      while (pool && pool.idle > 0 && toRead.length > BATCH) {
        inFlight++;
        pool.read(toRead.splice(-BATCH)).then(
          (files) => done.push(files),
          (error: unknown) => (failure ??= error),
        ).finally(() => {
          inFlight--;
          wake?.();
        });
      }
      while (done.length) recordAll(done.shift()!);
      if (failure) throw failure;
      if (toRead.length) {
        // The main thread reads too, a small batch between looks at what the workers sent.
        recordAll(toRead.splice(-(pool ? BATCH / 4 : BATCH)).map(here.read));
        if (pool) await new Promise<void>((resolve) => setImmediate(resolve));
      } else if (inFlight) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    }
  } finally {
    await pool?.close();
  }
  if (pool) state.sortFiles();
  pending.push(...deferred);
}
