import type { AffectedInput, GraphView } from '../locator-context.js';
import type { LocatorResult } from '../reason.js';

/**
 * A changed file of a project tessera.config.json `projects` leaves out affects nothing: the
 * file is accounted for (not unowned), unless a project nested deeper owns it.
 */
export function locateExcludedProjectChanges(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  const { excluded } = input.head;
  if (!excluded.length) return result;
  for (const change of input.changes) {
    for (const path of [change.path, change.previousPath]) {
      if (!path) continue;
      const project = excluded.filter((p) => path.startsWith(`${p.root}/`)).sort((a, b) => b.root.length - a.root.length)[0];
      if (!project) continue;
      const owner = head.ownerOf(path);
      if (owner && owner.root.length > project.root.length) continue;
      result.claimed.push(change.path);
    }
  }
  return result;
}
