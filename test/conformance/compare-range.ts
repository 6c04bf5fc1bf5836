/**
 * The pure half of the conformance harness: from what a range observed (judge's answer,
 * Tessera's answer, Tessera's snapshot) to a judgement — which apps Tessera has beyond the
 * judge, which it left out and, for each of those, why none of the changed files reaches it
 * in Tessera's model. Then the run's summary. No I/O.
 */
import { type ChangedFileFacts, type FileExplanation, LEFT_OUT_CLASSES, type LeftOutApp, type LeftOutClass, type RangeComparison, type RangeObservation, type SnapshotFacts, type SnapshotProject, type ConformanceSummary } from './conformance-types.js';

/** Files Tessera reads as configuration: a rule (lockfile, package.json, tsconfig, Nx config) decides what their change affects. */
const CONFIG_FILE = /(^|\/)(package\.json|project\.json|nx\.json|tessera\.config\.json|tsconfig[^/]*\.json|jsconfig\.json|package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock)$/;

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

/** Tessera's project for a judge's project: same name, else same folder. */
function findTesseraProject(snapshot: SnapshotFacts | null, name: string, root?: string): SnapshotProject | undefined {
  if (!snapshot) return undefined;
  return snapshot.projects.find((p) => p.name === name) ?? (root !== undefined ? snapshot.projects.find((p) => p.root === root.replace(/\/$/, '')) : undefined);
}

/**
 * The judge's applications in Tessera's names. A `packages` judge (Turborepo) keeps only the
 * packages Tessera classifies as applications; the rest are returned apart, not compared.
 */
export function resolveJudgeApps(observation: RangeObservation): { apps: string[]; nonApps: string[] } | null {
  const { judge, snapshot } = observation;
  if (judge.error) return null;
  const apps: string[] = [];
  const nonApps: string[] = [];
  for (const project of judge.projects) {
    const mine = findTesseraProject(snapshot, project.name, project.root);
    if (judge.kind === 'apps') apps.push(mine?.name ?? project.name);
    else if (mine?.type === 'application') apps.push(mine.name);
    else nonApps.push(project.name);
  }
  return { apps: sorted(apps), nonApps: sorted(nonApps) };
}

function describeProject(project: SnapshotProject | undefined): string {
  if (!project) return 'absent';
  if (project.type !== 'application') return project.type;
  return `application (${project.precision ?? 'file'} precision)`;
}

