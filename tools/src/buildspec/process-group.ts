import { readdirSync, readFileSync } from 'node:fs';

const hasProc = (() => {
  try {
    readdirSync('/proc/self');
    return true;
  } catch {
    return false;
  }
})();

/**
 * True while the process group `pgid` has a member that still runs. On Linux it reads
 * /proc so that zombies do not count: in containers whose PID 1 never reaps orphans, a
 * killed background process stays a zombie forever, and `kill(-pgid, 0)` alone would call
 * the group alive.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!hasProc) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue; // it ended while we looked
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses, so cut at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

function signalGroup(pgid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ends every process of the given groups: SIGTERM, then SIGKILL for whatever still runs
 * after `graceMs`. Resolves once no member runs (or, should SIGKILL not take, after one
 * more second), so callers can promise that nothing is left behind.
 */
export async function killProcessGroups(pgids: Iterable<number>, graceMs = 2000): Promise<void> {
  let alive = [...pgids].filter(isGroupAlive);
  for (const pgid of alive) signalGroup(pgid, 'SIGTERM');
  for (let waited = 0; alive.length > 0 && waited < graceMs; waited += 25) {
    await sleep(25);
    alive = alive.filter(isGroupAlive);
  }
  for (const pgid of alive) signalGroup(pgid, 'SIGKILL');
  for (let waited = 0; alive.length > 0 && waited < 1000; waited += 25) {
    await sleep(25);
    alive = alive.filter(isGroupAlive);
  }
}

/** Whether process `pid` exists. Signal 0 checks without touching it; EPERM means it exists but is not ours. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
