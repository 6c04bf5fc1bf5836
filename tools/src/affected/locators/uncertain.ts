import type { AffectedInput, GraphView } from '../locator-context.js';
import type { LocatorResult } from '../reason.js';

const WHY = { 'computed-import': 'has an import() or require() with a computed path', unparseable: 'cannot be parsed', 'too-large': 'is too large to parse' };

/**
 * When an app reaches a file whose imports cannot be known exactly, any change under that
 * file's project may be something it loads: affected, with that reason (safety first).
 */
export function locateUncertainImports(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  for (const u of head.snapshot.graph.uncertain) {
    const file = head.pathOf(u.file);
    const scope = head.ownerOf(file)?.root ?? file.slice(0, Math.max(0, file.lastIndexOf('/')));
    const inScope = input.changes.filter((c) => scope === '' || c.path.startsWith(scope + '/') || (c.previousPath ?? '').startsWith(scope + '/'));
    if (inScope.length === 0) continue;
    const apps = head.appsReaching(u.file);
    for (const change of inScope) {
      result.claimed.push(change.path);
      for (const app of apps) {
        result.hits.push({ app, reason: { kind: 'uncertain', file: change.path, chain: head.chain(app, u.file), detail: `${file} ${WHY[u.kind]} (${u.detail}); any file under ${scope || 'the workspace'} may be loaded` } });
      }
    }
  }
  return result;
}
