/**
 * Run records for the report's tests and benchmark: CodeBuild-shaped jobs built from phase
 * durations, a six-app run in progress (a failed build, a running one, a queued one, a
 * cached one), its logs, and synthetic runs of any size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BuildHistoryPoint, JobRecord, JobStatus, PhaseRecord, PhaseStatus, PhaseType, RunRecord } from '../../tools/src/records/run-record.js';
import { createSeededRandom } from './seeded-random.js';

/** A phase of a job spec: type, seconds, and a status other than SUCCEEDED. */
export type PhaseSpec = [PhaseType, number, PhaseStatus?, string?];

/** What {@link createJob} builds a job from. Times in seconds from `origin`. */
export interface JobSpecForTest {
  app: string;
  status: JobStatus;
  /** Entered the queue. @default 0 */
  queued?: number;
  /** Waited for a slot. */
  wait?: number;
  /** The phases after waiting, in order; the last one is left open when `status` is IN_PROGRESS. */
  phases?: PhaseSpec[];
  executor?: JobRecord['executor'];
  computeType?: string;
  reason?: string;
  error?: string;
  retries?: number;
}

/** A job whose phases follow CodeBuild's order: SUBMITTED, QUEUED (`wait` s), then `phases`, then COMPLETED. */
export function createJob(origin: number, spec: JobSpecForTest): JobRecord {
  const iso = (s: number) => new Date(origin + Math.round(s * 1000)).toISOString();
  const phases: PhaseRecord[] = [];
  const { queued = 0 } = spec;
  if (spec.status !== 'CACHED') {
    const waiting = spec.status === 'QUEUED';
    phases.push({ type: 'SUBMITTED', status: 'SUCCEEDED', start: iso(queued), end: iso(queued) });
    phases.push({ type: 'QUEUED', status: waiting ? 'IN_PROGRESS' : 'SUCCEEDED', start: iso(queued), end: waiting ? null : iso(queued + (spec.wait ?? 0)) });
    let t = queued + (spec.wait ?? 0);
    (spec.phases ?? []).forEach(([type, seconds, status = 'SUCCEEDED', message], i, all) => {
      const open = spec.status === 'IN_PROGRESS' && i === all.length - 1;
      phases.push({ type, status: open ? 'IN_PROGRESS' : status, start: iso(t), end: open ? null : iso(t + seconds), ...(message ? { message } : {}) });
      t += seconds;
    });
    if (spec.status !== 'IN_PROGRESS' && spec.status !== 'QUEUED') phases.push({ type: 'COMPLETED', status: 'SUCCEEDED', start: iso(t), end: iso(t) });
  }
  const executor = spec.executor ?? 'codebuild';
  return {
    app: spec.app, version: `${spec.app.replace(/[^a-z]/g, '').slice(0, 6).padEnd(6, 'x')}0123456789abcd`, executor, status: spec.status,
    buildId: spec.status === 'CACHED' || spec.status === 'QUEUED' ? null : executor === 'codebuild' ? `tessera:0c1d2e3f-${spec.app}` : `local:run:${spec.app}`,
    computeType: spec.computeType ?? 'small', retries: spec.retries ?? 0, estimatedCost: null, expectedMs: null, phases,
    logFile: spec.status === 'CACHED' ? null : `.tessera/logs/run/${spec.app}.log`, error: spec.error ?? null, ...(spec.reason ? { reason: spec.reason } : {}),
  };
}

/** A full CodeBuild phase list whose BUILD phase takes `build` seconds. */
export const codebuildPhases = (build: number, buildStatus: PhaseStatus = 'SUCCEEDED', message?: string): PhaseSpec[] => [
  ['PROVISIONING', 18], ['DOWNLOAD_SOURCE', 6], ['INSTALL', 41], ['PRE_BUILD', 3], ['BUILD', build, buildStatus, message], ['POST_BUILD', 5], ['UPLOAD_ARTIFACTS', 4], ['FINALIZING', 2],
];

/**
 * The sample workspace's six apps on CodeBuild, concurrency 3, `elapsed` seconds in: catalog
 * and learner-home succeeded, checkout FAILED in BUILD, search took checkout's slot and is in
 * BUILD, profile still waits for a slot, course-page was CACHED.
 */
export function createSampleRun(start: number, elapsed = 330): RunRecord {
  const reason = (file: string) => `imports ${file}`;
  const jobs: JobSpecForTest[] = [
    { app: 'catalog', status: 'SUCCEEDED', phases: codebuildPhases(162), computeType: 'medium', reason: reason('libs/formatting/src/dates.ts') },
    { app: 'learner-home', status: 'SUCCEEDED', phases: codebuildPhases(104), reason: reason('libs/formatting/src/dates.ts') },
    { app: 'checkout', status: 'FAILED', phases: [...codebuildPhases(58, 'FAILED', 'COMMAND_EXECUTION_ERROR: Error while executing command: npx tsc -p apps/checkout. Reason: exit status 2').slice(0, 6), ['FINALIZING', 2]], reason: reason('libs/i18n/src/messages/en.json'), error: 'CodeBuild build FAILED in BUILD' },
    { app: 'search', status: 'IN_PROGRESS', wait: 133, phases: codebuildPhases(elapsed).slice(0, 5), reason: reason('libs/formatting/src/dates.ts') },
    { app: 'profile', status: 'QUEUED', reason: 'buildspec.yml changed' },
    { app: 'course-page', status: 'CACHED', reason: reason('libs/formatting/src/numbers.ts') },
  ];
  return {
    id: '20261122-140500-5eed', trigger: 'webhook:pull_request', base: 'origin/main', head: '3f9a2c1', status: 'IN_PROGRESS', start: new Date(start).toISOString(), end: null,
    jobs: jobs.map((j) => createJob(start, j)),
  };
}

