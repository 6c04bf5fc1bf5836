import { describe, expect, it } from 'vitest';
import { classifyLeftOut, compareRange, median, resolveJudgeApps, summarizeRanges } from '../../conformance/compare-range.js';
import type { ChangedFileFacts, JudgeAnswer, RangeObservation, SnapshotProject, TesseraAnswer } from '../../conformance/conformance-types.js';

const app = (name: string, root: string, more: Partial<SnapshotProject> = {}): SnapshotProject => ({ name, root, type: 'application', precision: 'file', ...more });
const lib = (name: string, root: string): SnapshotProject => ({ name, root, type: 'library' });
const file = (path: string, owner: string | null, reachedBy: string[] = [], inGraph = reachedBy.length > 0): ChangedFileFacts => ({ path, owner, inGraph, reachedBy });

const PROJECTS = [app('shop', 'apps/shop'), app('admin', 'apps/admin'), app('docs', 'apps/docs', { precision: 'project', dependsOn: ['ui'] }), lib('ui', 'libs/ui'), { name: 'shop-e2e', root: 'apps/shop-e2e', type: 'e2e' as const }];

/** An observation: the judge's and Tessera's app names, the changed files with their facts. */
function observe(options: { judge: string[] | null; kind?: JudgeAnswer['kind']; roots?: Record<string, string>; tessera: string[] | null; files?: ChangedFileFacts[]; unowned?: string[]; projects?: SnapshotProject[] | null }): RangeObservation {
  const files = options.files ?? [];
  const tessera: TesseraAnswer = options.tessera
    ? { apps: options.tessera.map((name) => ({ name, reasons: [{ kind: 'input', detail: `a file of ${name} changed` }] })), unownedFiles: options.unowned ?? [], cache: 'update', ms: 120, error: null }
    : { apps: null, unownedFiles: [], cache: null, ms: 80, error: { exitCode: 2, stderr: ['TESSERA_WORKSPACE_INVALID'] } };
  const judge: JudgeAnswer = options.judge
    ? { kind: options.kind ?? 'apps', projects: options.judge.map((name) => ({ name, ...(options.roots?.[name] ? { root: options.roots[name] } : {}) })), ms: 900, error: null }
    : { kind: options.kind ?? 'apps', projects: [], ms: 400, error: { exitCode: 1, stderr: ['NX Failed to process project graph'] } };
  const projects = options.projects === undefined ? PROJECTS : options.projects;
  return { commit: 'c0ffee', subject: 'a change', base: 'c0ffee~1', changedFiles: files.map((f) => f.path), judge, tessera, snapshot: projects && options.tessera ? { projects, files } : null };
}

describe('compareRange: the two sets', () => {
  it.each([
    { name: 'equal sets', judge: ['admin', 'shop'], tessera: ['shop', 'admin'], beyond: [], leftOut: [], subset: true },
    { name: 'Tessera narrower', judge: ['admin', 'shop'], tessera: ['shop'], beyond: [], leftOut: ['admin'], subset: true },
    { name: 'Tessera wider', judge: ['shop'], tessera: ['admin', 'shop'], beyond: ['admin'], leftOut: [], subset: false },
    { name: 'disjoint', judge: ['admin'], tessera: ['shop'], beyond: ['shop'], leftOut: ['admin'], subset: false },
    { name: 'both empty', judge: [], tessera: [], beyond: [], leftOut: [], subset: true },
  ])('$name', ({ judge, tessera, beyond, leftOut, subset }) => {
    const range = compareRange(observe({ judge, tessera }));
    expect(range.beyond.map((b) => b.app)).toEqual(beyond);
    expect(range.leftOut.map((l) => l.app)).toEqual(leftOut);
    expect(range.subset).toBe(subset);
    expect(range.errors).toEqual([]);
  });

  it('Tessera − judge carries Tessera\'s first reason', () => {
    expect(compareRange(observe({ judge: [], tessera: ['shop'] })).beyond).toEqual([{ app: 'shop', reason: 'a file of shop changed' }]);
  });

  it('a failed tool is an error, and the range is not compared (no subset, no differences)', () => {
    for (const range of [compareRange(observe({ judge: null, tessera: ['shop'] })), compareRange(observe({ judge: ['shop'], tessera: null }))]) {
      expect(range.subset).toBeNull();
      expect(range.beyond).toEqual([]);
      expect(range.leftOut).toEqual([]);
      expect(range.errors).toHaveLength(1);
    }
    expect(compareRange(observe({ judge: null, tessera: null })).errors.map((e) => e.tool)).toEqual(['judge', 'tessera']);
  });
});

describe('resolveJudgeApps', () => {
  it('a packages judge keeps only what Tessera calls an application, matched by name or folder', () => {
    const observation = observe({ judge: ['@acme/shop', 'ui', 'shop-e2e', 'admin', 'ghost'], kind: 'packages', roots: { '@acme/shop': 'apps/shop/' }, tessera: [] });
    expect(resolveJudgeApps(observation)).toEqual({ apps: ['admin', 'shop'], nonApps: ['ghost', 'shop-e2e', 'ui'] });
  });

  it('an apps judge keeps every app, in Tessera\'s name where the folder matches', () => {
    const observation = observe({ judge: ['web', 'ghost'], roots: { web: 'apps/shop' }, tessera: [] });
    expect(resolveJudgeApps(observation)).toEqual({ apps: ['ghost', 'shop'], nonApps: [] });
  });
});

