import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';

/**
 * `$NAME` and `${NAME}` replaced from `env` (unset names become empty), as the shell would
 * expand `artifacts.base-directory` and `artifacts.files` in CodeBuild.
 */
export function expandVariables(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced?: string, bare?: string) => env[(braced ?? bare)!] ?? '');
}

/**
 * The files under `baseDir` matched by any of `globs` (CodeBuild's `artifacts.files`;
 * `**` crosses directories, dotfiles included), as sorted POSIX paths relative to
 * `baseDir`. Symbolic links to directories are not followed: a workspace's linked
 * node_modules is not an artifact, and following links could loop.
 */
export function collectArtifacts(baseDir: string, globs: readonly string[]): string[] {
  if (globs.length === 0 || !existsSync(baseDir) || !statSync(baseDir).isDirectory()) return [];
  const isMatch = picomatch(globs.map((g) => g.replace(/^\.\//, '')), { dot: true });
  const found: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix + entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), `${rel}/`);
      else if (entry.isFile() || (entry.isSymbolicLink() && isFileLink(join(dir, entry.name)))) {
        if (isMatch(rel)) found.push(rel);
      }
    }
  };
  walk(baseDir, '');
  return found.sort();
}

function isFileLink(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // dangling
  }
}
