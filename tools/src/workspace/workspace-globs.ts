import { createRequire } from 'node:module';
import picomatch from 'picomatch';
import type { Problem } from '../errors/tessera-error.js';
import { isObject, parseJson } from './parse-json.js';

/** A workspace manager's file, as read from disk. */
export interface ManagerFile {
  file: string;
  text: string;
}

/** Which package folders the workspace managers list, and which manager said so. */
export interface WorkspaceGlobs {
  /** Globs of package folders (`packages/*`, `apps/**`), without their `!` negations. */
  include: string[];
  /** Negated globs (`!**\/test/**` as `**\/test/**`): folders they match are not packages. */
  exclude: string[];
  /** The files the globs came from: `package.json#workspaces`, `pnpm-workspace.yaml`, `lerna.json`. */
  sources: string[];
  problems: Problem[];
}

/** YAML is only needed for pnpm-workspace.yaml: loaded on first use. */
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
}

const clean = (glob: string) => glob.trim().replace(/^\.\//, '').replace(/\/+$/, '');

/**
 * The package folders of a workspace, from every manager that lists them: package.json
 * `workspaces` (npm, yarn classic and berry, bun; an array or `{ packages }`),
 * `pnpm-workspace.yaml` `packages` (with `!` negations), and `lerna.json` `packages`.
 * Turborepo has no list of its own: it uses the package manager's. Pure.
 */
export function computeWorkspaceGlobs(files: { rootPackageJson: ManagerFile | null; pnpmWorkspace: ManagerFile | null; lernaJson: ManagerFile | null }): WorkspaceGlobs {
  const globs: string[] = [];
  const sources: string[] = [];
  const problems: Problem[] = [];
  const take = (value: unknown, source: string, file: string, key: string) => {
    if (value === undefined) return;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      problems.push({ text: `${key} must be a list of folder globs`, location: { file, key } });
      return;
    }
    globs.push(...(value as string[]));
    sources.push(source);
  };
  if (files.rootPackageJson) {
    const parsed = parseJson(files.rootPackageJson.text, files.rootPackageJson.file);
    if (!parsed.ok) problems.push(parsed.problem);
    else if (isObject(parsed.value)) {
      const ws = parsed.value.workspaces;
      take(isObject(ws) ? ws.packages : ws, 'package.json#workspaces', files.rootPackageJson.file, isObject(ws) ? 'workspaces.packages' : 'workspaces');
    }
  }
  if (files.pnpmWorkspace) {
    try {
      const doc = parseYaml(files.pnpmWorkspace.text);
      if (doc !== null && doc !== undefined) take(isObject(doc) ? doc.packages : undefined, 'pnpm-workspace.yaml', files.pnpmWorkspace.file, 'packages');
    } catch (error) {
      problems.push({ text: `cannot be parsed as YAML: ${(error as Error).message.split('\n')[0]}`, location: { file: files.pnpmWorkspace.file } });
    }
  }
  if (files.lernaJson) {
    const parsed = parseJson(files.lernaJson.text, files.lernaJson.file);
    if (parsed.ok && isObject(parsed.value)) take(parsed.value.packages, 'lerna.json', files.lernaJson.file, 'packages');
    else if (!parsed.ok) problems.push(parsed.problem);
  }
  const include = [...new Set(globs.filter((g) => !g.trim().startsWith('!')).map(clean))];
  const exclude = [...new Set(globs.filter((g) => g.trim().startsWith('!')).map((g) => clean(g.trim().slice(1))))];
  return { include, exclude, sources, problems };
}

/** A matcher for package folders: in an included glob and in no negated one. */
export function createPackageMatcher(globs: Pick<WorkspaceGlobs, 'include' | 'exclude'>): (dir: string) => boolean {
  if (!globs.include.length) return () => false;
  const included = picomatch(globs.include, { dot: false });
  const excluded = globs.exclude.length ? picomatch(globs.exclude) : () => false;
  return (dir) => dir !== '' && included(dir) && !excluded(dir);
}