describe('classifyLeftOut', () => {
  const classOf = (options: Parameters<typeof observe>[0], name = 'admin') => classifyLeftOut(name, observe(options));

  it.each([
    { name: 'Tessera has no snapshot', options: { judge: ['admin'], tessera: [], projects: null }, expected: 'no snapshot' },
    { name: 'Tessera does not know the project', options: { judge: ['ghost'], tessera: [] }, app: 'ghost', expected: 'project not discovered' },
    { name: 'Tessera calls it a library', options: { judge: ['ui'], tessera: [] }, app: 'ui', expected: 'not an app to Tessera' },
    { name: 'Tessera calls it an e2e project', options: { judge: ['shop-e2e'], tessera: [] }, app: 'shop-e2e', expected: 'not an app to Tessera' },
    { name: 'a changed file no rule claimed', options: { judge: ['admin'], tessera: [], files: [file('.github/ci.yml', null)], unowned: ['.github/ci.yml'] }, expected: 'unowned file' },
    { name: 'a lockfile change a rule read and dismissed', options: { judge: ['admin'], tessera: [], files: [file('pnpm-lock.yaml', null)] }, expected: 'config change judged irrelevant' },
    { name: 'a nested tsconfig', options: { judge: ['admin'], tessera: [], files: [file('libs/ui/tsconfig.lib.json', 'ui')] }, expected: 'config change judged irrelevant' },
    { name: 'a library file the app does not import', options: { judge: ['admin'], tessera: ['shop'], files: [file('libs/ui/src/button.tsx', 'ui', ['shop'])] }, expected: 'file-level precision: changed file not an input' },
    { name: 'a file of another app', options: { judge: ['admin'], tessera: ['shop'], files: [file('apps/shop/src/page.tsx', 'shop', ['shop'])] }, expected: 'file-level precision: changed file not an input' },
    { name: 'a project-level app and a file outside its folders', options: { judge: ['docs'], tessera: [], files: [file('libs/other/x.ts', null)] }, app: 'docs', expected: 'outside project-level inputs' },
    { name: 'no changed file at all', options: { judge: ['admin'], tessera: [], files: [] }, expected: 'no changed file' },
  ])('$name → $expected', ({ options, app: name, expected }) => {
    expect(classOf(options, name).class).toBe(expected);
  });

  it('the most structural cause wins, and every file keeps its own explanation', () => {
    const left = classOf({ judge: ['admin'], tessera: ['shop'], files: [file('libs/ui/src/button.tsx', 'ui', ['shop']), file('yarn.lock', null), file('README.md', null)], unowned: ['README.md'] });
    expect(left.class).toBe('unowned file');
    expect(left.tesseraView).toBe('application (file precision)');
    expect(left.files.map((f) => [f.path, f.owner, f.class])).toEqual([
      ['libs/ui/src/button.tsx', 'ui', 'file-level precision: changed file not an input'],
      ['yarn.lock', null, 'config change judged irrelevant'],
      ['README.md', null, 'unowned file'],
    ]);
    expect(left.files[0]!.why).toBe('in ui (library); in the file graph, reached by shop but not by admin');
  });

  it('a file outside the graph says so; a project-level app names its input folders', () => {
    expect(classOf({ judge: ['admin'], tessera: [], files: [file('libs/ui/src/unused.ts', 'ui')] }).files[0]!.why).toBe("in ui (library); not in the file graph (no app's entries import it)");
    expect(classOf({ judge: ['docs'], tessera: [], files: [file('apps/shop/x.ts', 'shop')] }, 'docs').files[0]!.why).toContain('its inputs are the folders of docs, ui');
  });
});

describe('summarizeRanges', () => {
  it('counts errors, subsets, differences by class and takes medians of the runs that answered', () => {
    const ranges = [
      compareRange(observe({ judge: ['admin', 'shop'], tessera: ['shop'], files: [file('yarn.lock', null)] })),
      compareRange(observe({ judge: ['shop'], tessera: ['admin', 'shop'] })),
      compareRange(observe({ judge: ['ghost', 'admin'], tessera: [], files: [file('x.md', null)], unowned: ['x.md'] })),
      compareRange(observe({ judge: null, tessera: ['shop'] })),
    ];
    const summary = summarizeRanges(ranges);
    expect(summary).toEqual({
      ranges: 4,
      errors: 1,
      comparedRanges: 3,
      subsetRanges: 2,
      completeRanges: 1,
      beyond: 1,
      leftOut: 3,
      leftOutByClass: { 'config change judged irrelevant': 1, 'project not discovered': 1, 'unowned file': 1 },
      medianMs: { tessera: 120, judge: 900 },
    });
  });

  it.each([
    { values: [], expected: null },
    { values: [5], expected: 5 },
    { values: [9, 1, 5], expected: 5 },
    { values: [4, 1, 3, 2], expected: 3 },
  ])('median($values) = $expected', ({ values, expected }) => expect(median(values)).toBe(expected));
});
