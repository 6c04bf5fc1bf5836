import type { AffectedInput, GraphView } from '../locator-context.js';
import type { LocatorResult, Reason } from '../reason.js';

const SOURCE = /\.(tsx?|mts|cts|jsx?|mjs|cjs|css|json)$/;

/**
 * A changed file that is one of an app's inputs affects the app; the reason carries the
 * import chain from the entry. A changed file inside an app's own root affects that app even
 * when nothing imports it: source files because the build type-checks and tests the whole
 * root, other files (Markdown pages, JSON content, assets) because frameworks load them by
 * convention rather than by import.
 */
export function locateInputs(input: AffectedInput, head: GraphView): LocatorResult {
  const result: LocatorResult = { hits: [], claimed: [] };
  for (const change of input.changes) {
    if (change.status === 'deleted') continue;
    const id = head.idOf(change.path);
    if (id !== undefined) {
      result.claimed.push(change.path);
      for (const app of head.appsReaching(id)) {
        const steps = head.chainSteps(app, id) ?? [];
        const typeOnly = steps.some((s) => s.kind === 'type');
        const how = steps.length <= 1 ? 'is the entry of' : `is imported${typeOnly ? ' (as a type)' : ''} by`;
        const reason: Reason = { kind: 'input', file: change.path, chain: steps.map((s) => s.file), detail: `${change.path} ${how} ${app}${steps.length > 1 ? ` via ${steps.length - 1} import(s)` : ''}` };
        result.hits.push({ app, reason });
      }
    }
  }
  for (const change of input.changes) {
    for (const path of [change.path, change.previousPath]) {
      if (!path || path.endsWith('package.json') || path.endsWith('project.json') || /(^|\/)tsconfig[^/]*\.json$/.test(path)) continue;
      const owner = head.ownerOf(path);
      // An app at project level gets its reason, with the cause, from locateProjectLevelChanges.
      if (owner?.type !== 'application' || owner.precision === 'project') continue;
      result.claimed.push(path);
      if (head.idOf(path) !== undefined && change.status !== 'deleted') continue;
      const detail = SOURCE.test(path) ? `${path} is in ${owner.name}'s source root, which its build type-checks` : `${path} is in ${owner.name}'s folder, whose files its build may load by convention`;
      result.hits.push({ app: owner.name, reason: { kind: 'app-source', file: path, detail } });
    }
  }
  return result;
}
