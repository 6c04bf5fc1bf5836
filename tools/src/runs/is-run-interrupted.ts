/** A process that records runs, as `markInterrupted` compares them. */
export interface RunsOwner {
  host: string;
  pid: number;
  /** When the process started, in ms since the epoch. */
  startedAt: number;
}

/** What the store knows about an IN_PROGRESS run: when it started and who records it. */
export interface OpenRun {
  start: string;
  /** The recording process, or null for a run saved without one. */
  owner: { host: string; pid: number } | null;
}

/**
 * Whether an IN_PROGRESS run was left behind by a process that is gone. On this host the
 * recorded pid answers exactly, except when it is our own pid, which a container reuses on
 * every start. Then, and for runs recorded on another host (a pid there means nothing here)
 * or without an owner, a run that started before this process did cannot be one of ours
 * and is taken as interrupted; a live run from another host that is wrongly marked is
 * corrected by its own next save, which rewrites the whole run. Pure: `isAlive` is given.
 */
export function isRunInterrupted(run: OpenRun, self: RunsOwner, isAlive: (pid: number) => boolean): boolean {
  const startedBeforeUs = Date.parse(run.start) < self.startedAt;
  if (!run.owner || run.owner.host !== self.host || run.owner.pid === self.pid) return startedBeforeUs;
  return !isAlive(run.owner.pid);
}