/** Why one changed file does not make Tessera count `app` as affected. */
export function explainFile(file: ChangedFileFacts, app: SnapshotProject, unowned: ReadonlySet<string>, projects: readonly SnapshotProject[]): FileExplanation {
  const ownerOf = (name: string | null) => (name === null ? undefined : projects.find((p) => p.name === name));
  const owner = ownerOf(file.owner);
  const where = owner ? `in ${owner.name} (${owner.type})` : 'in no project';
  const base = { path: file.path, owner: file.owner };
  if (unowned.has(file.path)) return { ...base, class: 'unowned file', why: `${where}; no Tessera rule claimed it (listed in unownedFiles)` };
  if (CONFIG_FILE.test(file.path)) return { ...base, class: 'config change judged irrelevant', why: `${where}; a Tessera rule read the change and found no effect on ${app.name}` };
  if (app.precision === 'project') {
    const inputs = [app.name, ...(app.dependsOn ?? [])].join(', ');
    return { ...base, class: 'outside project-level inputs', why: `${where}; ${app.name} is at project level and its inputs are the folders of ${inputs}` };
  }
  const reached = file.reachedBy.length ? `reached by ${file.reachedBy.join(', ')} but not by ${app.name}` : 'reached by no app';
  return { ...base, class: 'file-level precision: changed file not an input', why: `${where}; ${file.inGraph ? `in the file graph, ${reached}` : `not in the file graph (no app's entries import it)`}` };
}

/** The first class of LEFT_OUT_CLASSES among `classes`. */
function firstClass(classes: readonly LeftOutClass[], fallback: LeftOutClass): LeftOutClass {
  return LEFT_OUT_CLASSES.find((c) => classes.includes(c)) ?? fallback;
}

/** Classifies one app the judge has and Tessera left out. */
export function classifyLeftOut(app: string, observation: RangeObservation): LeftOutApp {
  const { snapshot } = observation;
  if (!snapshot) return { app, class: 'no snapshot', tesseraView: 'unknown', files: [] };
  const project = findTesseraProject(snapshot, app);
  if (!project) return { app, class: 'project not discovered', tesseraView: 'absent', files: [] };
  if (project.type !== 'application') return { app, class: 'not an app to Tessera', tesseraView: project.type, files: [] };
  const unowned = new Set(observation.tessera.unownedFiles);
  const files = snapshot.files.map((f) => explainFile(f, project, unowned, snapshot.projects));
  return { app, class: firstClass(files.map((f) => f.class), 'no changed file'), tesseraView: describeProject(project), files };
}

/** Judges one range: set comparison, left-out classification, errors and timings. */
export function compareRange(observation: RangeObservation): RangeComparison {
  const judge = resolveJudgeApps(observation);
  const tesseraApps = observation.tessera.apps ? sorted(observation.tessera.apps.map((a) => a.name)) : null;
  const errors: RangeComparison['errors'] = [];
  if (observation.judge.error) errors.push({ tool: 'judge', error: observation.judge.error });
  if (observation.tessera.error) errors.push({ tool: 'tessera', error: observation.tessera.error });
  const judgeSet = new Set(judge?.apps ?? []);
  const tesseraSet = new Set(tesseraApps ?? []);
  const both = judge !== null && tesseraApps !== null;
  const beyond = both
    ? tesseraApps.filter((a) => !judgeSet.has(a)).map((app) => ({ app, reason: observation.tessera.apps!.find((a) => a.name === app)?.reasons[0]?.detail ?? '' }))
    : [];
  const leftOut = both ? judge.apps.filter((a) => !tesseraSet.has(a)).map((a) => classifyLeftOut(a, observation)) : [];
  return {
    commit: observation.commit,
    subject: observation.subject,
    changedFiles: observation.changedFiles.length,
    judgeApps: judge?.apps ?? null,
    judgeNonApps: judge?.nonApps ?? [],
    tesseraApps,
    beyond,
    leftOut,
    subset: both ? beyond.length === 0 : null,
    errors,
    ms: { tessera: observation.tessera.ms, judge: observation.judge.ms },
    tesseraCache: observation.tessera.cache,
  };
}

/** The median of `values`, or null for none. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

/** The run's numbers. Timings count only ranges where that tool answered. */
export function summarizeRanges(ranges: readonly RangeComparison[]): ConformanceSummary {
  const compared = ranges.filter((r) => r.subset !== null);
  const leftOutByClass: Partial<Record<LeftOutClass, number>> = {};
  for (const r of compared) for (const l of r.leftOut) leftOutByClass[l.class] = (leftOutByClass[l.class] ?? 0) + 1;
  const answered = (tool: 'judge' | 'tessera') => ranges.filter((r) => !r.errors.some((e) => e.tool === tool)).map((r) => r.ms[tool]);
  return {
    ranges: ranges.length,
    errors: ranges.filter((r) => r.errors.length > 0).length,
    comparedRanges: compared.length,
    subsetRanges: compared.filter((r) => r.subset).length,
    completeRanges: compared.filter((r) => r.leftOut.length === 0).length,
    beyond: compared.reduce((n, r) => n + r.beyond.length, 0),
    leftOut: compared.reduce((n, r) => n + r.leftOut.length, 0),
    leftOutByClass,
    medianMs: { tessera: median(answered('tessera')), judge: median(answered('judge')) },
  };
}
