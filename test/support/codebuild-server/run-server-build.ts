/**
 * One build of the CodeBuild test server, from SUBMITTED to COMPLETED: a real checkout
 * and the real buildspec runner, or a simulation that only moves through the phases.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseBuildspec } from '../../../tools/src/buildspec/parse-buildspec.js';
import { formatContainerTime, runBuildspec } from '../../../tools/src/buildspec/run-buildspec.js';
import type { PhaseStatus, PhaseType } from '../../../tools/src/records/run-record.js';

const exec = promisify(execFile);

/** A build phase as CodeBuild's API returns it (times in epoch seconds). */
export interface WireBuildPhase {
  phaseType: PhaseType;
  phaseStatus?: PhaseStatus;
  startTime: number;
  endTime?: number;
  durationInSeconds?: number;
  contexts?: { statusCode: string; message: string }[];
}

/** A build as CodeBuild's API returns it; the server serialises this object as is. */
export interface WireBuild {
  id: string;
  arn: string;
  buildNumber: number;
  startTime: number;
  endTime?: number;
  currentPhase: PhaseType;
  buildStatus: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'TIMED_OUT' | 'STOPPED';
  sourceVersion: string;
  resolvedSourceVersion?: string;
  projectName: string;
  phases: WireBuildPhase[];
  environment: { type: string; image: string; computeType: string; environmentVariables: { name: string; value: string; type: string }[] };
  logs: { groupName: string; streamName: string; deepLink: string };
  timeoutInMinutes: number;
  queuedTimeoutInMinutes: number;
  buildComplete: boolean;
  initiator: string;
  exportedEnvironmentVariables: { name: string; value: string }[];
}

/** What a build needs from the server around it. */
export interface BuildContext {
  build: WireBuild;
  /** The project's source: a local git repository. */
  sourceDir: string;
  /** Path of the buildspec inside the checkout, when there is no override. */
  buildspecPath: string;
  buildspecOverride?: string;
  nodeModulesDir?: string;
  /** Where checkouts go. */
  workDir: string;
  provisioningDelayMs: number;
  timeScale: number;
  /** Decided up front from the seeded random source: this build ends FAULT. */
  fault: boolean;
  signal: AbortSignal;
  /**
   * Settles when the build leaves QUEUED: true with a build slot (the account's concurrent
   * builds), false when its queued timeout passed or it was stopped while waiting.
   */
  admission: Promise<boolean>;
  log(text: string): void;
  /** Serialises git worktree operations on one repository (git locks its admin files). */
  gitLock<T>(work: () => Promise<T>): Promise<T>;
}

class Stopped extends Error {}

/** Sleeps, or throws Stopped as soon as the build is stopped. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Stopped());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Stopped());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs one build to completion, updating `ctx.build` in place as CodeBuild would (the
 * server answers BatchGetBuilds from that object). Never throws: every failure becomes a
 * phase status and a build status.
 */
