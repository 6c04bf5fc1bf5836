/**
 * The benchmark workspaces: generated once under the temp directory and reused while the
 * generator version and the size's options match (a marker file records both).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GeneratedWorkspace, GENERATOR_VERSION, generateWorkspace, type WorkspaceOptions } from '../support/generate-workspace.js';

export type SizeName = 'small' | 'medium' | 'large';

export const SIZES: Record<SizeName, WorkspaceOptions> = {
  small: { apps: 10, libs: 50, filesPerLib: 20, filesPerApp: 20, seed: 1 },
  medium: { apps: 100, libs: 500, filesPerLib: 20, filesPerApp: 20, seed: 2 },
  large: { apps: 1000, libs: 5000, filesPerLib: 20, filesPerApp: 20, seed: 3 },
};

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
