/**
 * Property test: `tessera affected` never misses an app.
 *
 * For random workspaces (test/support/random-workspace.ts) of two shapes (an Nx workspace with
 * path aliases and node_modules; npm workspaces analysed before any install, libraries imported
 * by package name with `main` in an absent dist, Vite index.html entries, every tsconfig
 * extending a shared tsconfig package) and random edits, one commit
 * each, it compares Tessera's answer for HEAD~1..HEAD with the truth worked out by building
 * every app with esbuild at both revisions (each checked out in its own git worktree):
 *
 *  - bytes: an app is affected when the bytes of its bundle (every output file: JS chunks,
 *    CSS, assets; npm packages bundled, not external) differ between the two revisions. An
 *    esbuild error counts as the output "ERROR:<messages>", so a broken import is a change.
 *  - lockfile: a lockfile bump changes no bytes here (node_modules is the same directory
 *    at both revisions), so the truth is the apps whose head bundle reads a file of a
 *    package whose entry in package-lock.json moved (`node_modules/<pkg>/...` among the
 *    metafile inputs).
 *  - types: `import type` is erased, so a change to an interface changes no bytes; but the
 *    app's type-check reads it. Approximation: starting from the app's bundle inputs,
 *    follow `import type ... from` specifiers, and from files reached that way follow every
 *    `from '...'` specifier (barrels' `export *`, `import type` between models files),
 *    resolving with the revision's tsconfig paths; an app is affected when a changed path
 *    (either side of a rename) is in that set at either revision. It is a regex scan, good
 *    enough for the generator's code, not a TypeScript program.
 *
 * Set AFFECTED_PROPERTY_VERBOSE=1 to print every edit with its truth and reported apps.
 *
 * The property: truth ⊆ reported (no misses). Extras (reported, not in the truth) are the
 * price of being file-level and conservative; they are counted and printed, not asserted.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { readAffected } from '../../tools/src/affected/read-affected.js';
import { type EditKind, NODE_MODULES, PACKAGES, RandomWorkspace, resolveSpec, TSCONFIG_BASE, type WorkspaceShape } from '../support/random-workspace.js';

/** Seeds and edits per seed: 7 kinds × 5 seeds = 35 planned edits, plus a revert after each breaking one. */
const SEEDS = [1, 2, 3, 4, 5];
/** Seeds of the `packages` shape (npm workspaces, no node_modules, libraries by package name). */
const PACKAGE_SEEDS = [1, 2, 3];
const EDITS_PER_SEED = 7;

interface AppBuild {
  /** Hash of the sorted hashes of every output file, or of "ERROR:<messages>". */
  hash: string;
  error: string | null;
  /** Metafile inputs (paths relative to the worktree; node_modules ones may climb out of it). */
  inputs: string[];
  /** Files the app reaches only through `import type` (see the header). */
  typeReach: Set<string>;
}
type RevisionBuild = Map<string, AppBuild>;

/** One checked edit, kept for the summary and for the self-check at the end. */
interface Case {
  shape: WorkspaceShape;
  seed: number;
  kind: EditKind;
  description: string;
  files: string[];
  truth: string[];
  reported: string[];
  /** Why each truth app is in the truth. */
  why: Record<string, string[]>;
}
const cases: Case[] = [];
const worktreeRoot = mkdtempSync(join(tmpdir(), 'tessera-prop-wt-'));

const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

const TYPE_IMPORT = /\b(?:import|export)\s+type\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/g;
const ANY_FROM = /\b(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/g;

/**
 * How imports of libraries resolve at one revision: the nx shape's tsconfig paths; in the
 * `packages` shape, as installed packages built from source would (`@w/x` → src/index.ts,
 * `@w/x/deep` → src/deep): the truth's own rule, written apart from Tessera's resolution.
 */
function readTruthAliases(dir: string, shape: WorkspaceShape, libs: readonly string[]): Record<string, string[]> {
  if (shape === 'nx') return JSON.parse(readFileSync(join(dir, 'tsconfig.base.json'), 'utf8')).compilerOptions?.paths ?? {};
  return Object.fromEntries(libs.flatMap((lib) => [[`@w/${lib}`, [`libs/${lib}/src/index.ts`]], [`@w/${lib}/*`, [`libs/${lib}/src/*`]]]));
}

/** The files app reaches through `import type` only, starting from its bundle inputs. */
function computeTypeReach(dir: string, inputs: string[], aliases: Record<string, string[]>): Set<string> {
  const exists = (p: string) => existsSync(join(dir, p)) && statSync(join(dir, p)).isFile();
  const bundled = new Set(inputs);
  const reached = new Set<string>();
  const queue: [string, boolean][] = inputs.filter((f) => f.endsWith('.ts')).map((f) => [f, false]);
  while (queue.length) {
    const [file, viaType] = queue.pop()!;
    if (!exists(file)) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(viaType ? ANY_FROM : TYPE_IMPORT)) {
      const target = resolveSpec(file, m[1]!, aliases, exists);
      if (!target || bundled.has(target) || reached.has(target)) continue;
      reached.add(target);
      queue.push([target, true]);
    }
  }
  return reached;
}

