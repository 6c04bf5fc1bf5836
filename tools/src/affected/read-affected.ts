import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TesseraError, type Warning } from '../errors/tessera-error.js';
import { type ProjectSelection, selectNames } from '../workspace/select-projects.js';
import { type ChangeSet, type ChangeSetOptions, readChangeSet } from '../git/read-change-set.js';
import { readFileAtCommit } from '../git/read-repository.js';
import type { GraphSnapshot } from '../graph/graph-cache.js';
import { readFileTable } from '../graph/file-graph.js';
import { loadGraph } from '../graph/load-graph.js';
import { readConfig, readWorkspaceText } from '../workspace/read-workspace.js';
import { isObject, parseJson } from '../workspace/parse-json.js';
import type { ResolvedConfig } from '../workspace/config.js';
import { type AffectedResult, computeAffected } from './compute-affected.js';
import type { FileVersions, LockfileVersions } from './locator-context.js';
import { LOCKFILES, UnreadableLockfile } from '../workspace/parse-lockfile.js';
import { readLockfileCache } from '../workspace/read-lockfile.js';

export interface ReadAffectedOptions extends Omit<ChangeSetOptions, 'base'> {
  root: string;
  /** @default nx.json `defaultBase`, else "main" */
  base?: string;
  projectsFrom?: 'tessera' | 'nx';
  /** Which affected apps and test projects to report (`--projects`, `--exclude`); every one when absent. */
  selection?: ProjectSelection;
  /** The command's resolved configuration; read from `<root>/tessera.config.json` when the caller has none yet. */
  config?: ResolvedConfig;
  /** Where TESSERA_GRAPH_SHARE and TESSERA_STORE are read (graph snapshots in the store). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The answer of `tessera affected`, as printed by `--json`. */
export interface AffectedReport extends AffectedResult {
  base: string;
  head: string;
  mergeBase: string | null;
  headCommit: string;
  policy: string;
  /** Affected apps and test projects the command's selection (`--projects`, `--exclude`) leaves out. */
  deselected: string[];
  warnings: Warning[];
  stats: {
    changedFiles: number; affectedApps: number; totalApps: number; graphFiles: number; cache: 'hit' | 'update' | 'miss'; baseGraph: boolean; durationMs: number;
    /** Graph snapshots in the store, when sharing is on: the commit whose snapshot was read, whether head's was written, and the requests made. */
    snapshot: { readFrom: string | null; written: boolean; requests: number } | null;
  };
  /** The head snapshot, for --why and other commands (not printed). */
  snapshot: GraphSnapshot;
  changeSet: ChangeSet;
}

const CONFIG_NAME = /(^|\/)(package\.json|tsconfig[^/]*\.json|nx\.json|project\.json|tessera\.config\.json)$|^pnpm-workspace\.yaml$/;

/**
 * The affected apps and test projects the selection keeps. A pattern that names one project
 * exactly and matches none is a usage error (a typo would otherwise look like "nothing").
 */
function applySelection(result: AffectedResult, head: GraphSnapshot, selection: ProjectSelection | undefined): AffectedResult {
  const projects = [...head.projects, ...head.excluded.map((p) => ({ name: p.name, tags: [] }))];
  const apps = selectNames(result.apps.map((a) => a.name), projects, selection);
  const tests = selectNames(result.testProjects.map((t) => t.name), projects, selection);
  if (apps.unknown.length) {
    const known = head.projects.filter((p) => p.type === 'application').map((p) => p.name);
    throw new TesseraError('TESSERA_UNKNOWN_APP', `--projects/--exclude name ${apps.unknown.map((n) => `"${n}"`).join(', ')}, which ${apps.unknown.length > 1 ? 'are' : 'is'} no project of this workspace`, {
      hint: `Apps: ${known.join(', ')}. Use a glob (shop-*) or a tag (tag:scope:web) to select several.`,
    });
  }
  return { ...result, apps: result.apps.filter((a) => apps.kept.includes(a.name)), testProjects: result.testProjects.filter((t) => tests.kept.includes(t.name)) };
}

/** The default base: nx.json `defaultBase`, else `main`. */
export function readDefaultBase(root: string): string {
  const text = readWorkspaceText(root, 'nx.json');
  if (text === null) return 'main';
  const parsed = parseJson(text, 'nx.json');
  return parsed.ok && isObject(parsed.value) && typeof parsed.value.defaultBase === 'string' ? parsed.value.defaultBase : 'main';
}

/**
 * Works out which apps a change touches: reads the change set from git, loads (or builds)
 * the file graph of head (and of the merge-base when a project was removed or moved),
 * reads both versions of changed configuration files, and runs the locators.
 */
export async function readAffected(options: ReadAffectedOptions): Promise<AffectedReport> {
  const started = performance.now();
  const { root } = options;
  const config = options.config ?? readConfig(root);
  const base = options.base ?? readDefaultBase(root);
  const changeSet = await readChangeSet(root, { ...options, base });
  const warnings: Warning[] = [];
  const head = await loadGraph({
    root, config, warnings, projectsFrom: options.projectsFrom, env: options.env, shareBase: changeSet.mergeBase ?? undefined, deferPush: true,
    revision: changeSet.headKind === 'worktree' ? { kind: 'worktree' } : { kind: 'commit', commit: changeSet.headCommit, tree: changeSet.headTree },
  });

  // Awaited below; an error before then leaves it to finish or be cut short (a store write is all or nothing).
  head.pushed?.catch(() => {});

  const fromCommit = changeSet.mergeBase ?? changeSet.headCommit;
  const projectFileMoved = changeSet.changes.some((c) => (c.status === 'deleted' || c.status === 'renamed') && /(^|\/)(project|package)\.json$/.test(c.previousPath ?? c.path));
  const baseSnapshot = projectFileMoved ? await loadGraph({ root, config, warnings, projectsFrom: options.projectsFrom, env: options.env, revision: { kind: 'commit', commit: fromCommit } }) : null;

  const versions = new Map<string, FileVersions>();
  // Files tsconfigs extend can have any name (packages/tsconfig/base.json): their text is read too.
  const extended = new Set([head, baseSnapshot].flatMap((s) => (s ? Object.values(s.tsconfigExtends).flat() : [])));
  for (const change of changeSet.changes) {
    const name = change.path.split('/').pop()!;
    if (!CONFIG_NAME.test(change.path) && !LOCKFILES.includes(name) && !extended.has(change.path) && !extended.has(change.previousPath ?? '')) continue;
    const before = change.status === 'added' ? null : await readFileAtCommit(root, fromCommit, change.previousPath ?? change.path);
    let after: string | null = null;
    if (change.status !== 'deleted') {
      if (changeSet.headKind === 'worktree') after = existsSync(join(root, change.path)) ? readFileSync(join(root, change.path), 'utf8') : null;
      else after = await readFileAtCommit(root, changeSet.headCommit, change.path);
    }
    versions.set(change.path, { before, after });
  }

  // Lockfiles parse once per blob (memory, then <cacheDir>/cache/lockfiles): a 3 MB pnpm-lock.yaml is the slow part otherwise.
  const lockfiles = new Map<string, LockfileVersions>();
  const cache = readLockfileCache(root, config.cacheDir);
  const load = (path: string, text: string | null) => {
    if (text === null) return null;
    try {
      return cache.load(path, text);
    } catch (error) {
      if (error instanceof UnreadableLockfile) return error;
      throw error;
    }
  };
  for (const [path, v] of versions) if (LOCKFILES.includes(path.split('/').pop()!)) lockfiles.set(path, { before: load(path, v.before), after: load(path, v.after) });

  const computed = computeAffected({ changes: changeSet.changes, head, base: baseSnapshot, versions, lockfiles, config });
  const result = applySelection(computed, head, options.selection);
  // The head's snapshot was pushed while the answer was worked out: its warnings and report first.
  await head.pushed;
  warnings.push(...result.warnings,...head.graph.warnings, ...(baseSnapshot?.graph.warnings ?? []));
  return {
    base: changeSet.base,
    head: changeSet.head,
    mergeBase: changeSet.mergeBase,
    headCommit: changeSet.headCommit,
    policy: changeSet.policy,
    ...result,
    deselected: [...computed.apps, ...computed.testProjects].map((a) => a.name).filter((n) => !result.apps.some((a) => a.name === n) && !result.testProjects.some((t) => t.name === n)),
    warnings,
    stats: {
      changedFiles: changeSet.changes.length,
      affectedApps: result.apps.length,
      totalApps: head.projects.filter((p) => p.type === 'application').length,
      graphFiles: readFileTable(head.graph).count,
      cache: head.cache,
      baseGraph: baseSnapshot !== null,
      durationMs: Math.round(performance.now() - started),
      snapshot: head.shared && { readFrom: head.shared.read?.commit ?? null, written: head.shared.pushed?.result === 'created', requests: head.shared.requests + (baseSnapshot?.shared?.requests ?? 0) },
    },
    snapshot: head,
    changeSet,
  };
}
