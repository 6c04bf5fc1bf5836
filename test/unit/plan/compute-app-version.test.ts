import { describe, expect, it } from 'vitest';
import { computeAppVersion } from '../../../tools/src/plan/plan-builds.js';
import { parseLockfile } from '../../../tools/src/workspace/parse-lockfile.js';
import { BASE, type LockParams, LOCK_FORMATS } from '../../support/lockfile-fixtures.js';
import { createLockfileGraph } from '../../support/lockfile-graph.js';

describe.each(LOCK_FORMATS.filter((f) => f.importers))('app versions pin resolved packages per importer, $format', ({ file, text }) => {
  const versions = (p: Partial<LockParams>, installed = true) => {
    const { graph } = createLockfileGraph(installed);
    const lock = parseLockfile(file, text({ ...BASE, ...p }));
    return Object.fromEntries(['web', 'admin', 'static'].map((app) => [app, computeAppVersion(graph, app, lock, 'buildspec', null).version]));
  };

  it.each([
    { name: 'a transitive bump under react-dom', change: { scheduler: '0.23.2' }, moved: ['web'] },
    { name: 'an integrity-only change', change: { schedulerIntegrity: 'sha512-rebuilt' }, moved: ['web'] },
    { name: 'admin’s own react', change: { adminReact: '18.3.2' }, moved: ['admin'] },
    { name: 'a package no app imports', change: { typescript: '5.5.0' }, moved: [] },
  ])('$name moves exactly $moved', ({ change, moved }) => {
    for (const installed of [true, false]) {
      const [before, after] = [versions({}, installed), versions(change, installed)];
      expect(Object.keys(before).filter((app) => before[app] !== after[app])).toEqual(moved);
    }
  });

  it('is the same with or without node_modules', () => {
    expect(versions({}, false)).toEqual(versions({}, true));
  });
});
