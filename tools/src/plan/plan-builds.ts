import { createHash } from 'node:crypto';
import { computeDependencies, type Lockfile } from '../workspace/parse-lockfile.js';
import { computeReachable, type FileGraph } from '../graph/file-graph.js';
import type { ResolvedConfig } from '../workspace/config.js';

/** One job of the build plan: an app, the exact version of its inputs, and how to build it. */
export interface PlannedJob {
  app: string;
  /** Content address of the app's inputs: files, resolved packages, build configuration. */
  version: string;
  /** The commit the job builds. */
  sourceVersion: string;
  computeType: string;
  env: Record<string, string>;
  /** Expected duration in ms: median of history, else estimated from the input size. */
  expectedMs: number;
  expectedFrom: 'history' | 'input-size';
  inputFiles: number;
}

export interface PlanBuildsInput {
  runId: string;
  apps: readonly string[];
  graph: FileGraph;
  /** The head lockfile, to pin the versions of the packages each app reaches. */
  lockfile: Lockfile | null;
  /** Text of the build configuration every app builds with (buildspec.yml). */
  buildConfig: string;
  config: ResolvedConfig;
  sourceVersion: string;
  /** Median durations of previous builds, by app. */
  history: ReadonlyMap<string, number>;
}

/** Milliseconds per input file when an app has no history: only the order matters, so a rough constant will do. */
const MS_PER_INPUT_FILE = 150;

/**
 * An app's version: a hash of the path and blob id of every input file, the resolved
 * version of every package it reaches (transitively), the build configuration and the
 * app's own settings. The same inputs always give the same version.
 */
export function computeAppVersion(graph: FileGraph, app: string, lockfile: Lockfile | null, buildConfig: string, appConfig: unknown): { version: string; inputFiles: number } {
  const entries = graph.apps.find((a) => a.name === app)?.entries ?? [];
  const reach = computeReachable(graph, entries);
  const hash = createHash('sha256').update(`tessera-app-version:1\0${app}\0`);
  const files = [...reach].map((id) => `${graph.files[id]}\0${graph.blobs[id] ?? ''}`).sort();
  for (const line of files) hash.update(line).update('\n');
  const direct = new Set<string>();
  for (const id of reach) for (const name of graph.packages[String(id)] ?? []) direct.add(name);
  const closure = lockfile ? computeDependencies([lockfile], [...direct]) : direct;
  const versions = new Map<string, string[]>();
  for (const pkg of lockfile?.values() ?? []) if (closure.has(pkg.name)) versions.set(pkg.name, [...(versions.get(pkg.name) ?? []), `${pkg.version}:${pkg.integrity}`]);
  for (const name of [...closure].sort()) hash.update(`npm:${name}@${(versions.get(name) ?? ['?']).sort().join(',')}\n`);
  hash.update(`build-config\0${buildConfig}\0app-config\0${JSON.stringify(appConfig ?? null)}`);
  return { version: hash.digest('hex').slice(0, 20), inputFiles: reach.size };
}

/**
 * One job per app, longest expected first (so the longest builds start first and the run
 * ends as soon as its slowest app allows). Pure: history and inputs come in as data.
 */
export function planBuilds(input: PlanBuildsInput): PlannedJob[] {
  const jobs = input.apps.map((app): PlannedJob => {
    const appConfig = input.config.apps[app];
    const { version, inputFiles } = computeAppVersion(input.graph, app, input.lockfile, input.buildConfig, appConfig);
    const fromHistory = input.history.get(app);
    return {
      app,
      version,
      sourceVersion: input.sourceVersion,
      computeType: appConfig?.computeType ?? 'small',
      env: { TESSERA_APP: app, TESSERA_VERSION: version, TESSERA_RUN_ID: input.runId },
      expectedMs: fromHistory ?? inputFiles * MS_PER_INPUT_FILE,
      expectedFrom: fromHistory === undefined ? 'input-size' : 'history',
      inputFiles,
    };
  });
  return jobs.sort((a, b) => b.expectedMs - a.expectedMs || (a.app < b.app ? -1 : 1));
}
