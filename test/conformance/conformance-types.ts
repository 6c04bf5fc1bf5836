/**
 * The conformance harness's vocabulary: what one replayed range observed (raw answers of
 * the judge and of Tessera, plus the facts of Tessera's snapshot), and what comparing them
 * concluded. A leaf: it imports nothing, so the pure parts and the adapters share it.
 */

/** A tool that failed: its exit code and the first lines of what it said on stderr. */
export interface RunError {
  exitCode: number;
  stderr: string[];
}

/** One project a judge named, with its folder when the judge says (Turborepo does, Nx does not). */
export interface JudgeProject {
  name: string;
  root?: string;
}

/**
 * A judge's answer for one range. `apps`: the judge itself says these are applications (Nx
 * `--type app`). `packages`: it only lists affected packages (Turborepo); the harness keeps
 * those that Tessera classifies as applications.
 */
export interface JudgeAnswer {
  kind: 'apps' | 'packages';
  projects: JudgeProject[];
  ms: number;
  error: RunError | null;
}

/** The tool another build system offers to answer "which apps does this change affect". */
export interface Judge {
  name: 'nx' | 'turbo';
  /** The installed version in the repository under test. */
  version: string;
  /** The command run per range, for the report. */
  command: string;
  /** Affected projects of the range base..head, run in the repository. */
  readAffected(base: string, head: string): Promise<JudgeAnswer>;
  /** Removes the judge's own caches in the repository, so that the warm-up run is a cold one. */
  clearCache(): void;
}

/** One reason Tessera gave for an app (kind and text), as `affected --json` prints it. */
export interface TesseraReason {
  kind: string;
  detail: string;
}

/** Tessera's answer for one range: `affected --json` of the built CLI. */
export interface TesseraAnswer {
  /** Affected apps; null when Tessera failed. */
  apps: { name: string; reasons: TesseraReason[] }[] | null;
  unownedFiles: string[];
  /** `stats.cache` of the run: hit, update or miss. */
  cache: string | null;
  ms: number;
  error: RunError | null;
}

/** A project as Tessera's snapshot of the range's head commit has it. */
export interface SnapshotProject {
  name: string;
  root: string;
  type: 'application' | 'library' | 'e2e';
  precision?: 'file' | 'project';
  dependsOn?: string[];
}

/** One changed file as Tessera's snapshot sees it. */
export interface ChangedFileFacts {
  path: string;
  /** The project whose root holds it most closely (nested roots win), or null. */
  owner: string | null;
  /** Whether it is a file of Tessera's file graph (some app's entry reaches it, or it was parsed on the way). */
  inGraph: boolean;
  /** Apps whose entries reach it. */
  reachedBy: string[];
}

/** What the harness read of Tessera's cached snapshot of the range's head. */
export interface SnapshotFacts {
  projects: SnapshotProject[];
  files: ChangedFileFacts[];
}

/** Everything observed for one range C~1..C, before any judgement. */
export interface RangeObservation {
  commit: string;
  subject: string;
  base: string;
  changedFiles: string[];
  judge: JudgeAnswer;
  tessera: TesseraAnswer;
  /** Null when Tessera failed or its snapshot could not be found in its cache. */
  snapshot: SnapshotFacts | null;
}

/**
 * Why Tessera left out an app the judge has, from the most to the least structural cause.
 * An app's class is the first that one of its explanations has in this order.
 */
export const LEFT_OUT_CLASSES = [
  'no snapshot',
  'project not discovered',
  'not an app to Tessera',
  'unowned file',
  'config change judged irrelevant',
  'outside project-level inputs',
  'file-level precision: changed file not an input',
  'no changed file',
] as const;
export type LeftOutClass = (typeof LEFT_OUT_CLASSES)[number];

/** Why one changed file does not reach a left-out app. */
export interface FileExplanation {
  path: string;
  owner: string | null;
  class: LeftOutClass;
  why: string;
}

/** An app the judge has and Tessera has not, with Tessera's view of every changed file. */
export interface LeftOutApp {
  app: string;
  class: LeftOutClass;
  /** The app's own state in Tessera's snapshot, e.g. `library`, `application (file precision)`, `absent`. */
  tesseraView: string;
  files: FileExplanation[];
}

/** The judgement of one range. */
export interface RangeComparison {
  commit: string;
  subject: string;
  changedFiles: number;
  /** The judge's applications (in Tessera's names where Tessera knows the project); null when the judge failed. */
  judgeApps: string[] | null;
  /** Packages of a `packages` judge that Tessera does not count as applications (not compared). */
  judgeNonApps: string[];
  tesseraApps: string[] | null;
  /** Tessera − judge, each with Tessera's first reason. */
  beyond: { app: string; reason: string }[];
  /** judge − Tessera. */
  leftOut: LeftOutApp[];
  /** Tessera ⊆ judge; null when either failed. */
  subset: boolean | null;
  errors: { tool: 'judge' | 'tessera'; error: RunError }[];
  ms: { tessera: number; judge: number };
  tesseraCache: string | null;
}

/** The cold runs before the loop (HEAD~1..HEAD), which warm both tools' caches. */
export interface WarmUp {
  tesseraMs: number;
  tesseraCache: string | null;
  judgeMs: number;
  error: string | null;
}

/** The whole run, as `--json FILE` writes it. */
export interface ConformanceResult {
  repository: string;
  pin: string;
  judge: { name: string; version: string; command: string };
  tessera: { version: string; command: string };
  /** Each commit was checked out before it was asked about (else Tessera analysed it in a temporary worktree). */
  checkout: boolean;
  warmUp: WarmUp;
  ranges: RangeComparison[];
  summary: ConformanceSummary;
}

/** The numbers of a run, for the summary and the BENCHMARKS.md row. */
export interface ConformanceSummary {
  ranges: number;
  /** Ranges where the judge or Tessera failed. */
  errors: number;
  /** Ranges both answered where Tessera ⊆ judge. */
  subsetRanges: number;
  /** Ranges both answered where judge ⊆ Tessera (nothing left out). */
  completeRanges: number;
  comparedRanges: number;
  /** App × range pairs Tessera has beyond the judge. */
  beyond: number;
  /** App × range pairs the judge has and Tessera left out, by class (classes with none are absent). */
  leftOut: number;
  leftOutByClass: Partial<Record<LeftOutClass, number>>;
  medianMs: { tessera: number | null; judge: number | null };
}
