import { describe, expect, it } from 'vitest';
import { computeDependents, diffLockfiles, parseLockfile } from '../../../tools/src/workspace/parse-lockfile.js';

const npm = (version: string) =>
  JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'root' }, 'node_modules/react-dom': { version: '19.0.0', integrity: 'a', dependencies: { scheduler: '^0.25' } }, 'node_modules/scheduler': { version, integrity: version } } });

describe('lockfiles', () => {
  it('npm: finds moved packages and their dependents', () => {
    const before = parseLockfile('package-lock.json', npm('0.25.0'));
    const after = parseLockfile('package-lock.json', npm('0.26.0'));
    expect(diffLockfiles(before, after)).toEqual([{ name: 'scheduler', from: '0.25.0', to: '0.26.0' }]);
    expect([...computeDependents([after], 'scheduler')]).toEqual([['scheduler', ['scheduler']], ['react-dom', ['react-dom', 'scheduler']]]);
  });

  it('pnpm v9: packages and snapshots', () => {
    const text = (v: string) => `lockfileVersion: '9.0'\npackages:\n  scheduler@${v}:\n    resolution: {integrity: sha-${v}}\n  react-dom@19.0.0:\n    resolution: {integrity: sha-rd}\nsnapshots:\n  react-dom@19.0.0(react@19.0.0):\n    dependencies:\n      scheduler: ${v}\n  scheduler@${v}: {}\n`;
    const before = parseLockfile('pnpm-lock.yaml', text('0.25.0'));
    const after = parseLockfile('pnpm-lock.yaml', text('0.26.0'));
    expect(diffLockfiles(before, after).map((c) => c.name)).toEqual(['scheduler']);
    expect(computeDependents([after], 'scheduler').has('react-dom')).toBe(true);
  });

  it('yarn v1', () => {
    const text = (v: string) => `# yarn lockfile v1\n\nreact-dom@^19.0.0:\n  version "19.0.0"\n  integrity sha-rd\n  dependencies:\n    scheduler "^0.25.0"\n\nscheduler@^0.25.0:\n  version "${v}"\n  integrity sha-${v}\n`;
    const changes = diffLockfiles(parseLockfile('yarn.lock', text('0.25.0')), parseLockfile('yarn.lock', text('0.25.1')));
    expect(changes).toEqual([{ name: 'scheduler', from: '0.25.0', to: '0.25.1' }]);
    expect(computeDependents([parseLockfile('yarn.lock', text('0.25.1'))], 'scheduler').has('react-dom')).toBe(true);
  });
});
