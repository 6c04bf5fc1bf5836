/**
 * Runs a buildspec's phases with CodeBuild's v0.2 semantics on this machine. Shared by the
 * local executor and the CodeBuild wire-protocol test server, so both behave the same.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUILDSPEC_PHASES, type BuildspecPhaseName, type LogLine, type PhaseStatus, type PhaseType } from '../records/run-record.js';
import { pickInheritedEnv } from './build-environment.js';
import { collectArtifacts, expandVariables } from './collect-artifacts.js';
import type { Buildspec } from './parse-buildspec.js';
import { isGroupAlive, killProcessGroups } from './process-group.js';
import { createLineSplitter } from './split-lines.js';

/** What `runBuildspec` needs. */
export interface RunBuildspecOptions {
  buildspec: Buildspec;
  /** The source directory (CODEBUILD_SRC_DIR); commands start here, artifacts are relative to it. */
  cwd: string;
  /** The build's own variables (CodeBuild's StartBuild overrides): they win over `env.variables`. */
  env: Record<string, string>;
  /**
   * What the session starts from, below `env.variables` (on CodeBuild, the image's
   * environment): never the whole environment of this process, which holds its secrets.
   * @default PATH, HOME, LANG, LC_*, TMPDIR and CI of this process (pickInheritedEnv)
   */
  baseEnv?: Record<string, string>;
  /** Limit for the whole run; when reached every process is killed and the result is TIMED_OUT. */
  timeoutMs: number;
  /** Aborting it kills every process and ends the run as STOPPED. */
  signal: AbortSignal;
  /** A phase started (IN_PROGRESS) or ended (any other status, with a message when it did not succeed). */
  onPhase(type: PhaseType, status: PhaseStatus, time: Date, message?: string): void;
  /** One line of output, or a `system` line in CodeBuild's `[Container]` style. Never called after the promise settles. */
  onLog(line: LogLine): void;
}

/** How a run ended. */
export interface RunBuildspecResult {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'STOPPED';
  /** `env.exported-variables` with their values at the end of the run (unset ones are left out). */
  exportedVariables: Record<string, string>;
  /**
   * Files matched by `artifacts.files`, relative to `artifacts.base-directory` (itself
   * relative to `cwd`, variables expanded). Empty when the run timed out or was stopped.
   */
  artifacts: string[];
  /** `artifacts.base-directory` resolved against `cwd` with the session's variables; null without `artifacts`, or when the run timed out or was stopped. */
  artifactsBase: string | null;
}

/** Variables the session never carries from one command to the next (the shell resets them). */
const NOT_CARRIED = new Set(['_', 'SHLVL']);
/** Grace between SIGTERM and SIGKILL, as CodeBuild gives a stopping container. */
const KILL_GRACE_MS = 2000;

/**
 * Runs install, pre_build, build and post_build in order, every command as if in one
 * shell session: after each command its working directory and exported environment are
 * saved to a state file (from an EXIT trap, so `exit` keeps them too) and the next command
 * starts from them. Each command runs in its own process group so that a timeout or stop
 * kills everything it started; background processes live until the run ends and are then
 * killed, so nothing outlives the run. Output streams line by line to `onLog`.
 */
