import { createRequire } from 'node:module';

/**
 * The YAML that pnpm and yarn berry write: block mappings indented by spaces, plain or
 * quoted scalars, one-line flow collections (`{integrity: sha512-…}`, `[x64]`) and block
 * sequences of scalars. A hand-written line reader for exactly that subset, because it was
 * measured to be needed: on a generated 2.8 MB pnpm v9 lockfile the `yaml` package took
 * 5.3 s to parse, over three times the 1.5 s cold budget, and this reader 0.28 s, with the
 * same document (test/bench/lockfile.bench.ts, one round on a shared 2-core machine; the
 * bench re-measures it and checks the documents match). Anything outside the subset (anchors,
 * block scalars, multi-line values, tabs) throws UnsupportedYaml and the caller falls back
 * to the `yaml` package, so an unusual lockfile is slower, never misread.
 */
export class UnsupportedYaml extends Error {}

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
type Container = Value[] | { [key: string]: Value };

const unsupported = (line: number, why: string): never => {
  throw new UnsupportedYaml(`line ${line + 1}: ${why}`);
};

/** A plain scalar as YAML's core schema reads it. */
function plain(text: string): Value {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null' || text === '~' || text === '') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/** Reads one quoted scalar starting at `text[i]`; returns it and the index after the closing quote. */
function quoted(text: string, i: number, line: number): [string, number] {
  const q = text[i];
  if (q === "'") {
    let out = '';
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] !== "'") out += text[j];
      else if (text[j + 1] === "'") (out += "'", j++);
      else return [out, j + 1];
    }
    return unsupported(line, 'unterminated quoted scalar');
  }
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return [JSON.parse(text.slice(i, j + 1)) as string, j + 1];
  }
  return unsupported(line, 'unterminated quoted scalar');
}

/** A one-line flow collection or scalar starting at `text[i]`; returns it and the index after it. */
function flow(text: string, i: number, line: number): [Value, number] {
  while (text[i] === ' ') i++;
  const c = text[i];
  if (c === '{' || c === '[') {
    const isMap = c === '{';
    const out: Container = isMap ? {} : [];
    i++;
    for (;;) {
      while (text[i] === ' ') i++;
      if (text[i] === (isMap ? '}' : ']')) return [out, i + 1];
      if (i >= text.length) unsupported(line, 'flow collection across lines');
      if (isMap) {
        let key: string;
        if (text[i] === "'" || text[i] === '"') [key, i] = quoted(text, i, line);
        else {
          const end = text.indexOf(':', i);
          if (end < 0) unsupported(line, 'flow key without a value');
          key = text.slice(i, end).trim();
          i = end;
        }
        if (text[i] !== ':') unsupported(line, 'flow key without a value');
        let value: Value;
        [value, i] = flow(text, i + 1, line);
        (out as Record<string, Value>)[key] = value;
      } else {
        let value: Value;
        [value, i] = flow(text, i, line);
        (out as Value[]).push(value);
      }
      while (text[i] === ' ') i++;
      if (text[i] === ',') i++;
      else if (text[i] !== (isMap ? '}' : ']')) unsupported(line, 'unexpected character in flow collection');
    }
  }
  if (c === "'" || c === '"') return quoted(text, i, line);
  let end = i;
  while (end < text.length && text[end] !== ',' && text[end] !== '}' && text[end] !== ']') end++;
  return [plain(text.slice(i, end).trim()), end];
}

/** A block value after `key:` (or `- `): a scalar, or a one-line flow collection. */
function inline(text: string, line: number): Value {
  const c = text[0];
  if (c === '|' || c === '>' || c === '&' || c === '*' || c === '!' || c === '?' || c === '%' || c === '@' || c === '`') unsupported(line, `"${c}" is outside the lockfile subset`);
  if (c === '{' || c === '[' || c === "'" || c === '"') {
    const [value, end] = flow(text, 0, line);
    const rest = text.slice(end).trim();
    if (rest && !rest.startsWith('#')) unsupported(line, 'text after a value');
    return value;
  }
  const comment = text.indexOf(' #');
  return plain((comment < 0 ? text : text.slice(0, comment)).trim());
}

/** Parses the lockfile subset of YAML into plain objects, as `yaml`'s `parse` would. Throws UnsupportedYaml outside it. */
export function readYamlSubset(text: string): Record<string, Value> {
  const root: Record<string, Value> = {};
  const stack: { indent: number; node: Container }[] = [{ indent: 0, node: root }];
  let pending: { parent: Record<string, Value>; key: string; indent: number } | null = null;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    let raw = lines[n]!;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (indent === raw.length || raw[indent] === '#') continue;
    if (raw[indent] === '\t') unsupported(n, 'tab indentation');
    const content = raw.slice(indent);
    if (indent === 0 && (content === '---' || content === '...')) continue;
    const isItem = content === '-' || content.startsWith('- ');
    if (pending) {
      if (indent > pending.indent || (indent === pending.indent && isItem)) {
        const node: Container = isItem ? [] : {};
        pending.parent[pending.key] = node;
        stack.push({ indent, node });
      } else pending.parent[pending.key] = null;
      pending = null;
    }
    while (stack.length > 1 && stack.at(-1)!.indent > indent) stack.pop();
    const top = stack.at(-1)!;
    if (top.indent !== indent) unsupported(n, 'unexpected indentation');
    if (isItem) {
      if (!Array.isArray(top.node)) unsupported(n, 'a sequence item inside a mapping');
      const item = content.slice(1).trim();
      if (/^[^'"{[]*:( |$)/.test(item)) unsupported(n, 'a mapping inside a sequence');
      (top.node as Value[]).push(inline(item, n));
      continue;
    }
    if (Array.isArray(top.node)) unsupported(n, 'a mapping key inside a sequence');
    let key: string;
    let rest: string;
    if (content[0] === "'" || content[0] === '"') {
      let end: number;
      [key, end] = quoted(content, 0, n);
      if (content[end] !== ':') unsupported(n, 'a quoted key without ":"');
      rest = content.slice(end + 1).trim();
    } else {
      let colon = content.indexOf(': ');
      if (colon < 0) colon = content.endsWith(':') ? content.length - 1 : unsupported(n, 'a line that is not "key: value"');
      key = content.slice(0, colon);
      rest = content.slice(colon + 1).trim();
    }
    if (rest === '' || rest.startsWith('#')) pending = { parent: top.node as Record<string, Value>, key, indent };
    else (top.node as Record<string, Value>)[key] = inline(rest, n);
  }
  if (pending) pending.parent[pending.key] = null;
  return root;
}

/** The `yaml` package's parse, loaded on first use (only unusual lockfiles need it). */
export function parseWithYamlPackage(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
}

/** A pnpm or yarn berry lockfile's document: the fast subset reader, else the `yaml` package. */
export function parseLockYaml(text: string): Record<string, unknown> {
  try {
    return readYamlSubset(text);
  } catch (error) {
    if (!(error instanceof UnsupportedYaml)) throw error;
    const doc = parseWithYamlPackage(text);
    return doc && typeof doc === 'object' ? (doc as Record<string, unknown>) : {};
  }
}
