import { readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import picomatch from 'picomatch';
import { COMPONENT, CSS, SOURCE, isBare, type AnalysisContext } from './analysis-context.js';
import { classifySkippedFile, type SkippedFile } from './classify-esbuild-message.js';
import { createImportResolver } from './create-import-resolver.js';
import type { EdgeKind } from './file-graph.js';
import { parseModuleImports } from './parse-module-imports.js';
import { createJsxRuntimeReader } from './read-jsx-runtime.js';
import { createReleasePinCheck, type WorkspacePackage } from './resolve-workspace-package.js';

/** Where the walk starts and how it resolves. */
export interface WalkImportsOptions {
  /** Workspace-relative files to read: every app entry (a full analysis), or the modified files (an update). */
  start: readonly string[];
  /** One tsconfig (workspace-relative or absolute) for every file, or undefined for the nearest one per directory. */
  tsconfig?: string;
  workspacePackages: readonly WorkspacePackage[];
}

/** What the walk leaves to the bundler and to esbuild's resolver. */
export interface WalkImportsResult {
  /** Stylesheets reached: their `@import`/`url()` are read by a bundler pass (readMetafile), as esbuild reads CSS. */
  stylesheets: string[];
}

const packageNameOfSpecifier = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

/**
 * The parser engine of the analysis: builds the file graph by reading each reachable file
 * once, parsing its imports (parseModuleImports, oxc-parser) and resolving each distinct
 * specifier once per directory with esbuild's rules (createImportResolver, oxc-resolver),
 * instead of bundling every app. It records what readMetafile records for a bundle's inputs
 * (edges by kind, packages, skipped files, the loose scan of every source file), so the two
 * engines build the same graph (test/integration/graph-engines.test.ts holds them equal).
 *
 * Imports it cannot resolve go on `context.pending` for esbuild's own resolver
 * (readTypeOnlyImports), which has the last word on what does not resolve; stylesheets are
 * returned for a bundler pass.
 */
export function walkImports(context: AnalysisContext, options: WalkImportsOptions): WalkImportsResult {
  const { root, state, skip, known, pending, abs, aliasBases, addPackageImport, resolveWorkspacePackage } = context;
  const names = new Set(options.workspacePackages.map((p) => p.name));
  const resolve = createImportResolver({
    root,
    tsconfig: options.tsconfig,
    aliasBases,
    resolveWorkspacePackage,
    isWorkspacePackage: (spec) => names.has(packageNameOfSpecifier(spec)),
    isReleasePinned: createReleasePinCheck(root, options.workspacePackages),
  });
  const jsxRuntimeOf = createJsxRuntimeReader(root);
  const stylesheets: string[] = [];
  const deferred: typeof pending = [];
  const queued = new Set<string>();
  const queue: string[] = [];
  const enqueue = (path: string) => {
    if (queued.has(path) || known.has(path)) return;
    queued.add(path);
    queue.push(path);
  };

  const link = (from: number, importer: string, specifier: string, kind: EdgeKind) => {
    const found = resolve(importer, specifier);
    switch (found.kind) {
      case 'file':
        state.addEdge(from, state.idOf(found.path), kind);
        enqueue(found.path);
        return;
      case 'package':
        if (isBare(specifier)) addPackageImport(from, specifier.replace(/[?#].*$/, ''), importer);
        return;
      case 'unresolved': {
        const loop = findSymlinkLoop(importer, specifier);
        if (loop) {
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
        // esbuild's resolver decides (readTypeOnlyImports): an import that does not resolve fails the build.
        deferred.push({ importer, specifier, kind });
        return;
      }
      case 'none':
        return;
    }
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

  const expandGlob = (from: number, importer: string, glob: string) => {
    const pattern = posix.normalize(posix.join(posix.dirname(importer), glob));
    const base = pattern.slice(0, pattern.lastIndexOf('/', pattern.indexOf('*')) + 1).replace(/\/$/, '');
    if (base.startsWith('..')) return;
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
        enqueue(candidate);
      }
    }
  };

  const reportSkipped = (path: string, from: number, skipped: SkippedFile) => {
    const report = classifySkippedFile(skipped.kind);
    if (report.uncertain) state.addUncertain({ file: from, kind: report.uncertain, detail: skipped.detail });
    const warning = report.warning ?? (skipped.kind === 'unreadable' ? 'TESSERA_GRAPH_UNPARSEABLE_FILE' : null);
    if (warning) state.warn({ code: warning, text: `${path}: ${skipped.detail}`, location: { file: path } });
  };

  const visit = (path: string) => {
    const from = state.idOf(path);
    state.reset(from);
    const skipped = skip.get(path);
    if (skipped && skipped.kind !== 'asset') {
      reportSkipped(path, from, skipped);
      if (SOURCE.test(path) || CSS.test(path)) context.scanText(path, from, new Set(), 'static');
      return;
    }
    if (CSS.test(path)) return void stylesheets.push(path);
    if (COMPONENT.test(path)) {
      // No loader: an opaque asset to the bundler, its text scanned for the imports of its script.
      skip.set(path, { kind: 'asset', detail: 'no loader; treated as an opaque asset' });
      return context.scanText(path, from, new Set(), 'static');
    }
    if (!SOURCE.test(path)) return;
    let text: string;
    try {
      text = readFileSync(abs(path), 'utf8');
    } catch (error) {
      const unreadable: SkippedFile = { kind: 'unreadable', detail: (error as Error).message };
      skip.set(path, unreadable);
      return reportSkipped(path, from, unreadable);
    }
    const parsed = parseModuleImports(path, text);
    if (!parsed.ok) {
      const unparseable: SkippedFile = { kind: 'unparseable', detail: parsed.detail };
      skip.set(path, unparseable);
      reportSkipped(path, from, unparseable);
      return context.scanText(path, from, new Set(), 'static', text);
    }
    const recorded = new Set<string>();
    for (const { specifier, kind } of parsed.imports) {
      recorded.add(specifier);
      link(from, path, specifier, kind);
    }
    for (const glob of parsed.globs) expandGlob(from, path, glob);
    const runtime = jsxRuntimeOf(path, text);
    if (runtime) addPackageImport(from, runtime, path);
    // As after a bundle: the text's loose scan, for what the module record does not list.
    context.scanText(path, from, recorded, 'type', text);
  };

  for (const path of options.start) enqueue(path);
  while (queue.length) {
    visit(queue.pop()!);
    // What the loose scan found beyond the module record (a type's `import('./x')`, a component's script).
    while (pending.length) {
      const p = pending.pop()!;
      link(state.idOf(p.importer), p.importer, p.specifier, p.kind);
    }
  }
  pending.push(...deferred);
  return { stylesheets };
}
