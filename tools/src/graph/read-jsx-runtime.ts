import { getTsconfig } from 'get-tsconfig';
import { join, posix } from 'node:path';

/** A JSX element or fragment closes with `</` or `/>`: a type annotation never does. */
const JSX_CLOSE = /<\/|\/>/;
const PRAGMA = /@jsxImportSource\s+([^\s*]+)/;

/**
 * The JSX runtime module esbuild injects into a `.jsx`/`.tsx` file that uses JSX (the
 * analysis builds with `jsx: 'automatic'`): `<source>/jsx-runtime`, where the source is the
 * file's `@jsxImportSource` pragma, else its tsconfig's `jsxImportSource` (the nearest
 * tsconfig.json with its `extends`, packages included, read by get-tsconfig), else `react`.
 * Returns null for a file without JSX. Memoised per directory.
 */
export function createJsxRuntimeReader(root: string): (path: string, text: string) => string | null {
  const cache = new Map<string, unknown>();
  const byDir = new Map<string, string>();
  const sourceOf = (dir: string): string => {
    let source = byDir.get(dir);
    if (source === undefined) {
      let found: string | undefined;
      try {
        const value = getTsconfig(join(root, dir), 'tsconfig.json', cache as never)?.config.compilerOptions?.jsxImportSource;
        found = typeof value === 'string' ? value : undefined;
      } catch {
        // An unreadable tsconfig fails the file's build elsewhere; the runtime stays the default.
      }
      byDir.set(dir, (source = found ?? 'react'));
    }
    return source;
  };
  return (path, text) => {
    if (!/\.[jt]sx$/.test(path) || !JSX_CLOSE.test(text)) return null;
    const pragma = text.includes('@jsxImportSource') ? PRAGMA.exec(text)?.[1] : undefined;
    return `${pragma ?? sourceOf(posix.dirname(path))}/jsx-runtime`;
  };
}
