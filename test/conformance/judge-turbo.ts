/**
 * The Turborepo judge: `turbo ls --affected --output=json` with TURBO_SCM_BASE and
 * TURBO_SCM_HEAD naming the range (turbo 2.x reads the range from these variables; `ls` has
 * no --base/--head flags). It lists affected packages, not apps: the harness keeps those
 * Tessera classifies as applications.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Judge, JudgeAnswer, JudgeProject } from './conformance-types.js';
import { runTimed, toRunError } from './run-timed.js';

/** The packages of `turbo ls --output=json`: `{ packages: { items: [{ name, path }] } }`. */
export function parseTurboPackages(stdout: string): JudgeProject[] | null {
  const start = stdout.indexOf('{');
  if (start < 0) return null;
  try {
    const doc = JSON.parse(stdout.slice(start)) as { packages?: { items?: { name?: unknown; path?: unknown }[] } };
    const items = doc.packages?.items;
    if (!Array.isArray(items)) return null;
    return items.filter((i) => typeof i.name === 'string').map((i) => ({ name: i.name as string, ...(typeof i.path === 'string' ? { root: i.path } : {}) }));
  } catch {
    return null;
  }
}

/** Creates the Turborepo judge for the repository at `dir`. */
export async function createTurboJudge(dir: string): Promise<Judge> {
  const local = join(dir, 'node_modules', '.bin', 'turbo');
  const turbo = existsSync(local) ? { file: local, prefix: [] as string[] } : { file: 'npx', prefix: ['--no-install', 'turbo'] };
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(dir, 'node_modules', 'turbo', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // not installed locally: npx reports the failure on the first range
  }
  return {
    name: 'turbo',
    version,
    command: 'turbo ls --affected --output=json (TURBO_SCM_BASE=C~1 TURBO_SCM_HEAD=C), packages Tessera calls apps',
    clearCache() {
      // `turbo ls` keeps no cache of its package graph: nothing to remove.
    },
    async readAffected(base, head): Promise<JudgeAnswer> {
      const env = { TURBO_SCM_BASE: base, TURBO_SCM_HEAD: head, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', DO_NOT_TRACK: '1' };
      const run = await runTimed(turbo.file, [...turbo.prefix, 'ls', '--affected', '--output=json'], { cwd: dir, env });
      if (run.exitCode !== 0) return { kind: 'packages', projects: [], ms: run.ms, error: toRunError(run) };
      const projects = parseTurboPackages(run.stdout);
      if (!projects) return { kind: 'packages', projects: [], ms: run.ms, error: toRunError(run, `stdout is not turbo's package list: ${run.stdout.slice(0, 120)}`) };
      return { kind: 'packages', projects, ms: run.ms, error: null };
    },
  };
}
