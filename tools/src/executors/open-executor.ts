import type { Buildspec } from '../buildspec/parse-buildspec.js';
import type { ExecutorName } from '../records/run-record.js';
import type { Executor } from './executor.js';

/** What either executor needs; each takes its own part. */
export interface OpenExecutorOptions {
  name: ExecutorName;
  /** The workspace (a git checkout). */
  root: string;
  /** Tessera's directory inside the workspace (config `cacheDir`). */
  cacheDir: string;
  /** The buildspec the local executor runs. */
  buildspec: Buildspec;
  /** CodeBuild: a buildspec's text every build runs instead of the project's (each app's own build). */
  buildspecOverride?: string;
  /** Local: build in the working tree itself (`--uncommitted`). */
  inPlace?: boolean;
  /**
   * Local: variables passed to builds by name (`build.env.pass`), with their values. CodeBuild
   * builds never get them: its overrides are plain text in the build's record; they read
   * secrets from the buildspec's `env.secrets-manager` and `env.parameter-store`.
   */
  passEnv?: Readonly<Record<string, string>>;
  /** Local: the running Tessera's bin, which builds find as `tessera` on their PATH. */
  tesseraBin?: string;
  /** CodeBuild: the project builds start in (config `codebuild.project`), its region and queued timeout. */
  codebuild: { project: string; region?: string; queuedTimeoutMinutes?: number };
}

/**
 * The executor a run asked for, loaded only then: a local build never loads the AWS SDK
 * (about 100 ms of start-up), a CodeBuild run never loads the worktree code. The local
 * executor first removes worktrees that crashed runs left behind.
 */
export async function openExecutor(options: OpenExecutorOptions): Promise<Executor> {
  if (options.name === 'codebuild') {
    const { createCodeBuildExecutor } = await import('./codebuild-executor.js');
    // CodeBuild builds get the job's TESSERA_* variables only: `build.env.pass` would put values
    // into the build's record in plain text; secrets come from the buildspec's env.secrets-manager.
    return createCodeBuildExecutor({ project: options.codebuild.project, region: options.codebuild.region, queuedTimeoutMinutes: options.codebuild.queuedTimeoutMinutes, buildspecOverride: options.buildspecOverride });
  }
  const { cleanStaleWorktrees, createLocalExecutor } = await import('./local-executor.js');
  await cleanStaleWorktrees(options.root, options.cacheDir);
  return createLocalExecutor({ root: options.root, cacheDir: options.cacheDir, buildspec: options.buildspec, inPlace: options.inPlace, passEnv: options.passEnv, tesseraBin: options.tesseraBin });
}
