/**
 * The CodeBuild wire-protocol test server in a child process of its own, for the fan-out
 * benchmark: the CPU the benchmark process spends is then Tessera's (fan-out, executor, AWS
 * SDK), not the server's. Driven over the IPC channel of `fork`:
 *
 *   parent → { type: 'start', options }   child → { type: 'ready', url }
 *   parent → { type: 'stats' }            child → { type: 'stats', stats, cpu, builds }
 *   parent → { type: 'close' }            child → { type: 'closed' } and exits
 *
 * The child also closes the server and exits when the parent goes away (IPC disconnect).
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeBuildServer, CodeBuildServerOptions, CodeBuildServerStats } from '../support/codebuild-server/server.js';

/** One build as the server ran it, in wall milliseconds since the epoch. */
export interface ServerBuildTiming {
  id: string;
  /** The build's TESSERA_APP. */
  app: string;
  status: string;
  /** StartBuild accepted it (startTime), epoch ms. */
  startMs: number;
  /** COMPLETED reached (endTime), epoch ms; NaN while running. */
  endMs: number;
  /** SUBMITTED start → COMPLETED start (endTime), in ms. */
  durationMs: number;
  /** BUILD phase duration in ms. */
  buildPhaseMs: number;
}

export interface ServerSnapshot {
  stats: CodeBuildServerStats;
  /** process.cpuUsage() of the server's process, in microseconds. */
  cpu: NodeJS.CpuUsage;
  builds: ServerBuildTiming[];
}

type ToChild = { type: 'start'; options: CodeBuildServerOptions } | { type: 'stats' } | { type: 'close' };
type FromChild = { type: 'ready'; url: string } | ({ type: 'stats' } & ServerSnapshot) | { type: 'closed' } | { type: 'error'; message: string };

export interface ChildServer {
  url: string;
  pid: number;
  snapshot(): Promise<ServerSnapshot>;
  close(): Promise<void>;
}

const HERE = fileURLToPath(import.meta.url);
const REPO_ROOT = join(dirname(HERE), '..', '..');

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** Forks this file under tsx and starts the server in it. */
export async function startChildServer(options: CodeBuildServerOptions, timeoutMs = 30_000): Promise<ChildServer> {
  const child = fork(HERE, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const next = <T extends FromChild['type']>(type: T, what: string, ms = timeoutMs) =>
    withTimeout(
      new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
        const onMessage = (m: FromChild) => {
          if (m.type === 'error') done(() => reject(new Error(`server child: ${m.message}`)));
          else if (m.type === type) done(() => resolve(m as Extract<FromChild, { type: T }>));
        };
        const onExit = (code: number | null) => done(() => reject(new Error(`server child exited (${code}) before ${what}`)));
        const done = (f: () => void) => {
          child.off('message', onMessage);
          child.off('exit', onExit);
          f();
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
      }),
      ms,
      what,
    );
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  try {
    const ready = next('ready', 'server start');
    child.send({ type: 'start', options } satisfies ToChild);
    const { url } = await ready;
    return {
      url,
      pid: child.pid!,
      async snapshot() {
        const answer = next('stats', 'stats request');
        child.send({ type: 'stats' } satisfies ToChild);
        const { stats, cpu, builds } = await answer;
        return { stats, cpu, builds };
      },
      async close() {
        if (exited) return;
        try {
          const closed = next('closed', 'server close');
          child.send({ type: 'close' } satisfies ToChild);
          await closed;
          await withTimeout(new Promise<void>((r) => (exited ? r() : child.once('exit', () => r()))), 5000, 'server exit');
        } catch {
          kill();
        }
      },
    };
  } catch (error) {
    kill();
    throw error;
  }
}

/** The child's side. */
function serveInChild() {
  let server: CodeBuildServer | null = null;
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= (server ? server.close() : Promise.resolve()).catch(() => undefined));
  const send = (m: FromChild, then?: () => void) => process.send?.(m, undefined, {}, () => then?.());
  process.on('message', (m: ToChild) => {
    void (async () => {
      try {
        if (m.type === 'start') {
          const { startCodeBuildServer } = await import('../support/codebuild-server/server.js');
          server = await startCodeBuildServer(m.options);
          send({ type: 'ready', url: server.url });
        } else if (m.type === 'stats') {
          if (!server) throw new Error('not started');
          const builds = [...server.builds.values()].map(({ build }): ServerBuildTiming => {
            const phase = build.phases.find((p) => p.phaseType === 'BUILD');
            return {
              id: build.id,
              app: build.environment.environmentVariables.find((v) => v.name === 'TESSERA_APP')?.value ?? '',
              status: build.buildStatus,
              startMs: build.startTime * 1000,
              endMs: build.endTime === undefined ? NaN : build.endTime * 1000,
              durationMs: ((build.endTime ?? Date.now() / 1000) - build.startTime) * 1000,
              buildPhaseMs: phase?.endTime ? (phase.endTime - phase.startTime) * 1000 : NaN,
            };
          });
          send({ type: 'stats', stats: server.stats, cpu: process.cpuUsage(), builds });
        } else if (m.type === 'close') {
          await close();
          send({ type: 'closed' }, () => process.exit(0));
        }
      } catch (error) {
        send({ type: 'error', message: (error as Error).stack ?? String(error) });
      }
    })();
  });
  process.on('disconnect', () => void close().then(() => process.exit(0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.send) serveInChild();
