/**
 * Runs one child process under GNU time and reports wall time (measured here, around the
 * spawn), CPU time (GNU time's %U + %S) and peak memory: the larger of GNU time's %M (the largest resident set of any one
 * process of the tree) and the largest sum of the resident sets of the whole process group,
 * sampled from /proc every 25 ms (Tessera runs esbuild as a second process, so the sum is
 * what the machine must hold). Every run is bounded by a timeout.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  wallMs: number;
  /** Peak resident set size in MB (null when GNU time is not available). */
  peakMB: number | null;
  /** CPU time (user + system) of the command and the children it waited for, in ms (null without GNU time). */
  cpuMs: number | null;
  code: number | null;
  timedOut: boolean;
  /** Killed because the process group's memory passed `maxMemoryMB`. */
  memoryExceeded: boolean;
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** @default 600_000 */
  timeoutMs?: number;
  /** Kill the process group when its summed resident set passes this. @default half of the RAM */
  maxMemoryMB?: number;
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);
const PAGE_KB = 4;

/** Sum of the resident set sizes (KB) of the processes in group `pgid`, except `skip`. */
function groupRssKB(pgid: number, skip: number): number {
  let total = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    if (Number(pid) === skip) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue; // field 5 of stat: process group
      total += Number(fields[21]) * PAGE_KB; // field 24: rss in pages
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

export async function measure(command: string, args: string[], options: MeasureOptions): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-time-'));
  const timeFile = join(dir, 'time.txt');
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%e %M %U %S', '-o', timeFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(cmd, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  // The child leads its own process group (detached): ending the group ends only what we started.
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const maxKB = (options.maxMemoryMB ?? totalmem() / 2 / 1024 ** 2) * 1024;
  let sampledKB = 0;
  let memoryExceeded = false;
  const sampler = setInterval(() => {
    if (!child.pid) return;
    sampledKB = Math.max(sampledKB, groupRssKB(child.pid, hasGnuTime ? child.pid : -1));
    if (sampledKB > maxKB && !memoryExceeded) {
      memoryExceeded = true;
      killGroup();
    }
  }, 25);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs ?? 600_000);
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (c) => resolve(c));
  });
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  clearInterval(sampler);
  let peakKB = sampledKB;
  let cpuMs: number | null = null;
  if (hasGnuTime && existsSync(timeFile)) {
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const [, , user, system] = last.split(' ').map(Number);
    if (Number.isFinite(user) && Number.isFinite(system)) cpuMs = (user! + system!) * 1000;
    const kb = Number(last.split(' ')[1]);
    if (Number.isFinite(kb) && kb > peakKB) peakKB = kb;
  }
  const peakMB = peakKB > 0 ? peakKB / 1024 : null;
  rmSync(dir, { recursive: true, force: true });
  return { wallMs, peakMB, cpuMs, code, timedOut, memoryExceeded, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/**
 * CPU time a process has used so far, in ms: the sum over its threads of the scheduler's
 * run time (`se.sum_exec_runtime` in /proc/<pid>/task/<tid>/sched, to the nanosecond).
 * /proc/<pid>/stat's utime and stime count 10 ms ticks, as much as a few per cent of what
 * the benchmarks compare; schedstat reads 0 on this kernel. Threads that have exited no
 * longer count. Null off Linux or once the process is gone.
 */
export function readProcessCpuMs(pid: number): number | null {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let ms = 0;
  for (const tid of tids) {
    try {
      ms += Number(/^se\.sum_exec_runtime\s*:\s*([\d.]+)/m.exec(readFileSync(`/proc/${pid}/task/${tid}/sched`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the thread exited meanwhile
    }
  }
  return ms;
}

export const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const formatSeconds = (ms: number | null | undefined): string =>
  ms == null ? '–' : ms < 1000 ? `${(ms / 1000).toFixed(2)} s` : ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;

export const formatMB = (mb: number | null | undefined): string => (mb == null ? '–' : `${Math.round(mb)} MB`);
