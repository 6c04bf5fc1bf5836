import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Buildspec } from '../buildspec/parse-buildspec.js';
import { parseBuildspec } from '../buildspec/parse-buildspec.js';
import { readBuildspec } from '../buildspec/read-buildspec.js';
import { renderOwnBuildspec } from '../buildspec/render-own-buildspec.js';
import type { Warning } from '../errors/tessera-error.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { findPackageManager } from '../workspace/find-app-build.js';
import type { PackageManager, Project } from '../workspace/project.js';

/** How every app of a run builds: one buildspec file, or each app's own build through a generated one. */
export interface BuildRecipe {
  kind: 'buildspec' | 'own';
  /**
   * The buildspec runs each app's own build (TESSERA_BUILD_COMMAND, TESSERA_OUTPUT_DIRS): the
   * generated one, or a file that reads them (the one `tessera init` writes for CodeBuild).
   * Then each app's command and output folders are part of its version and its job's environment.
   */
  ownBuild: boolean;
  /** The buildspec file (kind `buildspec`), workspace-relative; null for the generated one. */
  file: string | null;
  buildspec: Buildspec;
  /**
   * The buildspec's text: part of every app's version, and what CodeBuild runs. The generated
   * one publishes with `npx tessera` here, whatever `buildspec` runs, so a version is the
   * same on either executor.
   */
  text: string;
  packageManager: PackageManager;
  warnings: Warning[];
}

export interface ReadBuildRecipeOptions {
  /** `--buildspec`: a file, or false for each app's own build. @default `build.buildspec` of the config, else buildspec.yml when there is one */
  buildspec?: string | false;
}

/** The bin of the Tessera that is running (a checkout of this repository, or the installed package); null when not found. */
export function findOwnBin(): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const bin = join(dir, 'tools', 'bin', 'tessera.js');
    if (existsSync(bin) && existsSync(join(dir, 'package.json'))) return bin;
  }
  return null;
}

/** The workspace's package manager, read from its root (package.json `packageManager`, else the lockfile). */
export function readPackageManager(root: string): PackageManager {
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // No readable package.json: the lockfile decides.
  }
  const present = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'].filter((f) => existsSync(join(root, f)));
  return findPackageManager(json, new Set(present));
}

/**
 * How this run's apps build: `--buildspec` / `build.buildspec` when set (false: each app's own
 * build), else buildspec.yml when the workspace has one, else each app's own build.
 */
export function readBuildRecipe(root: string, config: ResolvedConfig, options: ReadBuildRecipeOptions = {}): BuildRecipe {
  const packageManager = readPackageManager(root);
  const chosen = options.buildspec ?? config.build.buildspec ?? (existsSync(join(root, 'buildspec.yml')) ? 'buildspec.yml' : false);
  if (chosen !== false) {
    const { buildspec, warnings } = readBuildspec(root, chosen);
    const text = readFileSync(join(root, chosen), 'utf8');
    return { kind: 'buildspec', ownBuild: /\bTESSERA_(BUILD_COMMAND|OUTPUT_DIRS)\b/.test(text), file: chosen, buildspec, text, packageManager, warnings };
  }
  // CodeBuild runs the text with the workspace's installed `npx tessera`; this machine runs it
  // with `tessera`, which the local executor puts on the build's PATH as the running Tessera.
  const text = renderOwnBuildspec({ packageManager, tessera: 'npx tessera' });
  const parsed = parseBuildspec(renderOwnBuildspec({ packageManager, tessera: 'tessera' }), 'the generated buildspec');
  if (!parsed.buildspec) throw new Error(`the generated buildspec is invalid: ${parsed.errors.map((e) => e.text).join('; ')}`);
  return { kind: 'own', ownBuild: true, file: null, buildspec: parsed.buildspec, text, packageManager, warnings: [] };
}

/**
 * What one app's job needs for its own build (`ownBuild`): what goes into its version (the
 * command, the outputs) and its job's environment (TESSERA_BUILD_COMMAND, TESSERA_OUTPUT_DIRS);
 * or why it cannot build (TESSERA_APP_BUILD_UNKNOWN) when nothing builds it.
 */
export function computeOwnBuild(app: string, project: Project | undefined): { key: unknown; env: Record<string, string> } | { error: string } {
  if (!project?.build) {
    const where = project ? ` (${project.configFile})` : '';
    return { error: `Nothing builds app "${app}"${where}: it has no Nx build target, no package.json build script, and tessera.config.json sets no apps.${app}.build (TESSERA_APP_BUILD_UNKNOWN)` };
  }
  return { key: { command: project.build.command, outputs: project.build.outputs }, env: { TESSERA_BUILD_COMMAND: project.build.command, TESSERA_OUTPUT_DIRS: project.build.outputs.join(':') } };
}
