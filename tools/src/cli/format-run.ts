import pc from 'picocolors';
import type { PlannedJob } from '../plan/plan-builds.js';
import { formatDuration } from '../runs/format-duration.js';
import type { JobRecord, JobStatus, RunRecord } from '../records/run-record.js';


/** A job's elapsed time: from leaving the queue to its last phase's end (or `now`). */
export function jobElapsedMs(job: JobRecord, now = Date.now()): number {
  const ran = job.phases.filter((p) => p.type !== 'SUBMITTED' && p.type !== 'QUEUED');
  if (!ran.length) return 0;
  const start = Date.parse(ran[0]!.start);
  const end = Math.max(...ran.map((p) => (p.end ? Date.parse(p.end) : now)));
  return end - start;
}

function colorStatus(status: JobStatus, c: ReturnType<typeof pc.createColors>): string {
  if (status === 'SUCCEEDED' || status === 'CACHED') return c.green(status);
  if (status === 'IN_PROGRESS') return c.cyan(status);
  if (status === 'QUEUED') return c.dim(status);
  if (status === 'STOPPED') return c.yellow(status);
  return c.red(status);
}

/** The plan `--dry-run` prints: one line per job, longest expected first. */
export function formatPlan(plan: readonly PlannedJob[], run: RunRecord, color: boolean, reasons?: ReadonlyMap<string, string>): string {
  const c = pc.createColors(color);
  const width = Math.max(3, ...plan.map((j) => j.app.length));
  const lines = [c.bold(`Build plan ${run.id}: ${plan.length} job(s) at ${plan[0]?.sourceVersion.slice(0, 7) ?? '-'}`)];
  lines.push(c.dim(`  ${'app'.padEnd(width)}  version               compute  expected   from`));
  for (const job of plan) {
    const cached = run.jobs.find((j) => j.app === job.app)?.status === 'CACHED';
    lines.push(`  ${job.app.padEnd(width)}  ${job.version}  ${job.computeType.padEnd(7)}  ${formatDuration(job.expectedMs).padEnd(9)}  ${job.expectedFrom}${cached ? c.green('  (already published: skipped)') : ''}`);
    const reason = reasons?.get(job.app);
    if (reason) lines.push(c.dim(`  ${' '.repeat(width)}  ↳ ${reason}`));
  }
  return lines.join('\n') + '\n';
}

/** The live table: app, current phase, elapsed, status. */
export function formatProgressTable(run: RunRecord, color: boolean, now = Date.now()): string {
  const c = pc.createColors(color);
  const width = Math.max(3, ...run.jobs.map((j) => j.app.length));
  const done = run.jobs.filter((j) => !['QUEUED', 'IN_PROGRESS'].includes(j.status)).length;
  const lines = [c.bold(`${run.id}  ${done}/${run.jobs.length} done  ${formatDuration(now - Date.parse(run.start))}`)];
  for (const job of run.jobs) {
    const phase = [...job.phases].reverse().find((p) => p.end === null) ?? job.phases[job.phases.length - 1];
    lines.push(`  ${job.app.padEnd(width)}  ${(phase?.type ?? '-').padEnd(16)}  ${formatDuration(jobElapsedMs(job, now)).padStart(8)}  ${colorStatus(job.status, c)}${job.retries ? c.dim(` (${job.retries} retr${job.retries === 1 ? 'y' : 'ies'})`) : ''}`);
  }
  return lines.join('\n') + '\n';
}

