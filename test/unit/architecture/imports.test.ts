import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { FileGraph } from '../../../tools/src/graph/file-graph.js';
import { findCycles as findFileCycles } from '../../../tools/src/graph/find-cycles.js';
import { describe, expect, it } from 'vitest';

/**
 * The layer rule of docs/architecture.md, read from tools/src's own imports: parts in the
 * order of the data flow (../shared/DESIGN.md), each importing only parts earlier in this
 * list. The leaves (errors, the run-record vocabulary, the SQLite layer) come first; the
 * composition layer, the webhook service and the CLI sit on top. Type-only imports count
 * (a type names a dependency as much as a value does); a lazy `import()` does not, because
 * that is how a command loads an executor or a store only when it runs.
 */
const LAYERS = [
  'errors', 'records', 'html', 'sqlite',
  'git', 'workspace', 'graph', 'affected', 'plan',
  'buildspec', 'executors', 'fanout', 'runs', 'report',
  'bundle', 'store', 'release', 'edge',
  'webhook', 'pipelines', 'cli',
];

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tools/src');

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? listSources(path) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The static imports and re-exports of a file (type-only included), as paths relative to tools/src. */
function readStaticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const statement of source.statements) {
    const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : null;
    if (ts.isImportEqualsDeclaration(statement)) throw new Error(`${file}: import = require(...) is not used in tools/src`);
    if (!specifier?.startsWith('.')) continue;
    out.push(relative(src, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts'));
  }
  return out;
}

const partOf = (path: string) => path.split('/')[0]!;

/** Every cycle of a directed graph given as adjacency lists, with the graph part's own cycle finder (Tarjan). */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const nodes = [...new Set([...graph.keys(), ...[...graph.values()].flat()])];
  const id = new Map(nodes.map((n, i) => [n, i]));
  // find-cycles reads edges as [target, kind] pairs; the kind does not matter here.
  const edges = nodes.map((n) => (graph.get(n) ?? []).flatMap((t) => [id.get(t)!, 0]));
  return findFileCycles({ files: nodes, edges } as unknown as FileGraph);
}

const files = listSources(src).map((f) => relative(src, f));
const imports = new Map(files.map((f) => [f, readStaticImports(join(src, f))]));

describe('tools/src imports', () => {
  it('finds the files and their imports (a check of the check)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(imports.get('cli/main.ts')).toContain('errors/codes.ts');
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
    expect(findCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });

  it('has a layer for every folder of tools/src (a new part takes its place in LAYERS and docs/architecture.md)', () => {
    const parts = [...new Set(files.map(partOf))].filter((p) => !p.endsWith('.ts'));
    expect(parts.filter((p) => !LAYERS.includes(p))).toEqual([]);
    expect(files.filter((f) => !f.includes('/'))).toEqual([]);
  });

  it('imports only files that exist', () => {
    const missing = [...imports].flatMap(([file, targets]) => targets.filter((t) => !imports.has(t) && !imports.has(t.replace(/\.ts$/, '.tsx'))).map((t) => `${file} -> ${t}`));
    expect(missing).toEqual([]);
  });

  it('has no import cycle between files', () => {
    expect(findCycles(imports)).toEqual([]);
  });

  it('has no import cycle between parts', () => {
    const parts = new Map<string, string[]>();
    for (const [file, targets] of imports) {
      const from = partOf(file);
      parts.set(from, [...new Set([...(parts.get(from) ?? []), ...targets.map(partOf).filter((p) => p !== from)])]);
    }
    expect(findCycles(parts)).toEqual([]);
  });

  it('imports no part that comes later in the flow than the importer', () => {
    const against = [...imports].flatMap(([file, targets]) =>
      targets.filter((t) => LAYERS.indexOf(partOf(t)) > LAYERS.indexOf(partOf(file))).map((t) => `${file} -> ${t}`),
    );
    expect(against).toEqual([]);
  });
});
