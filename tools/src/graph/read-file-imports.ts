import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPONENT, CSS, createAliasMatcher, isBare, packageNameOf } from './analysis-context.js';
import { createImportResolver, createPathLookup, type ImportResolution } from './create-import-resolver.js';
import type { EdgeKind } from './file-graph.js';
import { parseCssImports } from './parse-css-imports.js';
import { parseModuleImports } from './parse-module-imports.js';
import { createJsxRuntimeReader } from './read-jsx-runtime.js';
import { createReleasePinCheck, createWorkspacePackageResolver, type WorkspacePackage } from './resolve-workspace-package.js';
import { scanTextImports, type TextImports } from './scan-imports.js';

/** What reading files' imports needs: plain data, so a worker thread can be given it. */
export interface FileImportsOptions {
  /** Absolute directory of the tree analysed. */
  root: string;
  /** One tsconfig for every file (workspace-relative or absolute), or undefined for the nearest one per directory. */
  tsconfig?: string;
  aliases: Record<string, string[]>;
  workspacePackages: readonly WorkspacePackage[];
  /** Files larger than this are not parsed, only scanned as text (the config's `maxFileBytes`). @default no limit */
  maxFileBytes?: number;
  /** The tree's files as git lists them (see ImportResolverOptions.files), as arrays: a worker is given them as data. @default none */
  files?: { regular: readonly string[]; unsure: readonly string[] };
}

/** One import of a file, with where it leads. */
export interface ResolvedImport {
  specifier: string;
  kind: EdgeKind;
  to: ImportResolution;
}

/** What one file's text says it imports, every specifier already resolved. */
export type FileImports =
  | {
      path: string;
      status: 'parsed';
      imports: ResolvedImport[];
      globs: string[];
      /** The JSX runtime esbuild injects (`react/jsx-runtime`), or null. */
      jsxRuntime: string | null;
      /** The loose text scan (scanTextImports) less the specifiers of `imports`, and where each of its specifiers leads. */
      scan: TextImports;
      scanned: Record<string, ImportResolution>;
    }
  /** Not parsed (a component's script, or text the parser refused): the loose scan only. */
  | { path: string; status: 'component'; detail: string; scan: TextImports; scanned: Record<string, ImportResolution> }
  | { path: string; status: 'unparseable'; detail: string; scan: TextImports; scanned: Record<string, ImportResolution> }
  | { path: string; status: 'too-large'; detail: string; scan: TextImports; scanned: Record<string, ImportResolution> }
  | { path: string; status: 'unreadable'; detail: string };

/**
 * The reader of the parser engine: reads a file, parses its imports (parseModuleImports,
 * parseCssImports for stylesheets),
 * scans its text as the bundler analysis does, and resolves every specifier with esbuild's
 * rules (createImportResolver). It touches no graph, so it runs alike on the main thread
 * and in a worker (graph-worker.ts); walk-imports.ts records what it returns.
 */
export function createFileImportsReader(options: FileImportsOptions): FileImportsReader {
  const { root } = options;
  const names = new Set(options.workspacePackages.map((p) => p.name));
  const resolve = createImportResolver({
    root,
    tsconfig: options.tsconfig,
    aliasBases: createAliasMatcher(options.aliases),
    resolveWorkspacePackage: createWorkspacePackageResolver(root, options.workspacePackages),
    isWorkspacePackage: (spec) => names.has(packageNameOf(spec)),
    isReleasePinned: createReleasePinCheck(root, options.workspacePackages),
    files: options.files && { regular: createPathLookup(options.files.regular), unsure: new Set(options.files.unsure) },
  });
  const jsxRuntimeOf = createJsxRuntimeReader(root);
  const resolveScan = (path: string, scan: TextImports) => {
    const scanned: Record<string, ImportResolution> = {};
    for (const spec of scan.specifiers) scanned[spec] = resolve(path, spec);
    return scanned;
  };
  const read = (path: string): FileImports => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(root, path));
    } catch (error) {
      return { path, status: 'unreadable', detail: (error as Error).message };
    }
    const text = bytes.toString('utf8');
    if (options.maxFileBytes !== undefined && bytes.length > options.maxFileBytes) {
      const scan = scanTextImports(path, text);
      return { path, status: 'too-large', detail: 'larger than maxFileBytes; read as text, not parsed', scan, scanned: resolveScan(path, scan) };
    }
    if (CSS.test(path)) {
      // A stylesheet's `b.css` means `./b.css` first, as in CSS itself (then a package's).
      const imports = parseCssImports(path, text).map((i) => {
        const local = isBare(i.specifier) ? resolve(path, `./${i.specifier}`) : null;
        return { ...i, to: local?.kind === 'file' ? local : resolve(path, i.specifier) };
      });
      return { path, status: 'parsed', imports, globs: [], jsxRuntime: null, scan: { specifiers: [], computed: [] }, scanned: {} };
    }
    if (COMPONENT.test(path)) {
      const scan = scanTextImports(path, text);
      return { path, status: 'component', detail: 'no loader; treated as an opaque asset', scan, scanned: resolveScan(path, scan) };
    }
    const parsed = parseModuleImports(path, text);
    if (!parsed.ok) {
      const scan = scanTextImports(path, text);
      return { path, status: 'unparseable', detail: parsed.detail, scan, scanned: resolveScan(path, scan) };
    }
    const imports = parsed.imports.map((i) => ({ ...i, to: resolve(path, i.specifier) }));
    // The loose scan less what the parser found: the rest is what the walk records beside it (and less to send from a worker).
    const parsedSpecifiers = new Set(parsed.imports.map((i) => i.specifier));
    const loose = scanTextImports(path, text);
    const scan = { specifiers: loose.specifiers.filter((s) => !parsedSpecifiers.has(s)), computed: loose.computed };
    return { path, status: 'parsed', imports, globs: parsed.globs, jsxRuntime: jsxRuntimeOf(path, text), scan, scanned: resolveScan(path, scan) };
  };
  return { read, resolve };
}

/** Reads one file's imports (see createFileImportsReader); `resolve` answers one import alone. */
export interface FileImportsReader {
  read(path: string): FileImports;
  resolve(importer: string, specifier: string): ImportResolution;
}
