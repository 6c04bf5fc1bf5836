/**
 * The Nx judge: `nx show projects --affected --base B --head H --type app --json`, run in the
 * repository with its own Nx, without the daemon or Nx Cloud. Nx has listed e2e projects
 * under `--type app` in some versions; the e2e projects (`--type e2e`, asked once) are dropped.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Judge, JudgeAnswer } from './conformance-types.js';
import { runTimed, toRunError } from './run-timed.js';

const ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

/** The JSON array Nx prints (it may print notices before it). */
export function parseNxProjectList(stdout: string): string[] | null {
  const start = stdout.indexOf('[');
  if (start < 0) return null;
  try {
    const value: unknown = JSON.parse(stdout.slice(start, stdout.lastIndexOf(']') + 1));
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
  } catch {
    return null;
  }
}

/** The repository's own `nx` binary (node_modules/.bin), else `npx --no-install nx`: no npx start-up in the timings when it can be avoided. */
function resolveNx(dir: string): { file: string; prefix: string[] } {
  const local = join(dir, 'node_modules', '.bin', 'nx');
  return existsSync(local) ? { file: local, prefix: [] } : { file: 'npx', prefix: ['--no-install', 'nx'] };
}

/** Creates the Nx judge for the repository at `dir`; reads its e2e projects once. */
export async function createNxJudge(dir: string): Promise<Judge> {
  const nx = resolveNx(dir);
  const version = (() => {
    try {
      return (JSON.parse(readFileSync(join(dir, 'node_modules', 'nx', 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  })();
  const e2eRun = await runTimed(nx.file, [...nx.prefix, 'show', 'projects', '--type', 'e2e', '--json'], { cwd: dir, env: ENV });
  const e2e = new Set(e2eRun.exitCode === 0 ? (parseNxProjectList(e2eRun.stdout) ?? []) : []);
  return {
    name: 'nx',
    version,
    command: 'nx show projects --affected --base=C~1 --head=C --type=app --json (NX_DAEMON=false NX_NO_CLOUD=true), less --type e2e',
    clearCache() {
      // The project graph and file hashes Nx keeps between runs when the daemon is off.
      rmSync(join(dir, '.nx', 'workspace-data'), { recursive: true, force: true });
    },
    async readAffected(base, head): Promise<JudgeAnswer> {
      const run = await runTimed(nx.file, [...nx.prefix, 'show', 'projects', '--affected', `--base=${base}`, `--head=${head}`, '--type=app', '--json'], { cwd: dir, env: ENV });
      if (run.exitCode !== 0) return { kind: 'apps', projects: [], ms: run.ms, error: toRunError(run) };
      const names = parseNxProjectList(run.stdout);
      if (!names) return { kind: 'apps', projects: [], ms: run.ms, error: toRunError(run, `stdout is not a JSON list of names: ${run.stdout.slice(0, 120)}`) };
      return { kind: 'apps', projects: names.filter((n) => !e2e.has(n)).map((name) => ({ name })), ms: run.ms, error: null };
    },
  };
}
