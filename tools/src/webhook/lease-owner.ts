import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isProcessAlive } from '../buildspec/process-group.js';

/** The owners this process created and has not retired: a pid alone cannot tell a restarted container's pid 1 from its predecessor's. */
const live = new Set<string>();

/** A new lease owner for a worker of this process: `host:pid:nonce`. */
export function createLeaseOwner(): string {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  live.add(owner);
  return owner;
}

/** Marks a worker's owner as gone (its worker stopped). */
export function retireLeaseOwner(owner: string): void {
  live.delete(owner);
}

/**
 * Whether the holder of a lease can still renew it, as far as this host can tell: on this
 * host, its process must run and, if it is this very process, the worker must not be
 * retired. Owners on other hosts are presumed alive (their lease runs out instead).
 */
export function isLeaseOwnerAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (host !== hostname()) return true;
  const pid = Number(pidText);
  if (!Number.isInteger(pid)) return true;
  if (pid === process.pid) return live.has(owner);
  return isProcessAlive(pid);
}
