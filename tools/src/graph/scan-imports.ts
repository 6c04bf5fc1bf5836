/**
 * A deliberately loose scan of import strings, used where the bundler says nothing:
 * imports the bundler erases (`import type`, imports used only as types), files it cannot
 * parse, and `import()`/`require()` with computed paths. It over-reports (a string in a
 * comment counts), which can only make an app affected, never hide one.
 */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bexport\s*\*\s*from\s*)(['"])([^'"\n\r]+?)\1/g;
const CALL = /(?<![.\w$])(import|require)\s*\(\s*/g;
const CSS_IMPORT = /@import\s+(?:url\(\s*)?(['"]?)([^'")\s;]+)\1/g;
const CSS_URL = /url\(\s*(['"]?)([^'")\s]+)\1\s*\)/g;

/**
 * Comments that begin a line: JSDoc and block comments whose `/*` starts the line, and `//`
 * lines. Only those, because a `/*` or `//` inside a line may sit in a string or a regular
 * expression, and cutting real code would hide an import; a comment after code on a line is
 * left in (over-reporting is the safe side).
 */
const LEADING_COMMENT = /^[ \t]*\/\*[\s\S]*?\*\/|^[ \t]*\/\/.*$/gm;

/** Import strings found in a JS/TS source file, less those in comments that begin a line (a JSDoc `@example`). */
export function scanSpecifiers(text: string): string[] {
  const found = new Set<string>();
  const code = text.includes('/*') || text.includes('//') ? text.replace(LEADING_COMMENT, '') : text;
  for (const m of code.matchAll(SPECIFIER)) found.add(m[2]!);
  return [...found];
}

/** Import strings found in a CSS file (`@import` and `url()`), minus data URLs, absolute URLs and fragments. */
export function scanCssSpecifiers(text: string): string[] {
  const found = new Set<string>();
  for (const re of [CSS_IMPORT, CSS_URL]) {
    for (const m of text.matchAll(re)) {
      const spec = m[2]!;
      if (!/^(data:|[a-z]+:\/\/|\/\/|#)/i.test(spec)) found.add(spec);
    }
  }
  return [...found];
}

/**
 * `import()` and `require()` calls whose path the bundler cannot see: anything but a string
 * literal, or a template / concatenation that starts with `./` or `../` (esbuild expands
 * those into globs). Returns the source text of each call's argument start, for messages.
 */
export function scanComputedImports(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(CALL)) {
    const at = m.index! + m[0].length;
    const rest = text.slice(at, at + 120);
    const literal = /^(['"])([^'"\n]*)\1\s*(\)|,|\+)?/.exec(rest);
    if (literal) {
      if (literal[3] !== '+' || /^\.\.?\//.test(literal[2]!)) continue;
    } else if (rest.startsWith('`')) {
      const end = rest.indexOf('`', 1);
      const body = end > 0 ? rest.slice(1, end) : rest.slice(1);
      if (!body.includes('${') || /^\.\.?\//.test(body)) continue;
    } else if (rest.startsWith(')')) continue;
    found.push(`${m[1]}(${rest.split('\n')[0]!.slice(0, 40)}`);
  }
  return found;
}

/** What a loose scan of one file's text finds (see scanTextImports). */
export interface TextImports {
  specifiers: string[];
  /** Computed `import()`/`require()` calls, as source text (JS/TS only). */
  computed: string[];
}

/** The loose scan of one file: CSS by its `@import`/`url()`, anything else as JS/TS text (components' scripts included). */
export function scanTextImports(path: string, text: string): TextImports {
  const css = /\.css$/.test(path);
  return { specifiers: css ? scanCssSpecifiers(text) : scanSpecifiers(text), computed: /\.(tsx?|mts|cts|jsx?|mjs|cjs)$/.test(path) ? scanComputedImports(text) : [] };
}