const builds = new Map<string, RevisionBuild>();

/** Builds every app at `commit` in a temporary worktree (memoised by commit). */
async function buildRevision(ws: RandomWorkspace, commit: string): Promise<RevisionBuild> {
  const known = builds.get(commit);
  if (known) return known;
  // Same depth for every worktree, so relative paths into node_modules print alike.
  const dir = join(worktreeRoot, commit.slice(0, 16));
  git(ws.dir, 'worktree', 'add', '--detach', '-q', dir, commit);
  symlinkSync(NODE_MODULES, join(dir, 'node_modules'), 'dir');
  const result: RevisionBuild = new Map();
  const shape = ws.model.shape;
  const aliases = readTruthAliases(dir, shape, ws.model.libs);
  const exists = (p: string) => existsSync(join(dir, p)) && statSync(join(dir, p)).isFile();
  // The packages shape has no paths in any tsconfig: its libraries resolve as built packages would.
  const packagesFromSource: esbuild.Plugin = {
    name: 'packages-from-source',
    setup(build) {
      build.onResolve({ filter: /^@w\// }, (args) => {
        const target = resolveSpec('', args.path, aliases, exists);
        return target ? { path: join(dir, target) } : { errors: [{ text: `cannot resolve ${args.path}` }] };
      });
    },
  };
  try {
    for (const app of ws.apps) {
      let hash: string;
      let error: string | null = null;
      let inputs: string[] = [];
      try {
        const out = await esbuild.build({
          entryPoints: [`apps/${app}/src/main.ts`], bundle: true, write: false, format: 'esm', splitting: true, outdir: '/tmp/x', metafile: true,
          loader: { '.svg': 'file', '.png': 'file' }, jsx: 'automatic', logLevel: 'silent', absWorkingDir: dir, plugins: shape === 'packages' ? [packagesFromSource] : [],
        });
        hash = sha(out.outputFiles.map((f) => sha(f.contents)).sort().join('\n'));
        inputs = Object.keys(out.metafile.inputs).sort();
      } catch (e) {
        const errors = (e as esbuild.BuildFailure).errors ?? [{ text: String(e) }];
        error = errors.map((m) => `${m.location?.file ?? ''}: ${m.text}`).sort().join('\n');
        hash = sha(`ERROR:${error}`);
      }
      result.set(app, { hash, error, inputs, typeReach: computeTypeReach(dir, inputs, aliases) });
    }
  } finally {
    git(ws.dir, 'worktree', 'remove', '--force', dir);
  }
  builds.set(commit, result);
  return result;
}

function lockPackages(ws: RandomWorkspace, commit: string): Record<string, unknown> {
  try {
    return JSON.parse(git(ws.dir, 'show', `${commit}:package-lock.json`)).packages ?? {};
  } catch {
    return {};
  }
}

/** The apps the edit base..head really affects, each with why. */
async function computeTruth(ws: RandomWorkspace, base: string, head: string, changed: string[]): Promise<Record<string, string[]>> {
  const [before, after] = [await buildRevision(ws, base), await buildRevision(ws, head)];
  const [lockBefore, lockAfter] = [lockPackages(ws, base), lockPackages(ws, head)];
  const moved = PACKAGES.filter((p) => JSON.stringify(lockBefore[`node_modules/${p}`]) !== JSON.stringify(lockAfter[`node_modules/${p}`]));
  const why: Record<string, string[]> = {};
  const add = (app: string, reason: string) => (why[app] ??= []).push(reason);
  for (const app of ws.apps) {
    const b = before.get(app)!;
    const a = after.get(app)!;
    if (b.hash !== a.hash) add(app, a.error ? `bundle now fails: ${a.error}` : b.error ? 'bundle no longer fails' : 'bundle bytes differ');
    for (const pkg of moved) if (a.inputs.some((p) => p.includes(`node_modules/${pkg}/`))) add(app, `bundles ${pkg}, whose lockfile entry moved`);
    for (const path of changed) if (b.typeReach.has(path) || a.typeReach.has(path)) add(app, `type-checks ${path} (import type)`);
    // Every project's tsconfig extends the shared base: its compiler options are the app's.
    if (changed.includes(TSCONFIG_BASE)) add(app, `compiles with ${TSCONFIG_BASE}`);
  }
  return why;
}

/** Truth apps missing from the reported ones: what the property forbids. */
function computeMissed(truth: string[], reported: string[]): string[] {
  return truth.filter((app) => !reported.includes(app));
}

function describeCase(c: Case, missed: string[]): string {
  return [
    `${c.shape} shape, seed ${c.seed}, ${c.kind} edit: ${c.description}`,
    `  changed files: ${c.files.join(', ')}`,
    `  truth:    ${c.truth.join(', ') || '(none)'}`,
    `  reported: ${c.reported.join(', ') || '(none)'}`,
    `  MISSED:   ${missed.join(', ')}`,
    ...missed.map((app) => `    ${app}: ${c.why[app]!.join('; ')}`),
  ].join('\n');
}

