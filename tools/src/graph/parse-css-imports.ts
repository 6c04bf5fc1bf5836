import type { ModuleImport } from './parse-module-imports.js';

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
const isNameChar = (c: string | undefined) => c !== undefined && /[\w-]/.test(c);
/** What esbuild leaves alone in CSS: data and other URLs, fragments, protocol-relative and root-absolute paths (a public folder's files). */
const NOT_A_FILE = /^(?:[a-z][a-z0-9+.-]*:|#|\/)/i;

/**
 * The imports of a stylesheet as esbuild's CSS parser finds them: `@import` (a string or a
 * `url()`), every `url()` token, and in a CSS module (`.module.css`) `composes: … from "…"`.
 * Comments and the insides of strings are skipped, as a tokenizer does; paths esbuild keeps
 * as URLs (`data:`, `https:`, `#id`, `/fonts/a.woff2`) are left out. Written by hand: CSS
 * parsers that report dependencies (lightningcss) would add a native module for a scan this
 * small, and this one runs for every stylesheet of a large workspace on the parser engine.
 */
export function parseCssImports(path: string, text: string): ModuleImport[] {
  const imports: ModuleImport[] = [];
  const isModule = /\.module\.css$/.test(path);
  const add = (specifier: string, kind: ModuleImport['kind']) => {
    const spec = specifier.trim();
    if (spec && !NOT_A_FILE.test(spec)) imports.push({ specifier: spec, kind });
  };
  /** The string starting at `at` (a quote): its value and the index after it. */
  const readString = (at: number): [string, number] => {
    const quote = text[at]!;
    let value = '';
    let i = at + 1;
    for (; i < text.length && text[i] !== quote && text[i] !== '\n'; i++) {
      if (text[i] === '\\' && i + 1 < text.length) value += text[++i];
      else value += text[i];
    }
    return [value, i + 1];
  };
  /** The body of `url(` starting at `at` (after the parenthesis): its value and the index after `)`. */
  const readUrl = (at: number): [string, number] => {
    let i = at;
    while (isSpace(text[i])) i++;
    if (text[i] === '"' || text[i] === "'") {
      const [value, end] = readString(i);
      const close = text.indexOf(')', end);
      return [value, close < 0 ? text.length : close + 1];
    }
    const close = text.indexOf(')', i);
    return [text.slice(i, close < 0 ? text.length : close), close < 0 ? text.length : close + 1];
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"' || c === "'") {
      i = readString(i)[1];
    } else if (c === '@' && text.slice(i + 1, i + 7).toLowerCase() === 'import' && !isNameChar(text[i + 7])) {
      let j = i + 7;
      while (isSpace(text[j])) j++;
      if (text[j] === '"' || text[j] === "'") {
        const [value, end] = readString(j);
        add(value, 'css-import');
        i = end;
      } else if (text.slice(j, j + 4).toLowerCase() === 'url(') {
        const [value, end] = readUrl(j + 4);
        add(value, 'css-import');
        i = end;
      } else i = j;
    } else if ((c === 'u' || c === 'U') && text.slice(i, i + 4).toLowerCase() === 'url(' && !isNameChar(text[i - 1])) {
      const [value, end] = readUrl(i + 4);
      add(value, 'url');
      i = end;
    } else if (isModule && c === 'c' && text.startsWith('composes', i) && !isNameChar(text[i - 1]) && !isNameChar(text[i + 8])) {
      // `composes: a b from "./other.module.css";`: the file after `from`, up to the declaration's end.
      const end = text.slice(i).search(/[;}]/);
      const declaration = text.slice(i, end < 0 ? text.length : i + end);
      const from = /\bfrom\s+(["'])([^"'\n]+)\1/.exec(declaration);
      if (from) add(from[2]!, 'css-import');
      i += declaration.length;
    } else i++;
  }
  return imports;
}