/** Earlier builds of the sample run's apps, in seconds, oldest first. */
export function createSampleHistory(run: RunRecord): Map<string, BuildHistoryPoint[]> {
  const seconds: Record<string, number[]> = { catalog: [221, 230, 219, 226, 224], 'learner-home': [190, 176, 181, 172, 185], checkout: [150, 161, 149], search: [205, 214, 199, 208] };
  return new Map(Object.entries(seconds).map(([app, list]) => [app, list.map((s, i) => ({ runId: `earlier-${i}`, start: new Date(Date.parse(run.start) - (list.length - i) * 86_400_000).toISOString(), ms: s * 1000 }))]));
}

/** A log in the runs store's format (`time TAB stream TAB text`) for a job of `createJob`: CodeBuild-style phase lines and output. */
export function createJobLog(job: JobRecord, outputPerPhase = 3): string {
  const lines: string[] = [];
  for (const phase of job.phases) {
    if (phase.type === 'SUBMITTED' || phase.type === 'QUEUED' || phase.type === 'COMPLETED') continue;
    const t0 = Date.parse(phase.start);
    const span = phase.end ? Date.parse(phase.end) - t0 : 1000;
    const line = (k: number, stream: string, text: string) => lines.push(`${new Date(t0 + Math.floor((span * k) / (outputPerPhase + 2))).toISOString()}\t${stream}\t${text}`);
    line(0, 'system', `[Container] Entering phase ${phase.type}`);
    for (let k = 1; k <= outputPerPhase; k++) line(k, 'stdout', `\x1b[2m${phase.type.toLowerCase()}\x1b[0m step ${k} of ${job.app}: \x1b[32mok\x1b[0m`);
    if (phase.status === 'FAILED') {
      line(outputPerPhase, 'stdout', `apps/${job.app}/src/main.tsx(12,7): \x1b[31merror TS2322: Type 'number' is not assignable to type 'string'.\x1b[0m`);
      line(outputPerPhase + 1, 'system', `[Container] Command did not exit successfully npx tsc -p apps/${job.app} exit status 2`);
    }
    if (phase.end) line(outputPerPhase + 1, 'system', `[Container] Phase complete: ${phase.type} State: ${phase.status}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * A synthetic finished run of `jobs` builds on CodeBuild at concurrency `concurrency`, every
 * job a full phase list with a log-normal BUILD time (seeded), about 5% failed.
 */
export function createSyntheticRun(jobs: number, options: { concurrency?: number; seed?: number; start?: number } = {}): RunRecord {
  const random = createSeededRandom(options.seed ?? 20_261_122);
  const concurrency = options.concurrency ?? Math.max(1, Math.min(100, Math.ceil(jobs / 5)));
  const start = options.start ?? Date.parse('2026-11-22T14:00:00.000Z');
  const slots = Array.from({ length: concurrency }, () => 0);
  const records: JobRecord[] = [];
  for (let i = 0; i < jobs; i++) {
    const slot = slots.indexOf(Math.min(...slots));
    const build = Math.round(30 + Math.exp(Math.log(120) + 0.6 * gaussian(random)));
    const failed = random() < 0.05;
    const phases = codebuildPhases(build, failed ? 'FAILED' : 'SUCCEEDED', failed ? 'COMMAND_EXECUTION_ERROR: exit status 2' : undefined);
    const job = createJob(start, { app: `app-${String(i).padStart(4, '0')}`, status: failed ? 'FAILED' : 'SUCCEEDED', wait: slots[slot]!, phases, reason: `imports libs/shared-${i % 7}/src/index.ts` });
    slots[slot] = slots[slot]! + phases.reduce((sum, [, s]) => sum + s, 0) + 1;
    records.push(job);
  }
  const end = Math.max(...slots);
  return { id: `20261122-140000-${String(jobs).padStart(4, '0')}`, trigger: 'ci', base: 'origin/main', head: 'a1b2c3d', status: records.some((j) => j.status === 'FAILED') ? 'FAILED' : 'SUCCEEDED', start: new Date(start).toISOString(), end: new Date(start + end * 1000).toISOString(), jobs: records };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Writes each job's log (see createJobLog) where its `logFile` says, under `root`, as `tessera build` does. */
export function writeJobLogs(root: string, run: RunRecord, outputPerPhase = 3): void {
  for (const job of run.jobs) {
    const log = createJobLog(job, outputPerPhase);
    // Like the build, which opens a log file on a job's first line: none for a job still queued.
    if (!job.logFile || log === '\n') continue;
    mkdirSync(dirname(join(root, job.logFile)), { recursive: true });
    writeFileSync(join(root, job.logFile), log);
  }
}