export async function runBuildspec(options: RunBuildspecOptions): Promise<RunBuildspecResult> {
  const { buildspec, onPhase } = options;
  const stateDir = mkdtempSync(join(tmpdir(), 'tessera-session-'));
  const envFile = join(stateDir, 'env');
  const pwdFile = join(stateDir, 'pwd');
  const session = {
    cwd: resolve(options.cwd),
    // CodeBuild's precedence: StartBuild overrides beat the buildspec's own `env.variables`.
    env: { ...(options.baseEnv ?? pickInheritedEnv(process.env)), ...buildspec.env.variables, ...options.env, CODEBUILD_SRC_DIR: resolve(options.cwd) } as Record<string, string>,
  };
  const groups = new Set<number>();
  const streamsClosed = new Set<Promise<void>>();
  const openStreams = new Set<NodeJS.ReadableStream & { destroy(): void }>();
  let ending: 'TIMED_OUT' | 'STOPPED' | null = null;
  let succeeding = true;
  let failed = false;

  const system = (text: string) => {
    const now = new Date();
    for (const line of text.split('\n')) options.onLog({ time: now.toISOString(), stream: 'system', text: `[Container] ${formatContainerTime(now)} ${line}` });
  };
  const end = (why: 'TIMED_OUT' | 'STOPPED') => {
    if (ending) return;
    ending = why;
    system(why === 'TIMED_OUT' ? `Build timed out after ${options.timeoutMs} ms; killing its processes` : 'Build stop requested; killing its processes');
    void killProcessGroups(groups, KILL_GRACE_MS);
  };
  const timer = setTimeout(() => end('TIMED_OUT'), options.timeoutMs);
  const onAbort = () => end('STOPPED');
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.signal.aborted) end('STOPPED');

  /** Runs one command in the session; resolves with its exit status once it exited. */
  const runCommand = async (command: string): Promise<number> => {
    if (!existsSync(session.cwd)) {
      system(`Working directory ${session.cwd} no longer exists; running in ${options.cwd}`);
      session.cwd = resolve(options.cwd);
    }
    const save = `__tessera_status=$?; { pwd > ${quote(pwdFile)}; env -0 > ${quote(envFile)}; } 2>/dev/null; exit $__tessera_status`;
    const shell = buildspec.env.shell === 'bash' ? 'bash' : buildspec.env.shell;
    const child = spawn(shell, ['-c', `trap ${quote(save)} EXIT\n${command}\n`], {
      cwd: session.cwd,
      env: { ...session.env, CODEBUILD_BUILD_SUCCEEDING: succeeding ? '1' : '0' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;
    if (pgid !== undefined) groups.add(pgid);
    const closed = new Promise<void>((done) => {
      child.once('close', () => done());
      child.once('error', () => done());
    });
    streamsClosed.add(closed);
    void closed.then(() => streamsClosed.delete(closed));
    for (const [stream, name] of [[child.stdout, 'stdout'], [child.stderr, 'stderr']] as const) {
      const splitter = createLineSplitter((text, time) => options.onLog({ time, stream: name, text }));
      openStreams.add(stream);
      stream.on('data', (chunk: Buffer) => splitter.push(chunk));
      stream.once('end', () => splitter.end());
      stream.once('close', () => openStreams.delete(stream));
    }
    const status = await new Promise<number>((done) => {
      child.once('error', (error) => {
        system(`Cannot start ${shell}: ${error.message}`);
        done(127);
      });
      child.once('exit', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
    });
    if (pgid !== undefined && !isGroupAlive(pgid)) {
      groups.delete(pgid);
      // The pipes close right after the exit unless a process escaped the group with them; do not wait for that one.
      await Promise.race([closed, sleep(500)]);
    }
    readState();
    return status;
  };

  /** Takes over the state the last command saved (none when it was killed: the previous state stays). */
  const readState = () => {
    if (existsSync(envFile)) {
      const env: Record<string, string> = {};
      for (const entry of readFileSync(envFile, 'utf8').split('\0')) {
        const eq = entry.indexOf('=');
        if (eq > 0 && !NOT_CARRIED.has(entry.slice(0, eq))) env[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      session.env = env;
      unlinkSync(envFile);
    }
    if (existsSync(pwdFile)) {
      session.cwd = readFileSync(pwdFile, 'utf8').replace(/\n$/, '') || session.cwd;
      unlinkSync(pwdFile);
    }
  };

  /** Runs commands until one fails; returns CodeBuild's failure message, or undefined. */
  const runCommands = async (commands: string[]): Promise<string | undefined> => {
    for (const command of commands) {
      if (ending) return undefined;
      system(`Running command ${command}`);
      const status = await runCommand(command);
      if (ending) return undefined;
      if (status !== 0) {
        // From here on the build is failing: `finally` and later phases see CODEBUILD_BUILD_SUCCEEDING=0.
        succeeding = false;
        system(`Command did not exit successfully ${command} exit status ${status}`);
        return `COMMAND_EXECUTION_ERROR: Error while executing command: ${command}. Reason: exit status ${status}`;
      }
    }
    return undefined;
  };

  try {
    for (const [name, type] of Object.entries(BUILDSPEC_PHASES) as [BuildspecPhaseName, PhaseType][]) {
      onPhase(type, 'IN_PROGRESS', new Date());
      system(`Entering phase ${type}`);
      const phase = buildspec.phases[name];
      let message: string | undefined;
      if (phase && !ending) {
        message = await runCommands(phase.commands);
        // `finally` runs even after a failed command, but not once the build is being killed.
        if (!ending) message = (await runCommands(phase.finally)) ?? message;
      }
      if (ending) {
        const reason = ending === 'TIMED_OUT' ? `BUILD_TIMED_OUT: Build has timed out after ${options.timeoutMs} ms` : 'BUILD_STOPPED: Build was stopped';
        onPhase(type, ending, new Date(), reason);
        system(`Phase complete: ${type} State: ${ending}`);
        break;
      }
      const status: PhaseStatus = message ? 'FAILED' : 'SUCCEEDED';
      onPhase(type, status, new Date(), message);
      system(`Phase complete: ${type} State: ${status}`);
      if (message) {
        system(`Phase context status code: ${message.replace(': ', ' Message: ')}`);
        failed = true;
        // ABORT after INSTALL or PRE_BUILD ends the build; after BUILD, POST_BUILD still runs (CodeBuild does the same).
        if (phase?.onFailure !== 'CONTINUE' && (type === 'INSTALL' || type === 'PRE_BUILD')) break;
      }
    }
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
    await killProcessGroups(groups, KILL_GRACE_MS);
    await Promise.race([Promise.all(streamsClosed), sleep(KILL_GRACE_MS)]);
    for (const stream of openStreams) stream.destroy(); // held open by a process outside our groups
    rmSync(stateDir, { recursive: true, force: true });
  }

  const status: RunBuildspecResult['status'] = ending ?? (failed ? 'FAILED' : 'SUCCEEDED');
  const exportedVariables: Record<string, string> = {};
  for (const name of buildspec.env.exportedVariables) {
    const value = session.env[name];
    if (value !== undefined) exportedVariables[name] = value;
  }
  let artifacts: string[] = [];
  let artifactsBase: string | null = null;
  if (buildspec.artifacts && !ending) {
    artifactsBase = resolve(options.cwd, expandVariables(buildspec.artifacts.baseDirectory ?? '.', session.env));
    artifacts = collectArtifacts(artifactsBase, buildspec.artifacts.files.map((glob) => expandVariables(glob, session.env)));
  }
  return { status, exportedVariables, artifacts, artifactsBase };
}

/** `2026/11/22 14:00:00.123` in UTC: CodeBuild's `[Container]` timestamp. */
export function formatContainerTime(date: Date): string {
  const iso = date.toISOString(); // 2026-11-22T14:00:00.123Z
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 23)}`;
}

/** Single-quotes a string for the shell. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms).unref());
