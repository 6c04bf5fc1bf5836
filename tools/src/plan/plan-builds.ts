import { createHash } from 'node:crypto';
import { computePackageImports } from '../affected/package-imports.js';
import { computeClosure, findImporter, type LockfileModel, resolveImport } from '../workspace/lockfile-model.js';
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
  /** The head lockfile, to pin the resolved packages each app reaches. */
  lockfile: LockfileModel | null;
  /** Text of the build configuration every app builds with (buildspec.yml). */
  buildConfig: string;
  config: ResolvedConfig;
  sourceVersion: string;
  /** Median durations of previous builds, by app. */
  history: ReadonlyMap<string, number>;
  /**
   * Each app's own build, when apps build themselves rather than with one buildspec: what goes
   * into its version (the command, the outputs) and its job's environment. Apps absent build with the buildspec alone.
   */
  ownBuilds?: ReadonlyMap<string, { key: unknown; env: Record<string, string> }>;
}

/** Milliseconds per input file when an app has no history: only the order matters, so a rough constant will do. */
const MS_PER_INPUT_FILE = 150;

/**
 * The resolved packages an app's files import, per importer (the workspace package owning
 * each importing file): one line per node of each import's transitive closure, its id
 * (name@version, peer suffix) and integrity. Without a lockfile, the names alone.
 */
function computePackageLines(graph: FileGraph, reach: ReadonlySet<number>, lockfile: LockfileModel | null): string[] {
  const lines = new Set<string>();
  const seen = new Set<string>();
  for (const [id, names] of computePackageImports(graph)) {
    if (!reach.has(id)) continue;
    const importer = lockfile ? findImporter(lockfile, graph.files[id]!) : '';
    for (const name of names) {
      const key = `${importer}\0${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const roots = lockfile ? resolveImport(lockfile, importer, name) : [];
      if (!roots.length) lines.add(`npm:${importer}\0${name}@?`);
      for (const node of computeClosure(lockfile!, roots).keys()) lines.add(`npm:${importer}\0${node}\0${lockfile!.nodes.get(node)?.integrity ?? '?'}`);
    }
  }
  return [...lines].sort();
}

/**
 * An app's version: a hash of the path and blob id of every input file, the resolved
 * packages it reaches (transitively, per importer), the build configuration and the app's
 * own settings. The same inputs always give the same version.
 */
export function computeAppVersion(graph: FileGraph, app: string, lockfile: LockfileModel | null, buildConfig: string, appConfig: unknown): { version: string; inputFiles: number } {
  const entries = graph.apps.find((a) => a.name === app)?.entries ?? [];
  const reach = computeReachable(graph, entries);
  const hash = createHash('sha256').update(`tessera-app-version:2\0${app}\0`);
  const files = [...reach].map((id) => `${graph.files[id]}\0${graph.blobs[id] ?? ''}`).sort();
  for (const line of files) hash.update(line).update('\n');
  for (const line of computePackageLines(graph, reach, lockfile)) hash.update(line).update('\n');
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
    const own = input.ownBuilds?.get(app);
    // An own build's command and outputs are build configuration too; a buildspec app's hash is as it always was.
    const { version, inputFiles } = computeAppVersion(input.graph, app, input.lockfile, input.buildConfig, own ? { config: appConfig ?? null, build: own.key } : appConfig);
    const fromHistory = input.history.get(app);
    return {
      app,
      version,
      sourceVersion: input.sourceVersion,
      computeType: appConfig?.computeType ?? 'small',
      env: { ...own?.env, TESSERA_APP: app, TESSERA_VERSION: version, TESSERA_RUN_ID: input.runId },
      expectedMs: fromHistory ?? inputFiles * MS_PER_INPUT_FILE,
      expectedFrom: fromHistory === undefined ? 'input-size' : 'history',
      inputFiles,
    };
  });
  return jobs.sort((a, b) => b.expectedMs - a.expectedMs || (a.app < b.app ? -1 : 1));
}
