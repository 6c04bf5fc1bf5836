import type { CriticalPath, TimelineJob } from './timeline.js';

/**
 * The critical path of a fan-out run. Jobs have no dependencies on each other, so the run
 * ends when its last build ends; that build started either at once or when a slot freed up,
 * i.e. when another build ended. Walking back through those hand-overs gives the chain: the
 * last build, the build whose slot it took (the one that ended last before it left the queue,
 * while it was waiting), and so on, until a build that never waited for a slot. CodeBuild's
 * own queue extends the same QUEUED phase, so there the hand-over is the nearest earlier end.
 * `now` (ms from the run's start) ends what is still running. Pure.
 */
export function computeCriticalPath(jobs: readonly TimelineJob[], now: number): CriticalPath {
  const ran = jobs.filter((j) => j.startedAt !== null);
  if (!ran.length) return { chain: [], phase: null };
  const endOf = (j: TimelineJob) => j.endedAt ?? Math.max(now, j.startedAt!);
  let last = ran[0]!;
  for (const j of ran) if (endOf(j) > endOf(last) || (endOf(j) === endOf(last) && j.startedAt! > last.startedAt!)) last = j;

  const chain = [last];
  const inChain = new Set([last.index]);
  for (let current = last; ; ) {
    const waitedFrom = current.queuedAt!;
    const leftQueue = current.startedAt!;
    if (leftQueue <= waitedFrom) break;
    let before: TimelineJob | undefined;
    for (const j of ran) {
      if (inChain.has(j.index) || j.endedAt === null || j.endedAt > leftQueue || j.endedAt < waitedFrom) continue;
      if (!before || j.endedAt > before.endedAt! || (j.endedAt === before.endedAt && j.index < before.index)) before = j;
    }
    if (!before) break;
    chain.unshift(before);
    inChain.add(before.index);
    current = before;
  }
  return { chain: chain.map((j) => j.index), phase: last.slowest };
}
