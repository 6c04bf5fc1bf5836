import { describe, expect, it } from 'vitest';
import { compareRange, summarizeRanges } from '../../conformance/compare-range.js';
import type { ConformanceResult, RangeComparison, RangeObservation } from '../../conformance/conformance-types.js';
import { parseNxProjectList } from '../../conformance/judge-nx.js';
import { parseTurboPackages } from '../../conformance/judge-turbo.js';
import { formatLeftOutClasses, formatRepositoryName, renderRange, renderSummary, renderSummaryHeader, renderSummaryRow } from '../../conformance/render-conformance.js';

const observation = (over: Partial<RangeObservation> = {}): RangeObservation => ({
  commit: '0123456789abcdef',
  subject: 'feat(shop): a | pipe',
  base: '0123456789abcdef~1',
  changedFiles: ['libs/ui/src/button.tsx', 'yarn.lock'],
  judge: { kind: 'apps', projects: [{ name: 'admin' }, { name: 'shop' }], ms: 1500, error: null },
  tessera: { apps: [{ name: 'shop', reasons: [{ kind: 'input', detail: 'libs/ui/src/button.tsx is imported by shop via 2 import(s)' }] }], unownedFiles: [], cache: 'update', ms: 300, error: null },
  snapshot: {
    projects: [{ name: 'shop', root: 'apps/shop', type: 'application', precision: 'file' }, { name: 'admin', root: 'apps/admin', type: 'application', precision: 'file' }, { name: 'ui', root: 'libs/ui', type: 'library' }],
    files: [{ path: 'libs/ui/src/button.tsx', owner: 'ui', inGraph: true, reachedBy: ['shop'] }, { path: 'yarn.lock', owner: null, inGraph: false, reachedBy: [] }],
  },
  ...over,
});

function result(ranges: RangeComparison[]): ConformanceResult {
  return {
    repository: 'acme/shop',
    pin: '89abcdef0123456789',
    judge: { name: 'nx', version: '23.0.0', command: 'nx show projects --affected' },
    tessera: { version: '0.1.0', command: 'tessera affected' },
    checkout: true,
    warmUp: { tesseraMs: 2100, tesseraCache: 'miss', judgeMs: 4000, error: null },
    ranges,
    summary: summarizeRanges(ranges),
  };
}

describe('renderRange', () => {
  it('shows both sets, each left-out app with its class and every file, and the timings', () => {
    expect(renderRange(compareRange(observation()), 2, 10, 'nx')).toBe(
      [
        '[3/10] 0123456789 feat(shop): a | pipe (2 changed file(s))',
        '  nx       admin, shop',
        '  tessera  shop',
        '  left out admin [config change judged irrelevant] (Tessera: application (file precision))',
        '             libs/ui/src/button.tsx: in ui (library); in the file graph, reached by shop but not by admin',
        '             yarn.lock: in no project; a Tessera rule read the change and found no effect on admin',
        '  time     tessera 300 ms (cache update), nx 1500 ms',
        '',
      ].join('\n'),
    );
  });

  it('shows a failed tool with its exit code and first stderr lines, and packages not compared', () => {
    const text = renderRange(compareRange(observation({ judge: { kind: 'packages', projects: [{ name: 'ui' }], ms: 200, error: null }, tessera: { apps: null, unownedFiles: [], cache: null, ms: 90, error: { exitCode: 2, stderr: ['error TESSERA_WORKSPACE_INVALID', 'nx.json: bad'] } } })), 0, 1, 'turbo');
    expect(text).toContain('  tessera  failed\n');
    expect(text).toContain('  error    tessera exited 2:\n             error TESSERA_WORKSPACE_INVALID\n             nx.json: bad\n');
    // The snapshot is of no use once Tessera failed: nothing is compared.
    expect(text).not.toContain('left out');
  });

  it('shows apps beyond the judge with Tessera\'s reason', () => {
    const text = renderRange(compareRange(observation({ judge: { kind: 'apps', projects: [], ms: 1, error: null } })), 0, 1, 'nx');
    expect(text).toContain('  nx       —\n');
    expect(text).toContain('  beyond   shop: libs/ui/src/button.tsx is imported by shop via 2 import(s)\n');
  });
});

describe('summary and BENCHMARKS.md row', () => {
  const ranges = [compareRange(observation()), compareRange(observation({ judge: { kind: 'apps', projects: [{ name: 'shop' }], ms: 900, error: null } }))];

  it('lists left-out classes in their order of cause, or 0', () => {
    expect(formatLeftOutClasses(summarizeRanges(ranges))).toBe('1 config change judged irrelevant');
    expect(formatLeftOutClasses(summarizeRanges([]))).toBe('0');
  });

  it('renders the summary with warm medians and the cold warm-up', () => {
    const text = renderSummary(result(ranges));
    expect(text).toContain('acme/shop @ 89abcdef0123456789: 2 range(s) against nx 23.0.0, each commit checked out\n');
    expect(text).toContain('  Tessera ⊆ judge     2 of 2 compared range(s)\n');
    expect(text).toContain('  apps left out       1 (1 config change judged irrelevant)\n');
    expect(text).toContain('  median time         tessera 300 ms, nx 1200 ms (warm)\n');
    expect(text).toContain('  cold (HEAD~1..HEAD) tessera 2100 ms (cache miss), nx 4000 ms\n');
  });

  it('renders one table row with as many cells as the header', () => {
    const row = renderSummaryRow(result(ranges));
    expect(row).toBe('| acme/shop | `89abcdef01` | nx 23.0.0 | 2 | 0 | 2/2 | 0 | 1 config change judged irrelevant | 300 ms | 1200 ms | 2100 ms / 4000 ms |\n');
    const cells = (line: string) => line.split(' | ').length;
    expect(cells(row)).toBe(cells(renderSummaryHeader().split('\n')[0]!));
  });
});

describe('adapters\' pure parsers', () => {
  it.each([
    { remote: 'https://github.com/nrwl/nx-examples.git', expected: 'nrwl/nx-examples' },
    { remote: 'git@github.com:t3-oss/create-t3-turbo.git', expected: 't3-oss/create-t3-turbo' },
    { remote: '/work/.mirror/nrwl+nx-examples/repo', expected: 'nrwl/nx-examples' },
    { remote: null, expected: 'shop' },
  ])('formatRepositoryName($remote)', ({ remote, expected }) => expect(formatRepositoryName(remote, '/src/shop/')).toBe(expected));

  it('reads Nx\'s JSON list after any notice, and refuses anything else', () => {
    expect(parseNxProjectList('NX  Daemon is disabled\n["cart","products"]\n')).toEqual(['cart', 'products']);
    expect(parseNxProjectList('[]')).toEqual([]);
    expect(parseNxProjectList('cart products')).toBeNull();
    expect(parseNxProjectList('[1,2]')).toBeNull();
  });

  it('reads turbo ls packages with their folders', () => {
    const stdout = JSON.stringify({ packageManager: 'pnpm9', packages: { count: 2, items: [{ name: '@acme/nextjs', path: 'apps/nextjs' }, { name: '@acme/ui', path: 'packages/ui' }] } });
    expect(parseTurboPackages(stdout)).toEqual([{ name: '@acme/nextjs', root: 'apps/nextjs' }, { name: '@acme/ui', root: 'packages/ui' }]);
    expect(parseTurboPackages('{"packages":{}}')).toBeNull();
    expect(parseTurboPackages('not json')).toBeNull();
  });
});
