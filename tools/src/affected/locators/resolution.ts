import { computeShadowedTargets, matchesUnresolved } from '../../graph/file-graph.js';
import type { AffectedInput, GraphView } from '../locator-context.js';
import type { LocatorResult } from '../reason.js';

/**
 * A file added or deleted where it can change how an existing import resolves: a new
 * `foo.ts` beside an import of `./foo` that resolved to `foo/index.ts`, or a deleted file
 * that an unchanged import still names (now unresolved, or resolving elsewhere).
 */
export function locateResolutionChanges(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  const appeared: string[] = [];
  const vanished: string[] = [];
  for (const c of input.changes) {
    if (c.status === 'added') appeared.push(c.path);
    if (c.status === 'deleted') vanished.push(c.path);
    if (c.status === 'renamed') (appeared.push(c.path), vanished.push(c.previousPath!));
  }
  for (const path of [...appeared, ...vanished]) {
    const verb = appeared.includes(path) ? 'added' : 'deleted';
    for (const target of computeShadowedTargets(path)) {
      const id = head.idOf(target);
      if (id === undefined) continue;
      result.claimed.push(path);
      for (const app of head.appsReaching(id)) {
        result.hits.push({ app, reason: { kind: 'resolution', file: path, chain: head.chain(app, id), detail: `${path} was ${verb} beside ${target}: imports that resolved to ${target} may now resolve differently` } });
      }
    }
    for (const unresolved of head.snapshot.graph.unresolved) {
      if (!matchesUnresolved(path, unresolved)) continue;
      const importer = head.pathOf(unresolved.file);
      result.claimed.push(path);
      for (const app of head.appsReaching(unresolved.file)) {
        result.hits.push({
          app,
          reason: { kind: 'resolution', file: path, chain: [...head.chain(app, unresolved.file), path], detail: `${importer} imports "${unresolved.specifier}", which named the ${verb} file ${path}` },
        });
      }
    }
  }
  return result;
}
