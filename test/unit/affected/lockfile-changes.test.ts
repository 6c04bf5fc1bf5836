import { describe, expect, it } from 'vitest';
import { computeAffected } from '../../../tools/src/affected/compute-affected.js';
import { locateLockfileChanges } from '../../../tools/src/affected/locators/packages.js';
import { DEFAULT_CONFIG } from '../../../tools/src/workspace/config.js';
import { BASE, type LockParams, LOCK_FORMATS } from '../../support/lockfile-fixtures.js';
import { createLockfileGraph } from '../../support/lockfile-graph.js';

function affected(file: string, before: string | null, after: string | null, installed = true) {
  const input = {
    changes: [{ path: file, status: 'modified' as const }], head: createLockfileGraph(installed), base: null,
    versions: new Map([[file, { before, after }]]), config: DEFAULT_CONFIG,
  };
  return computeAffected(input as Parameters<typeof computeAffected>[0], [locateLockfileChanges]);
}

const CASES: { name: string; change: Partial<LockParams>; apps: string[]; yarnV1Apps?: string[]; package: string; detail: RegExp }[] = [
  { name: 'a transitive bump reaches the app through react-dom', change: { scheduler: '0.23.2' }, apps: ['web'], package: 'scheduler', detail: /scheduler 0\.23\.0 → 0\.23\.2 .*reached through react-dom/ },
  { name: 'an integrity-only change', change: { schedulerIntegrity: 'sha512-rebuilt' }, apps: ['web'], package: 'scheduler', detail: /integrity changed/ },
  // yarn classic has no importers: both apps' react could be the moved copy.
  { name: 'one importer’s own react: only its app', change: { adminReact: '18.3.2' }, apps: ['admin'], yarnV1Apps: ['admin', 'web'], package: 'react', detail: /react .*18\.3\.1 → .*18\.3\.2/ },
  { name: 'a build-tool package: every app', change: { typescript: '5.5.0' }, apps: ['admin', 'static', 'web'], package: 'typescript', detail: /build tool chain/ },
];

describe.each(LOCK_FORMATS)('lockfile changes, $format', ({ format, file, text }) => {
  it.each(CASES)('$name', ({ change, apps, yarnV1Apps, package: pkg, detail }) => {
    for (const installed of [true, false]) {
      const r = affected(file, text(BASE), text({ ...BASE, ...change }), installed);
      expect(r.apps.map((a) => a.name), `node_modules ${installed ? 'installed' : 'absent'}`).toEqual(format === 'yarn v1' && yarnV1Apps ? yarnV1Apps : apps);
      const reason = r.apps.find((a) => a.name === apps[0])!.reasons[0]!;
      expect(reason).toMatchObject({ kind: 'lockfile', file, package: pkg });
      expect(reason.detail).toMatch(detail);
      expect(r.unownedFiles).toEqual([]);
    }
  });

  it('an unchanged resolution (reformatted lockfile) affects nothing', () => {
    expect(affected(file, text(BASE), text(BASE) + '\n').apps).toEqual([]);
  });
});

describe('an unreadable lockfile', () => {
  it.each([
    ['package-lock.json', '{ "packages": '],
    ['bun.lockb', '\u0000bun-binary'],
  ])('%s: a warning, and the apps importing packages are affected (not every app)', (file, after) => {
    const r = affected(file, file === 'bun.lockb' ? '\u0000old' : LOCK_FORMATS[0].text(BASE), after);
    expect(r.apps.map((a) => a.name)).toEqual(['admin', 'web']);
    expect(r.apps[0]!.reasons[0]).toMatchObject({ kind: 'lockfile', file, detail: expect.stringContaining('cannot be read') });
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'TESSERA_LOCKFILE_UNREADABLE', location: { file } })]);
  });
});
