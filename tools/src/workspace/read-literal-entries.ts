/**
 * Entries a bundler config states as literals: Vite's `build.rollupOptions.input` (and
 * `rolldownOptions.input`), webpack's `entry`, rsbuild's `source.entry`. The config is code,
 * so this reads only what is plainly written there: string literals, arrays and objects of
 * them, and the path helpers configs wrap them in (`resolve(__dirname, 'a.html')`,
 * `fileURLToPath(new URL('./a.html', import.meta.url))`). Anything else (a variable, a glob,
 * a function) is `computed`, and the caller falls back to project level rather than guess.
 */

/** What a config says about one option. */
export type LiteralOption = { kind: 'absent' } | { kind: 'literal'; paths: string[] } | { kind: 'computed'; text: string };

/** Blanks out comments (keeping strings and offsets), so that a commented-out option is not read. */
function stripComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The index just past the string literal that starts at `i`. */
function skipString(text: string, i: number): number {
  const quote = text[i]!;
  let j = i + 1;
  while (j < text.length && text[j] !== quote) j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** The text of the value of property `key` (the first one at or after `from`), up to the comma or bracket that ends it. */
function readPropertyValue(text: string, key: string, from = 0): string | null {
  const pattern = new RegExp(`(?:^|[\\s{,])(?:${key}|"${key}"|'${key}')\\s*:`, 'g');
  pattern.lastIndex = from;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    let i = match.index + match[0].length;
    const start = i;
    let depth = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"' || c === "'" || c === '`') {
        i = skipString(text, i);
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      i++;
    }
    return text.slice(start, i).trim();
  }
  return null;
}

/** Path helpers that only join their literal arguments onto the config's folder. */
const HELPERS = /\b(?:path\.)?(?:resolve|join)\s*\(|\bfileURLToPath\s*\(|\bnew\s+URL\s*\(|\b__dirname\b|\bimport\.meta\.(?:url|dirname)\b|\bprocess\.cwd\(\s*\)/g;

/** A value as literal paths, or `computed` when it holds anything but literals and path helpers. */
function readLiteralPaths(value: string): LiteralOption {
  const paths: string[] = [];
  let rest = '';
  for (let i = 0; i < value.length; ) {
    const c = value[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = skipString(value, i);
      const literal = value.slice(i + 1, end - 1);
      if (c === '`' && literal.includes('${')) return { kind: 'computed', text: value };
      // A quoted object key ('main': …) names an entry; it is not a path.
      if (!/^\s*:/.test(value.slice(end))) paths.push(literal);
      rest += ' ';
      i = end;
    } else {
      rest += c;
      i++;
    }
  }
  const leftover = rest.replace(HELPERS, ' ').replace(/[A-Za-z_$][\w$-]*\s*:/g, ' ').replace(/[\s()[\]{},:]/g, '');
  if (leftover !== '' || paths.length === 0 || paths.some((p) => /[*?{}]/.test(p))) return { kind: 'computed', text: value };
  return { kind: 'literal', paths: paths.map((p) => p.replace(/^\.\//, '').replace(/^\//, '')) };
}

/** Vite's `build.rollupOptions.input` (or `rolldownOptions.input`). */
export function readViteInput(configText: string): LiteralOption {
  const text = stripComments(configText);
  for (const parent of ['rollupOptions', 'rolldownOptions']) {
    const options = readPropertyValue(text, parent);
    if (options === null) continue;
    if (!options.startsWith('{')) return { kind: 'computed', text: options };
    const input = readPropertyValue(options.slice(1), 'input');
    return input === null ? { kind: 'absent' } : readLiteralPaths(input);
  }
  return { kind: 'absent' };
}

/** webpack's `entry` or rsbuild's `source.entry` (the first `entry:` of the config). */
export function readBundlerEntry(configText: string): LiteralOption {
  const value = readPropertyValue(stripComments(configText), 'entry');
  if (value === null) return { kind: 'absent' };
  // webpack's object form `{ import: './a.js', dependOn: 'shared' }` names a chunk in dependOn, not a file.
  return readLiteralPaths(value.replace(/\bdependOn\s*:\s*(?:'[^']*'|"[^"]*"|\[[^\]]*\])/g, ''));
}
