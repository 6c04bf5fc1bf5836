import type { AffectedInput, GraphView } from '../locator-context.js';
import type { LocatorResult } from '../reason.js';

/** `implicitDependencies` in an app's project.json: a change in a named project affects the app. */
export function locateImplicitDependencies(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  for (const app of head.apps) {
    const names = app.implicitDependencies.filter((d) => !d.startsWith('!'));
    if (names.length === 0) continue;
    for (const change of input.changes) {
      const owner = head.ownerOf(change.path);
      if (!owner || owner.name === app.name || !(names.includes('*') || names.includes(owner.name))) continue;
      result.claimed.push(change.path);
      result.hits.push({ app: app.name, reason: { kind: 'implicit-dependency', file: change.path, key: 'implicitDependencies', detail: `${app.name} declares implicitDependencies on ${owner.name}, which owns ${change.path}` } });
    }
  }
  return result;
}