afterAll(() => {
  rmSync(worktreeRoot, { recursive: true, force: true });
  const truthApps = cases.reduce((n, c) => n + c.truth.length, 0);
  const reportedApps = cases.reduce((n, c) => n + c.reported.length, 0);
  const extras = cases.reduce((n, c) => n + c.reported.filter((a) => !c.truth.includes(a)).length, 0);
  const misses = cases.reduce((n, c) => n + computeMissed(c.truth, c.reported).length, 0);
  const byKind = new Map<string, { edits: number; truth: number; reported: number; extras: number }>();
  for (const c of cases) {
    const k = byKind.get(c.kind) ?? { edits: 0, truth: 0, reported: 0, extras: 0 };
    k.edits++;
    k.truth += c.truth.length;
    k.reported += c.reported.length;
    k.extras += c.reported.filter((a) => !c.truth.includes(a)).length;
    byKind.set(c.kind, k);
  }
  const lines = [
    `affected property: ${cases.length} edits, ${truthApps} truth app(s), ${reportedApps} reported app(s), ${misses} missed, ${extras} extra (precision ${reportedApps ? ((100 * (reportedApps - extras)) / reportedApps).toFixed(1) : '100'}%)`,
    ...[...byKind].sort().map(([kind, k]) => `  ${kind.padEnd(14)} edits ${String(k.edits).padStart(2)}  truth ${String(k.truth).padStart(3)}  reported ${String(k.reported).padStart(3)}  extra ${String(k.extras).padStart(3)}`),
  ];
  console.log(lines.join('\n'));
});

describe('tessera affected on random workspaces and edits', () => {
  const runs = [...SEEDS.map((seed) => ['nx', seed] as const), ...PACKAGE_SEEDS.map((seed) => ['packages', seed] as const)];
  for (const [shape, seed] of runs) {
    it(`reports every app an edit really affects (${shape === 'nx' ? '' : 'npm workspaces without node_modules, '}seed ${seed})`, async () => {
      const ws = RandomWorkspace.create(seed, shape);
      const failures: string[] = [];
      try {
        // The generated workspace must build: otherwise the edits would compare errors.
        const initial = await buildRevision(ws, ws.git('rev-parse', 'HEAD'));
        expect([...initial].filter(([, b]) => b.error).map(([app, b]) => `${app}: ${b.error}`)).toEqual([]);

        const plan: EditKind[] = ws.planKinds(EDITS_PER_SEED);
        for (let i = 0; i < plan.length; i++) {
          const edit = ws.edit(plan[i]!);
          const head = ws.commit(`${edit.kind}: ${edit.description}`);
          const base = ws.git('rev-parse', 'HEAD~1');
          const files = ws.git('diff', '--name-only', '--no-renames', 'HEAD~1', 'HEAD').split('\n').filter(Boolean);
          const report = await readAffected({ root: ws.dir, base: 'HEAD~1', head: 'HEAD' });
          const why = await computeTruth(ws, base, head, files);
          const c: Case = { shape, seed, kind: edit.kind, description: edit.description, files, truth: Object.keys(why).sort(), reported: report.apps.map((a) => a.name).sort(), why };
          cases.push(c);
          if (process.env.AFFECTED_PROPERTY_VERBOSE) console.log(`${shape} seed ${seed} ${edit.kind}: ${edit.description}\n  truth [${c.truth}] reported [${c.reported}]`);
          const missed = computeMissed(c.truth, c.reported);
          if (missed.length) failures.push(describeCase(c, missed));
          if (edit.breaks && plan[i + 1] !== 'revert') plan.splice(i + 1, 0, 'revert');
        }
      } finally {
        ws.cleanup();
      }
      expect(failures, failures.join('\n\n')).toEqual([]);
    }, 90_000);
  }

  it('would catch a miss: dropping one reported truth app from any case makes the check fail', () => {
    const withTruth = cases.filter((c) => c.truth.length > 0);
    expect(withTruth.length).toBeGreaterThan(10);
    for (const c of withTruth) {
      const dropped = c.truth.at(-1)!;
      const broken = c.reported.filter((app) => app !== dropped);
      expect(computeMissed(c.truth, broken)).toContain(dropped);
    }
    // And every edit kind was exercised, each with at least one affected app somewhere.
    const kinds = new Set(withTruth.map((c) => c.kind));
    for (const kind of ['content', 'type-only', 'add-file', 'delete-file', 'rename', 'tsconfig-path', 'tsconfig-base', 'lockfile']) expect(kinds, `no ${kind} edit affected any app`).toContain(kind);
    // And the packages shape found affected apps of its own.
    expect(withTruth.filter((c) => c.shape === 'packages').length).toBeGreaterThan(5);
  });
});
