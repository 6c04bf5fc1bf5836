import { describe, expect, it } from 'vitest';
import { isRunInterrupted, type OpenRun, type RunsOwner } from '../../../tools/src/runs/is-run-interrupted.js';

const self: RunsOwner = { host: 'box', pid: 100, startedAt: Date.parse('2025-03-01T10:00:00.000Z') };
const before = '2025-03-01T09:59:59.999Z';
const after = '2025-03-01T10:00:00.000Z';
const alive = new Set([200]);
const isAlive = (pid: number) => alive.has(pid);

describe('isRunInterrupted', () => {
  it.each<[string, OpenRun, boolean]>([
    ['a dead process on this host, even after we started', { start: after, owner: { host: 'box', pid: 300 } }, true],
    ['a live process on this host, even before we started', { start: before, owner: { host: 'box', pid: 200 } }, false],
    ['our own run', { start: after, owner: { host: 'box', pid: 100 } }, false],
    ['an earlier process that had our pid (a container restart)', { start: before, owner: { host: 'box', pid: 100 } }, true],
    ['another host, before we started', { start: before, owner: { host: 'elsewhere', pid: 200 } }, true],
    ['another host, since we started', { start: after, owner: { host: 'elsewhere', pid: 300 } }, false],
    ['no owner, before we started', { start: before, owner: null }, true],
    ['no owner, since we started', { start: after, owner: null }, false],
  ])('%s → %s', (_, run, interrupted) => {
    expect(isRunInterrupted(run, self, isAlive)).toBe(interrupted);
  });
});