/** The end-of-run summary. */
export function formatSummary(run: RunRecord, color: boolean): string {
  const c = pc.createColors(color);
  const width = Math.max(3, ...run.jobs.map((j) => j.app.length));
  const wall = run.end ? Date.parse(run.end) - Date.parse(run.start) : 0;
  const lines = [''];
  for (const job of run.jobs) {
    const slowest = job.phases.filter((p) => p.end).sort((a, b) => Date.parse(b.end!) - Date.parse(b.start) - (Date.parse(a.end!) - Date.parse(a.start)))[0];
    lines.push(
      `  ${job.app.padEnd(width)}  ${colorStatus(job.status, c).padEnd(color ? 19 : 10)}  ${formatDuration(jobElapsedMs(job)).padStart(8)}  ${c.dim(job.version)}${slowest && job.status !== 'CACHED' ? c.dim(`  slowest: ${slowest.type} ${formatDuration(Date.parse(slowest.end!) - Date.parse(slowest.start))}`) : ''}${job.error ? `  ${c.red(job.error)}` : ''}`,
    );
  }
  const count = (s: JobStatus[]) => run.jobs.filter((j) => s.includes(j.status)).length;
  const cost = run.jobs.reduce((sum, j) => sum + (j.estimatedCost ?? 0), 0);
  lines.push(
    '',
    `${run.status === 'SUCCEEDED' ? c.green(c.bold('SUCCEEDED')) : run.status === 'STOPPED' ? c.yellow(c.bold('STOPPED')) : c.red(c.bold('FAILED'))}  run ${run.id}: ${count(['SUCCEEDED'])} succeeded, ${count(['FAILED', 'FAULT', 'TIMED_OUT'])} failed, ${count(['STOPPED'])} stopped, ${count(['CACHED'])} cached  in ${formatDuration(wall)}${cost ? `  ~$${cost.toFixed(3)}` : ''}`,
    c.dim(`  details: tessera runs show ${run.id}`),
  );
  return lines.join('\n') + '\n';
}

/** `tessera runs show`: every job with its phases and timings. */
export function formatRunDetail(run: RunRecord, color: boolean): string {
  const c = pc.createColors(color);
  const lines = [c.bold(`run ${run.id}`), `  trigger ${run.trigger}  ${run.base ? `${run.base} → ` : ''}${run.head}`, `  status  ${run.status}  ${run.start} → ${run.end ?? '(running)'}`];
  for (const job of run.jobs) {
    lines.push('', `  ${c.bold(job.app)}  ${colorStatus(job.status, c)}  version ${job.version}  ${job.executor}${job.buildId ? ` ${job.buildId}` : ''}  ${job.computeType}${job.retries ? `  retries ${job.retries}` : ''}${(job.attempt ?? 1) > 1 ? `  attempt ${job.attempt}` : ''}${job.estimatedCost !== null ? `  $${job.estimatedCost}` : ''}`);
    let attempt = 1;
    for (const p of job.phases) {
      // A FAULT retry's build: its phases follow under a line of their own.
      if ((p.attempt ?? 1) !== attempt) lines.push(c.dim(`    attempt ${(attempt = p.attempt ?? 1)}`));
      const ms = p.end ? Date.parse(p.end) - Date.parse(p.start) : Date.now() - Date.parse(p.start);
      lines.push(`    ${p.type.padEnd(16)} ${p.status.padEnd(11)} ${formatDuration(ms).padStart(8)}  ${c.dim(p.start)}${p.message ? `  ${c.red(p.message)}` : ''}`);
    }
    if (job.logFile) lines.push(c.dim(`    log: ${job.logFile}`));
  }
  return lines.join('\n') + '\n';
}

/** The run record as the `--json` document (a plain object): CodeBuild's words, ISO times. */
export function computeRunDocument(run: RunRecord) {
  return {
    id: run.id, trigger: run.trigger, base: run.base, head: run.head, status: run.status, start: run.start, end: run.end,
    jobs: run.jobs.map((j) => ({ app: j.app, version: j.version, status: j.status, reason: j.reason ?? null, buildId: j.buildId, executor: j.executor, computeType: j.computeType, retries: j.retries, attempt: j.attempt ?? 1, estimatedCost: j.estimatedCost, logFile: j.logFile, error: j.error, phases: j.phases })),
  };
}