export async function runServerBuild(ctx: BuildContext): Promise<void> {
  const { build, signal } = ctx;
  const now = () => Date.now() / 1000;
  const system = (text: string) => ctx.log(`[Container] ${formatContainerTime(new Date())} ${text}`);
  const begin = (type: PhaseType) => {
    build.phases.push({ phaseType: type, startTime: now() });
    build.currentPhase = type;
  };
  const finish = (type: PhaseType, status: PhaseStatus, message?: string) => {
    const phase = build.phases.findLast((p) => p.phaseType === type && p.phaseStatus === undefined);
    if (!phase) return;
    phase.endTime = now();
    phase.phaseStatus = status;
    phase.durationInSeconds = Math.round(phase.endTime - phase.startTime);
    const [statusCode, text] = message ? splitContext(message) : ['', ''];
    phase.contexts = [{ statusCode, message: text }];
  };
  const step = async (type: PhaseType, work: () => Promise<void>) => {
    begin(type);
    await work();
    finish(type, 'SUCCEEDED');
  };
  const env = Object.fromEntries(build.environment.environmentVariables.map((v) => [v.name, v.value]));
  const simulate = env.TESSERA_SIMULATE_SECONDS !== undefined ? Number(env.TESSERA_SIMULATE_SECONDS) : null;
  const scaled = (seconds: number) => seconds * 1000 * ctx.timeScale;
  const checkout = join(ctx.workDir, build.logs.streamName);
  let checkedOut = false;
  let status: WireBuild['buildStatus'] = 'SUCCEEDED';

  try {
    await step('SUBMITTED', async () => {});
    begin('QUEUED');
    if (!(await ctx.admission)) {
      if (signal.aborted) throw new Stopped();
      finish('QUEUED', 'TIMED_OUT', `BUILD_TIMED_OUT: Build has timed out in the queue after ${build.queuedTimeoutInMinutes} minutes`);
      status = 'TIMED_OUT';
      return;
    }
    finish('QUEUED', 'SUCCEEDED');
    begin('PROVISIONING');
    system('Waiting for agent ping');
    await pause(ctx.provisioningDelayMs, signal);
    if (ctx.fault) {
      finish('PROVISIONING', 'FAULT', 'BUILD_CONTAINER_UNABLE_TO_PULL_IMAGE: Unable to pull customer\'s container image (simulated fault)');
      status = 'FAULT';
      return;
    }
    finish('PROVISIONING', 'SUCCEEDED');

    if (simulate !== null) {
      status = await simulateBuild(ctx, simulate, { begin, finish, system, scaled });
      return;
    }

    begin('DOWNLOAD_SOURCE');
    let buildspecText: string;
    try {
      const resolved = (await exec('git', ['-C', ctx.sourceDir, 'rev-parse', '--verify', `${build.sourceVersion}^{commit}`])).stdout.trim();
      build.resolvedSourceVersion = resolved;
      await ctx.gitLock(() => exec('git', ['-C', ctx.sourceDir, 'worktree', 'add', '--detach', checkout, resolved]));
      checkedOut = true;
      if (ctx.nodeModulesDir && !existsSync(join(checkout, 'node_modules'))) symlinkSync(ctx.nodeModulesDir, join(checkout, 'node_modules'), 'dir');
      system(`CODEBUILD_SRC_DIR=${checkout}`);
      buildspecText = readBuildspecText(ctx, checkout);
    } catch (error) {
      if (error instanceof Stopped) throw error;
      const reason = error instanceof BuildspecError ? error.message : `CLIENT_ERROR: reference not found for primary source and source version ${build.sourceVersion}`;
      system(`Phase context status code: ${reason.replace(': ', ' Message: ')}`);
      finish('DOWNLOAD_SOURCE', 'FAILED', reason);
      status = 'FAILED';
      return;
    }
    const parsed = parseBuildspec(buildspecText, ctx.buildspecOverride ? 'buildspecOverride' : ctx.buildspecPath);
    for (const warning of parsed.warnings) system(`Warning: ${warning.text}${warning.location?.line ? ` (line ${warning.location.line})` : ''}`);
    if (!parsed.buildspec) {
      const reason = `YAML_FILE_ERROR: ${parsed.errors.map((e) => `${e.text}${e.location?.line ? ` at line ${e.location.line}` : ''}`).join('; ')}`;
      system(`Phase context status code: ${reason.replace(': ', ' Message: ')}`);
      finish('DOWNLOAD_SOURCE', 'FAILED', reason);
      status = 'FAILED';
      return;
    }
    finish('DOWNLOAD_SOURCE', 'SUCCEEDED');

    const result = await runBuildspec({
      buildspec: parsed.buildspec,
      cwd: checkout,
      env: {
        ...env,
        CODEBUILD_BUILD_ID: build.id,
        CODEBUILD_BUILD_ARN: build.arn,
        CODEBUILD_BUILD_NUMBER: String(build.buildNumber),
        CODEBUILD_SOURCE_VERSION: build.sourceVersion,
        CODEBUILD_RESOLVED_SOURCE_VERSION: build.resolvedSourceVersion ?? '',
        CODEBUILD_INITIATOR: build.initiator,
        CODEBUILD_BUILD_IMAGE: build.environment.image,
        CODEBUILD_START_TIME: String(Math.round(build.startTime * 1000)),
        CODEBUILD_LOG_PATH: build.logs.streamName,
        CODEBUILD_CI: 'true',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
      },
      timeoutMs: build.timeoutInMinutes * 60_000,
      signal,
      onPhase: (type, phaseStatus, _time, message) => (phaseStatus === 'IN_PROGRESS' ? begin(type) : finish(type, phaseStatus, message)),
      onLog: (line) => ctx.log(line.text),
    });
    status = result.status;
    build.exportedEnvironmentVariables = Object.entries(result.exportedVariables).map(([name, value]) => ({ name, value }));
    if (status === 'SUCCEEDED' || status === 'FAILED') {
      await step('UPLOAD_ARTIFACTS', async () => {
        if (parsed.buildspec?.artifacts) system(`Expanding ${result.artifacts.length} artifact file(s); this server keeps them in place`);
      });
    }
  } catch (error) {
    // Stopped outside the buildspec runner (provisioning, checkout): the current phase says so.
    if (!(error instanceof Stopped)) {
      system(`Internal error: ${(error as Error).message}`);
      finish(build.currentPhase, 'FAULT', `INTERNAL_ERROR: ${(error as Error).message}`);
      status = 'FAULT';
    } else {
      finish(build.currentPhase, 'STOPPED', 'BUILD_STOPPED: Build was stopped');
      status = 'STOPPED';
    }
  } finally {
    begin('FINALIZING');
    if (checkedOut) await ctx.gitLock(() => exec('git', ['-C', ctx.sourceDir, 'worktree', 'remove', '--force', checkout]).catch(() => undefined));
    rmSync(checkout, { recursive: true, force: true });
    if (simulate !== null && status !== 'STOPPED') await pause(scaled(1), new AbortController().signal);
    finish('FINALIZING', 'SUCCEEDED');
    begin('COMPLETED');
    system(`Build ${status}`);
    build.buildStatus = status;
    build.endTime = now();
    build.buildComplete = true;
  }
}

