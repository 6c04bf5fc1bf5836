import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Buildspec } from '../buildspec/parse-buildspec.js';
import { runBuildspec } from '../buildspec/run-buildspec.js';
import { isProcessAlive } from '../buildspec/process-group.js';
import { pickInheritedEnv } from '../buildspec/build-environment.js';
import { runGit } from '../git/run-git.js';
import type { PhaseType } from '../records/run-record.js';
import { computeAppSegmentName } from '../workspace/project.js';
import type { Executor, JobOutcome } from './executor.js';

export interface LocalExecutorOptions {
  /** The workspace (a git checkout). */
  root: string;
  /** Tessera's directory inside the workspace, e.g. `.tessera`. */
  cacheDir: string;
  buildspec: Buildspec;
  /** Build in the working tree itself instead of a clean worktree at the job's commit (`--uncommitted`). */
  inPlace?: boolean;
  /**
   * Variables of this process the user passes to builds by name (`build.env.pass`), with their
   * values. A build starts from these and PATH, HOME, the locale, TMPDIR and CI: nothing else
   * of this process's environment. @default {}
   */
  passEnv?: Readonly<Record<string, string>>;
  /**
   * The Tessera that runs the builds (its bin script): builds find it as `tessera` on their
   * PATH, as a workspace that installs Tessera finds it in node_modules/.bin. @default none
   */
  tesseraBin?: string;
}

/**
 * Writes `<cacheDir>/bin/tessera`, which runs `bin` with this Node: the directory builds get
 * first on their PATH. Returns the directory.
 */
function writeTesseraShim(root: string, cacheDir: string, bin: string): string {
  const dir = join(root, cacheDir, 'bin');
  mkdirSync(dir, { recursive: true });
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(join(dir, 'tessera'), `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(bin)} "$@"\n`, { mode: 0o755 });
  return dir;
}

const WORKTREES = 'worktrees';

/**
 * Removes job worktrees left behind by a Tessera process that died (its pid file names a
 * process that no longer runs), then lets git forget them.
 */
export async function cleanStaleWorktrees(root: string, cacheDir: string): Promise<string[]> {
  const parent = join(root, cacheDir, WORKTREES);
  if (!existsSync(parent)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.endsWith('.pid')) continue;
    const pid = Number(readFileSync(join(parent, name), 'utf8'));
    if (isProcessAlive(pid)) continue;
    const dir = join(parent, name.slice(0, -4));
    await runGit(root, ['worktree', 'remove', '--force', '--', dir], { okExitCodes: [0, 128] });
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(parent, name), { force: true });
    removed.push(dir);
  }
  await runGit(root, ['worktree', 'prune'], { okExitCodes: [0, 128] });
  return removed;
}

/**
 * The embedded executor: each job in its own clean git worktree at exactly the commit it
 * builds (dependencies shared through a node_modules link), running the buildspec with
 * CodeBuild's phases and semantics, the worktree removed afterwards.
 */
export function createLocalExecutor(options: LocalExecutorOptions): Executor {
  const { root, cacheDir, buildspec } = options;
  // Read once: what every job starts from, below the buildspec's variables and the job's own.
  const baseEnv: Record<string, string> = { ...pickInheritedEnv(process.env), ...options.passEnv };
  if (options.tesseraBin) baseEnv.PATH = `${writeTesseraShim(root, cacheDir, options.tesseraBin)}${baseEnv.PATH ? `:${baseEnv.PATH}` : ''}`;
  return {
    name: 'local',
    defaultConcurrency: Math.max(1, availableParallelism()),
    async run(job, events, signal): Promise<JobOutcome> {
      const buildId = `local:${job.runId}:${job.app}`;
      events.started(buildId);
      const at = () => new Date();
      const step = async (type: PhaseType, work: () => Promise<void> | void) => {
        events.phase(type, 'IN_PROGRESS', at());
        await work();
        events.phase(type, 'SUCCEEDED', at());
      };
      const parent = join(root, cacheDir, WORKTREES);
      const dir = options.inPlace ? root : join(parent, `${job.runId}-${computeAppSegmentName(job.app)}`);
      let created = false;
      try {
        await step('PROVISIONING', () => {
          if (options.inPlace) return;
          mkdirSync(parent, { recursive: true });
          writeFileSync(`${dir}.pid`, String(process.pid));
        });
        await step('DOWNLOAD_SOURCE', async () => {
          if (options.inPlace) return;
          await runGit(root, ['worktree', 'add', '--force', '--detach', '--', dir, job.sourceVersion]);
          created = true;
          if (existsSync(join(root, 'node_modules')) && !existsSync(join(dir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
        });
      } catch (error) {
        events.phase('DOWNLOAD_SOURCE', 'FAULT', at(), (error as Error).message);
        await removeJobDir(root, dir, created, options.inPlace);
        return { status: 'FAULT', buildId, error: `could not prepare the source: ${(error as Error).message}` };
      }
      try {
        const result = await runBuildspec({ buildspec, cwd: dir, env: job.env, baseEnv, timeoutMs: job.timeoutMs, signal, onPhase: events.phase, onLog: events.log });
        const base = result.artifactsBase;
        if (result.status === 'SUCCEEDED' && base !== null) {
          await step('UPLOAD_ARTIFACTS', () => {
            const target = join(root, cacheDir, 'artifacts', job.runId, job.app);
            for (const file of result.artifacts) {
              mkdirSync(dirname(join(target, file)), { recursive: true });
              cpSync(join(base, file), join(target, file));
            }
          });
        }
        await step('FINALIZING', () => removeJobDir(root, dir, created, options.inPlace));
        events.phase('COMPLETED', 'IN_PROGRESS', at());
        events.phase('COMPLETED', 'SUCCEEDED', at());
        return { status: result.status, buildId, ...(result.status === 'SUCCEEDED' ? {} : { error: `build ${result.status.toLowerCase().replace('_', ' ')}` }) };
      } finally {
        await removeJobDir(root, dir, created, options.inPlace);
      }
    },
    async close() {},
  };
}

async function removeJobDir(root: string, dir: string, created: boolean, inPlace?: boolean) {
  if (inPlace) return;
  if (created && existsSync(dir)) await runGit(root, ['worktree', 'remove', '--force', '--', dir], { okExitCodes: [0, 128] });
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}.pid`, { force: true });
}
