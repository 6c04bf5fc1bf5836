import { parseSync } from 'oxc-parser';
import type { EdgeKind } from './file-graph.js';

/** One import a module's syntax names, with how the bundler takes it. */
export interface ModuleImport {
  specifier: string;
  kind: EdgeKind;
}

/** What parsing one JS/TS module finds, or why it could not be parsed. */
export type ModuleImportsResult =
  | {
      ok: true;
      imports: ModuleImport[];
      /** `import(\`./locale/${x}.json\`)` and `require('./x/' + y)`: patterns the bundler expands over the files there (`./locale/*.json`). */
      globs: string[];
    }
  | { ok: false; detail: string };

const REQUIRE = /(?<![.\w$])require(?:\.resolve)?\s*\(\s*(['"])([^'"\n\r\\]+)\1\s*\)/g;
/** `require(\`./x/${y}\`)`, `require('./x/' + y)`: a require of a path the bundler expands into a glob. */
const REQUIRE_GLOB = /(?<![.\w$])require\s*\(\s*((['"])\.\.?\/[^'"\n\r]*\2\s*\+[^()\n\r]*|`\.\.?\/[^`]*`)\s*\)/g;
const QUOTED = /^(['"])([^'"\n\r\\]*)\1$/;
const CONCAT_HEAD = /^(['"])(\.\.?\/[^'"\n\r\\]*)\1\s*\+/;
const CONCAT_TAIL = /\+\s*(['"])([^'"\n\r\\]*)\1\s*$/;

/**
 * The argument of a run-time import as the bundler sees it: a plain path, a glob the bundler
 * expands (a template or a concatenation whose path starts with `./` or `../`; each
 * substitution is a `*`), or null for a path it cannot see (left to scanComputedImports).
 */
function readDynamicArgument(source: string): { path: string } | { glob: string } | null {
  const quoted = QUOTED.exec(source);
  if (quoted) return { path: quoted[2]! };
  if (source.startsWith('`') && source.endsWith('`')) {
    const body = source.slice(1, -1);
    if (!body.includes('${')) return body.includes('\\') ? null : { path: body };
    const glob = body.replace(/\$\{[^}]*\}/g, '*').replace(/\*+/g, '*');
    return /^\.\.?\//.test(glob) && !glob.includes('`') ? { glob } : null;
  }
  const head = CONCAT_HEAD.exec(source);
  if (head) return { glob: `${head[2]}*${CONCAT_TAIL.exec(source)?.[2] ?? ''}`.replace(/\*+/g, '*') };
  return null;
}

/**
 * The imports of one JS/TS module, from its syntax (oxc-parser's module record): import and
 * export declarations (`type` when TypeScript erases them by syntax: `import type`, or every
 * name imported as a type), `import()` with a path or a glob the bundler expands, and
 * `require()` of a string. Used by the parser engine (walk-imports.ts) in place of reading a
 * bundle's metafile; the loose text scan (scanSpecifiers) still runs after it, as with the
 * bundler, for what a parser's module record does not list (`import('./x').T` in a type).
 */
export function parseModuleImports(path: string, text: string): ModuleImportsResult {
  const result = parseSync(path, text, { sourceType: /\.c[jt]s$/.test(path) ? 'unambiguous' : 'module' });
  const errors = result.errors.filter((e) => e.severity === 'Error');
  if (errors.length) {
    const first = errors[0]!;
    const at = first.labels?.[0]?.start;
    const line = at === undefined ? undefined : text.slice(0, at).split('\n').length;
    return { ok: false, detail: `${first.message}${line ? ` (line ${line})` : ''}` };
  }
  const imports: ModuleImport[] = [];
  const globs: string[] = [];
  const module = result.module;
  for (const s of module.staticImports) {
    const typeOnly = s.entries.length > 0 && s.entries.every((e) => e.isType);
    imports.push({ specifier: s.moduleRequest.value, kind: typeOnly ? 'type' : 'static' });
  }
  for (const e of module.staticExports) {
    for (const entry of e.entries) if (entry.moduleRequest) imports.push({ specifier: entry.moduleRequest.value, kind: entry.isType ? 'type' : 'static' });
  }
  for (const d of module.dynamicImports) {
    const argument = readDynamicArgument(text.slice(d.moduleRequest.start, d.moduleRequest.end).trim());
    if (argument && 'path' in argument) imports.push({ specifier: argument.path, kind: 'dynamic' });
    else if (argument) globs.push(argument.glob);
  }
  if (text.includes('require')) {
    for (const m of text.matchAll(REQUIRE)) imports.push({ specifier: m[2]!, kind: 'require' });
    for (const m of text.matchAll(REQUIRE_GLOB)) {
      const argument = readDynamicArgument(m[1]!.trim());
      if (argument && 'glob' in argument) globs.push(argument.glob);
    }
  }
  return { ok: true, imports, globs };
}