class BuildspecError extends Error {}

/** The buildspec text: the override (inline YAML, or a path in the checkout like CodeBuild allows), else the project's file. */
function readBuildspecText(ctx: BuildContext, checkout: string): string {
  const override = ctx.buildspecOverride;
  const path = override && !/[\n:]/.test(override) ? override.trim() : override ? null : ctx.buildspecPath;
  if (path === null) return override!;
  const file = join(checkout, path);
  if (!existsSync(file)) throw new BuildspecError(`YAML_FILE_ERROR: stat ${file}: no such file or directory`);
  return readFileSync(file, 'utf8');
}

/** `CODE: text` → [CODE, text], as CodeBuild's phase contexts keep them. */
function splitContext(message: string): [string, string] {
  const colon = message.indexOf(': ');
  return colon > 0 && /^[A-Z_]+$/.test(message.slice(0, colon)) ? [message.slice(0, colon), message.slice(colon + 2)] : ['', message];
}

interface SimulationHooks {
  begin(type: PhaseType): void;
  finish(type: PhaseType, status: PhaseStatus, message?: string): void;
  system(text: string): void;
  scaled(seconds: number): number;
}

/**
 * Benchmark mode: no checkout, no commands, just the phases with simulated durations
 * (BUILD takes TESSERA_SIMULATE_SECONDS, the others a few seconds, all × timeScale).
 * TESSERA_SIMULATE_STATUS=FAILED fails BUILD; a BUILD longer than the timeout TIMED_OUT.
 */
async function simulateBuild(ctx: BuildContext, seconds: number, hooks: SimulationHooks): Promise<WireBuild['buildStatus']> {
  const { begin, finish, system, scaled } = hooks;
  const failing = ctx.build.environment.environmentVariables.find((v) => v.name === 'TESSERA_SIMULATE_STATUS')?.value === 'FAILED';
  const durations: [PhaseType, number][] = [['DOWNLOAD_SOURCE', 2], ['INSTALL', 3], ['PRE_BUILD', 1], ['BUILD', seconds], ['POST_BUILD', 1], ['UPLOAD_ARTIFACTS', 1]];
  const budget = ctx.build.timeoutInMinutes * 60;
  let elapsed = 0;
  let status: WireBuild['buildStatus'] = 'SUCCEEDED';
  for (const [type, duration] of durations) {
    begin(type);
    system(`Entering phase ${type}`);
    if (elapsed + duration > budget) {
      await pause(scaled(budget - elapsed), ctx.signal);
      finish(type, 'TIMED_OUT', `BUILD_TIMED_OUT: Build has timed out after ${ctx.build.timeoutInMinutes} minutes`);
      return 'TIMED_OUT';
    }
    if (type === 'BUILD') system(`Running command simulated build of ${seconds} s`);
    await pause(scaled(duration), ctx.signal);
    elapsed += duration;
    if (type === 'BUILD' && failing) {
      finish(type, 'FAILED', 'COMMAND_EXECUTION_ERROR: Error while executing command: simulated build. Reason: exit status 1');
      status = 'FAILED';
      continue;
    }
    finish(type, 'SUCCEEDED');
    system(`Phase complete: ${type} State: SUCCEEDED`);
  }
  return status;
}
