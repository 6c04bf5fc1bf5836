import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { isObject, parseJsonc } from '../workspace/parse-json.js';

/** The root tsconfig files, in the order Nx workspaces use them. */
export const ROOT_TSCONFIGS = ['tsconfig.base.json', 'tsconfig.json'];

/** Path aliases from the root tsconfig: pattern → workspace-relative targets (baseUrl applied). */
export function computeAliases(json: unknown): Record<string, string[]> {
  const options = isObject(json) && isObject(json.compilerOptions) ? json.compilerOptions : {};
  const baseUrl = typeof options.baseUrl === 'string' ? options.baseUrl : '.';
  const paths = isObject(options.paths) ? options.paths : {};
  const aliases: Record<string, string[]> = {};
  for (const [key, targets] of Object.entries(paths)) {
    if (Array.isArray(targets)) aliases[key] = targets.filter((t): t is string => typeof t === 'string').map((t) => posix.normalize(posix.join(baseUrl, t)));
  }
  return aliases;
}

/** Reads the path aliases of the workspace at `root` (empty when there is no root tsconfig). */
export function readAliases(root: string): Record<string, string[]> {
  for (const name of ROOT_TSCONFIGS) {
    const path = join(root, name);
    if (existsSync(path)) {
      const parsed = parseJsonc(readFileSync(path, 'utf8'), name);
      return parsed.ok ? computeAliases(parsed.value) : {};
    }
  }
  return {};
}
