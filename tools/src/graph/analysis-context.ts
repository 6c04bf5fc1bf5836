import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import type { SkippedFile } from './classify-esbuild-message.js';
import type { EdgeKind, FileGraph } from './file-graph.js';
import { createGraphState, type GraphState } from './graph-state.js';
import { scanTextImports, type TextImports } from './scan-imports.js';
import { createWorkspacePackageResolver, type WorkspacePackage } from './resolve-workspace-package.js';

/** Files the bundler parses as code. */
export const SOURCE = /\.(tsx?|mts|cts|jsx?|mjs|cjs)$/;
/** Stylesheets. */
export const CSS = /\.css$/;
/**
 * Single-file components the bundler has no loader for (Vue, Svelte, Astro, MDX): read as
 * assets, and their text scanned for imports, so the graph goes on through their scripts.
 */
export const COMPONENT = /\.(vue|svelte|astro|mdx)$/;

/** An import the bundler erased or never saw, left for esbuild's resolver (see readTypeOnlyImports). */
export interface PendingResolve {
  importer: string;
  specifier: string;
  kind: EdgeKind;
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/** Whether a specifier names a package (or a path alias) rather than a path. */
export const isBare = (spec: string) => !/^(\.{1,2}(\/|$)|\/)/.test(spec);

const BUILTINS = new Set(builtinModules);

/**
 * Whether package `name` is installed where the bundler would look for it from `dir`
 * (a `node_modules/<name>` in `dir` or any parent up to the workspace root). An import of a
 * package that is not installed does not resolve: the build fails, so it must not pass for
 * an npm dependency (a removed path alias looks exactly like one).
 */
function createInstalledCheck(root: string) {
  const memo = new Map<string, boolean>();
  const check = (dir: string, name: string): boolean => {
    const key = `${dir}\0${name}`;
    let known = memo.get(key);
    if (known === undefined) {
      known = existsSync(join(root, dir, 'node_modules', name)) || (dir !== '' && dir !== '.' && check(posix.dirname(dir) === '.' ? '' : posix.dirname(dir), name));
      memo.set(key, known);
    }
    return known;
  };
  return (importer: string, name: string) => BUILTINS.has(name) || check(posix.dirname(importer), name);
}

/** The npm package a bare specifier or node_modules path names (`@scope/pkg` or `pkg`). */
export function packageNameOf(specifierOrPath: string): string {
  const tail = specifierOrPath.includes('node_modules/') ? specifierOrPath.slice(specifierOrPath.lastIndexOf('node_modules/') + 13) : specifierOrPath;
  const parts = tail.split('/');
  return parts[0]!.startsWith('@') && parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/**
 * The path aliases as a lookup: `spec` → the base paths of the first pattern (in the
 * tsconfig's order) that matches it, or null. Indexed by hand (exact keys in a map, wildcard
 * patterns by prefix) and memoised: a workspace of thousands of libs has as many patterns,
 * and every distinct bare import asks; a scan of them all was half a second at 6,000 libs.
 */
export function createAliasMatcher(aliases: Record<string, string[]>) {
  const patterns = Object.entries(aliases).map(([key, targets], index) => {
    const star = key.indexOf('*');
    return { index, key, prefix: star < 0 ? key : key.slice(0, star), suffix: star < 0 ? '' : key.slice(star + 1), wildcard: star >= 0, targets };
  });
  type Pattern = (typeof patterns)[number];
  const exact = new Map<string, Pattern>();
  const byPrefix = new Map<string, Pattern[]>();
  for (const p of patterns) {
    if (!p.wildcard) {
      if (!exact.has(p.key)) exact.set(p.key, p);
    } else {
      let group = byPrefix.get(p.prefix);
      if (!group) byPrefix.set(p.prefix, (group = []));
      group.push(p);
    }
  }
  const prefixLengths = [...new Set([...byPrefix.keys()].map((k) => k.length))];
  const memo = new Map<string, string[] | null>();
  /** The base paths `spec` maps to through an alias, or null when no alias matches. */
  return (spec: string): string[] | null => {
    const known = memo.get(spec);
    if (known !== undefined) return known;
    let first = exact.get(spec);
    for (const length of prefixLengths) {
      if (length > spec.length) continue;
      for (const p of byPrefix.get(spec.slice(0, length)) ?? []) {
        if (first && first.index < p.index) break;
        if (spec.endsWith(p.suffix) && spec.length >= p.prefix.length + p.suffix.length) {
          first = p;
          break;
        }
      }
    }
    const result = first ? first.targets.map((t) => t.replace('*', first.wildcard ? spec.slice(first.prefix.length, spec.length - first.suffix.length) : '')) : null;
    memo.set(spec, result);
    return result;
  };
}

/** What one analysis starts from. */
export interface AnalysisContextOptions {
  /** Absolute directory of the tree analysed. */
  root: string;
  aliases: Record<string, string[]>;
  largeFiles: readonly string[];
  previous?: { graph: FileGraph; modified: string[] };
  workspacePackages?: readonly WorkspacePackage[];
}

/** Files whose imports the graph already holds: has, add and size, as a Set of them. */
export interface KnownFiles {
  has(path: string): boolean;
  add(path: string): void;
  readonly size: number;
}

/**
 * The previous graph's files less the modified ones, plus those added: a view over the graph
 * state's ids rather than a Set of 100k paths (20 ms an update need not spend). A file the
 * state numbered after the previous graph's is new, so not known until added.
 */
function createKnownFiles(state: GraphState, previous: { graph: FileGraph; modified: readonly string[] } | undefined): KnownFiles {
  const before = previous ? previous.graph.files.length : 0;
  const modified = new Set(previous?.modified);
  const added = new Set<string>();
  const wasKnown = (path: string) => {
    const id = state.ids.get(path);
    return id !== undefined && id < before && !modified.has(path);
  };
  let modifiedBefore = 0;
  for (const path of modified) if ((state.ids.get(path) ?? before) < before) modifiedBefore++;
  const has = (path: string) => added.has(path) || wasKnown(path);
  return {
    has,
    add(path) {
      if (!has(path)) added.add(path);
    },
    get size() {
      return before - modifiedBefore + added.size;
    },
  };
}

/**
 * What the bundler pass, the metafile reader and the type-only import pass of one analysis
 * share: the graph being built, the files not parsed, the imports known not to resolve, the
 * imports left for esbuild's resolver. One object, so each pass can live in its own file.
 */
export function createAnalysisContext(options: AnalysisContextOptions) {
  const { root } = options;
  const abs = (rel: string) => join(root, rel);
  const rel = (path: string) => toPosix(isAbsolute(path) ? relative(root, path) : path);
  const aliasBases = createAliasMatcher(options.aliases);
  const isInstalled = createInstalledCheck(root);
  const resolveWorkspacePackage = createWorkspacePackageResolver(root, options.workspacePackages ?? []);
  const state: GraphState = createGraphState(options.previous?.graph);
  const skip = new Map<string, SkippedFile>();
  for (const file of options.largeFiles) skip.set(file, { kind: 'too-large', detail: 'larger than maxFileBytes; read as text, not parsed' });
  /** importer \0 specifier -> importer, for imports the bundler could not resolve. */
  const unresolvedPairs = new Map<string, string>();
  const pending: PendingResolve[] = [];
  const scanned = new Set<string>();
  /** Files whose imports the graph already holds (from the previous graph, or an earlier build): loaded as stubs, never read again. */
  const known = createKnownFiles(state, options.previous);

  const addUnresolved = (from: number, specifier: string) => {
    const importer = state.files[from]!;
    const bases = isBare(specifier) ? (aliasBases(specifier) ?? []) : [posix.normalize(posix.join(posix.dirname(importer), specifier))];
    state.addUnresolved({ file: from, specifier, bases: bases.map((b) => b.replace(/\.(tsx?|jsx?|mjs|cjs|mts|cts)$/, '')) });
    state.warn({ code: 'TESSERA_GRAPH_UNRESOLVED_IMPORT', text: `${importer} imports "${specifier}", which does not resolve`, location: { file: importer } });
  };
  /** Packages imported but not installed, by name: one hint at the end instead of a warning per import. */
  const notInstalled = new Map<string, number>();
  /**
   * A bare import of an npm package: recorded as a package of the file whether node_modules
   * has it or not (its version comes from the lockfile, the same either way). Not installed,
   * it is also an unresolved import (a later install can change what it resolves to), counted
   * for the one hint rather than warned about one by one.
   */
  const addPackageImport = (from: number, specifier: string, importer: string) => {
    const name = packageNameOf(specifier);
    state.addPackage(from, name);
    if (isInstalled(importer, name)) return;
    state.addUnresolved({ file: from, specifier, bases: [] });
    notInstalled.set(name, (notInstalled.get(name) ?? 0) + 1);
  };
  /** The hint for packages that are imported but not installed, when there are any. */
  const warnNotInstalled = () => {
    if (!notInstalled.size) return;
    const imports = [...notInstalled.values()].reduce((a, b) => a + b, 0);
    const top = [...notInstalled].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([name]) => name);
    state.warn({
      code: 'TESSERA_GRAPH_PACKAGES_NOT_INSTALLED',
      text: `${imports} import(s) of ${notInstalled.size} package(s) (${top.join(', ')}${notInstalled.size > 3 ? ', …' : ''}) do not resolve: node_modules is missing or incomplete. Their versions come from the lockfile; install the workspace's packages to follow imports through them`,
    });
  };

  /**
   * Records what a loose scan of a file's text found (see scanTextImports): npm packages, the
   * other imports left on `pending` for a resolver, and computed imports as uncertain.
   * `recorded`: specifiers already known from the bundler or a parser, skipped here.
   */
  function applyTextScan(path: string, from: number, recorded: Set<string>, kind: EdgeKind, scan: TextImports) {
    for (const spec of scan.specifiers) {
      if (recorded.has(spec) || spec.includes('*') || /^[a-z][a-z0-9+.-]*:/i.test(spec)) continue;
      if (isBare(spec) && !aliasBases(spec) && !resolveWorkspacePackage(spec)) addPackageImport(from, spec, path);
      else pending.push({ importer: path, specifier: spec, kind });
    }
    if (scan.computed.length) {
      const { computed } = scan;
      state.addUncertain({ file: from, kind: 'computed-import', detail: `${computed[0]}${computed.length > 1 ? ` (+${computed.length - 1} more)` : ''}` });
      state.warn({ code: 'TESSERA_GRAPH_COMPUTED_IMPORT', text: `${path}: ${computed[0]}`, location: { file: path } });
    }
  }

  /**
   * Reads a file's text for the imports the bundler does not show (erased, or of a file it did
   * not parse), once per file; `known` is the text when the caller has read it already, or
   * the scan itself when it was made elsewhere (a worker of the parser engine).
   */
  function scanText(path: string, from: number, recorded: Set<string>, kind: EdgeKind, known?: string | TextImports) {
    if (scanned.has(path)) return;
    scanned.add(path);
    if (typeof known === 'object') return applyTextScan(path, from, recorded, kind, known);
    let text: string;
    try {
      text = known ?? readFileSync(abs(path), 'utf8');
    } catch {
      return;
    }
    applyTextScan(path, from, recorded, kind, scanTextImports(path, text));
  }

  return { root, abs, rel, aliasBases, isInstalled, resolveWorkspacePackage, state, skip, unresolvedPairs, pending, known, addUnresolved, addPackageImport, warnNotInstalled, scanText };
}

/** The shared state of one analysis (see createAnalysisContext). */
export type AnalysisContext = ReturnType<typeof createAnalysisContext>;
