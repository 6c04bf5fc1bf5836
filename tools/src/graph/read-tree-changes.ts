import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { parseNameStatus } from '../git/read-change-set.js';
import { runGit } from '../git/run-git.js';
import type { TreeChanges } from './plan-graph-update.js';

/** Changes after which the previous graph cannot simply be updated: they may change how anything resolves. */
const RESOLUTION_FILES = /(^|\/)(package\.json|tsconfig[^/]*\.json|jsconfig\.json|nx\.json|project\.json|tessera\.config\.json|package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock)$/;
/** Past this many changed files a full analysis is as cheap as an update. */
const MAX_UPDATED_FILES = 500;

/** What the working tree holds at a dirty path: a file, nothing, or something an update does not follow (a symlink, a folder). */
function readDirtyKind(root: string, path: string): 'file' | 'gone' | 'other' {
  const stat = lstatSync(join(root, path), { throwIfNoEntry: false });
  return !stat ? 'gone' : stat.isFile() ? 'file' : 'other';
}

/**
 * What changed between a snapshot of `baseTree` and this revision (`tree`, plus the working
 * tree's `dirty` files, of which `inTree` says which the tree has), or null when an update
 * cannot follow it: a file that steers resolution changed, a type changed (a file became a
 * symlink), a dirty path is not a regular file, or too many files changed.
 */
export async function readTreeChanges(root: string, baseTree: string, tree: string, dirty: readonly string[], inTree: (path: string) => boolean): Promise<TreeChanges | null> {
  const out = await runGit(root, ['diff-tree', '-r', '--no-renames', '--name-status', '-z', '--relative', '--end-of-options', baseTree, tree], { okExitCodes: [0, 128] });
  if (out.exitCode !== 0) return null;
  /** Whether each changed path is in the snapshot's tree, and whether it is there now. */
  const sides = new Map<string, { before: boolean; after: boolean }>();
  for (const change of parseNameStatus(out.stdout)) {
    if (change.status === 'added') sides.set(change.path, { before: false, after: true });
    else if (change.status === 'modified') sides.set(change.path, { before: true, after: true });
    else if (change.status === 'deleted') sides.set(change.path, { before: true, after: false });
    else return null;
  }
  for (const path of dirty) {
    const kind = readDirtyKind(root, path);
    if (kind === 'other') return null;
    const before = sides.get(path)?.before ?? inTree(path);
    sides.set(path, { before, after: kind === 'file' });
  }
  if (sides.size > MAX_UPDATED_FILES) return null;
  const changes: TreeChanges = { modified: [], added: [], deleted: [] };
  for (const [path, { before, after }] of sides) {
    if (RESOLUTION_FILES.test(path)) return null;
    if (before && after) changes.modified.push(path);
    else if (after) changes.added.push(path);
    else if (before) changes.deleted.push(path);
  }
  return changes;
}

/** True when an update from a snapshot has nothing to do: this revision's own, or one of a tree that differs only outside the workspace. */
export const isUnchanged = (changes: TreeChanges) => !changes.modified.length && !changes.added.length && !changes.deleted.length;
