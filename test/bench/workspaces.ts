/**
 * The benchmark workspaces: generated once under the temp directory and reused while the
 * generator version and the size's options match (a marker file records both).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GeneratedWorkspace, GENERATOR_VERSION, generateWorkspace, type WorkspaceOptions } from '../support/generate-workspace.js';

export type SizeName = 'small' | 'medium' | 'large' | 'small-barrel' | 'medium-barrel' | 'large-barrel';

/**
 * Two shapes at three sizes: `tree` (the default: barrels of three modules, deep imports, modules
 * in a binary tree) and `barrel` (every lib an `export *` barrel of all its modules, imported only
 * through it; see WorkspaceOptions.shape).
 */
export const SIZES: Record<SizeName, WorkspaceOptions> = {
  small: { apps: 10, libs: 50, filesPerLib: 20, filesPerApp: 20, seed: 1 },
  medium: { apps: 100, libs: 500, filesPerLib: 20, filesPerApp: 20, seed: 2 },
  large: { apps: 1000, libs: 5000, filesPerLib: 20, filesPerApp: 20, seed: 3 },
  'small-barrel': { apps: 10, libs: 50, filesPerLib: 20, filesPerApp: 20, seed: 4, shape: 'barrel' },
  'medium-barrel': { apps: 100, libs: 500, filesPerLib: 20, filesPerApp: 20, seed: 5, shape: 'barrel' },
  'large-barrel': { apps: 1000, libs: 5000, filesPerLib: 20, filesPerApp: 20, seed: 6, shape: 'barrel' },
};

/** What `npm run bench` measures without TESSERA_BENCH_SIZES: large-barrel's cold runs alone take many minutes, so it is asked for by name. */
export const DEFAULT_SIZES: readonly SizeName[] = ['small', 'medium', 'large', 'small-barrel', 'medium-barrel'];

const MARKER = '.bench-workspace.json';

export interface BenchWorkspace extends GeneratedWorkspace {
  size: SizeName;
  /** Seconds spent generating it in this run (0 when reused). */
  generatedInSeconds: number;
}

/** The workspace of `size`, generated unless a matching one is already in place. */
export function ensureWorkspace(size: SizeName, nodeModules: string, log: (line: string) => void = () => {}): BenchWorkspace {
  const dir = join(tmpdir(), `tessera-bench-${size}`);
  const options = { ...SIZES[size], nodeModules };
  const key = JSON.stringify({ version: GENERATOR_VERSION, options });
  const markerPath = join(dir, '.git', MARKER); // inside .git: never a change in the working tree
  if (existsSync(markerPath)) {
    try {
      const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as { key: string; workspace: GeneratedWorkspace };
      if (marker.key === key && existsSync(join(dir, 'node_modules'))) {
        log(`  reusing ${dir}`);
        return { ...marker.workspace, size, generatedInSeconds: 0 };
      }
    } catch {
      // regenerate
    }
  }
  log(`  generating ${size} workspace in ${dir} ...`);
  const started = performance.now();
  const workspace = generateWorkspace(dir, options);
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(markerPath, JSON.stringify({ key, workspace }));
  log(`  generated ${workspace.files} files in ${seconds.toFixed(1)} s`);
  return { ...workspace, size, generatedInSeconds: seconds };
}
