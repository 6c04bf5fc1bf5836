import type { FileGraph } from '../graph/file-graph.js';

/** The package a bare specifier names (`@scope/pkg/sub` → `@scope/pkg`); null for relative, absolute, `#` and URL specifiers. */
export function packageNameOfSpecifier(specifier: string): string | null {
  if (/^[./#]/.test(specifier) || /^[a-z][a-z0-9+.-]*:/i.test(specifier) || specifier === '') return null;
  const parts = specifier.split('/');
  return parts[0]!.startsWith('@') ? (parts.length > 1 ? `${parts[0]}/${parts[1]}` : null) : parts[0]!;
}

/**
 * The bare packages each file imports, by file id: what the graph resolved as packages,
 * plus the bare imports that did not resolve (no node_modules) whose name `isLocked`
 * accepts: without node_modules the lockfile still says what they would resolve to.
 */
export function computePackageImports(graph: FileGraph, isLocked: (name: string) => boolean): Map<number, Set<string>> {
  const imports = new Map<number, Set<string>>();
  const add = (id: number, name: string) => {
    let set = imports.get(id);
    if (!set) imports.set(id, (set = new Set()));
    set.add(name);
  };
  for (const [id, names] of Object.entries(graph.packages)) for (const name of names) add(Number(id), name);
  for (const u of graph.unresolved) {
    const name = packageNameOfSpecifier(u.specifier);
    if (name && isLocked(name)) add(u.file, name);
  }
  return imports;
}
