import { describe, expect, it } from 'vitest';
import { advanceReleases, type CanaryProbe, type HealthVerdict } from '../../../tools/src/release/advance-release.js';
import { runHealthCommand } from '../../../tools/src/release/run-health-command.js';
import { readRelease, updateRelease } from '../../../tools/src/release/update-release.js';
import { createFsStore } from '../../../tools/src/store/fs-store.js';
import type { Store } from '../../../tools/src/store/store.js';
import { publishTestBundle } from '../../support/publish-test-bundle.js';
import { useTempDirs } from '../../support/temp-dirs.js';

const tempDir = useTempDirs('advance-release');
const T0 = Date.parse('2026-11-01T00:00:00Z');
const MIN = 60_000;
const apps = ['blog', 'shop', 'web'];

/**
 * web: v1 live, v2 a stepped canary (10,50,100 every 15 min); shop: v1 live, v2 a manual
 * canary at 20% and a preview of v3 for 10 min; blog: never released. All at T0.
 */
async function setUp(): Promise<Store> {
  const store = createFsStore(tempDir());
  for (const app of ['shop', 'web']) for (const v of ['v1', 'v2', 'v3']) await publishTestBundle(store, app, v, {});
  const at = { actor: 'test', now: () => T0 };
  for (const app of ['shop', 'web']) await updateRelease(store, app, { type: 'start', version: 'v1' }, at);
  await updateRelease(store, 'web', { type: 'start', version: 'v2', steps: [10, 50, 100], intervalMs: 15 * MIN }, at);
  await updateRelease(store, 'shop', { type: 'start', version: 'v2', weight: 20 }, at);
  await updateRelease(store, 'shop', { type: 'preview', key: 'pr-1', version: 'v3', ttlMs: 10 * MIN }, at);
  return store;
}

/** A health check that answers `verdict` and records what it was asked. */
function recordingCheck(verdict: HealthVerdict) {
  const probes: CanaryProbe[] = [];
  return { probes, check: async (probe: CanaryProbe) => (probes.push(probe), verdict) };
}

describe('advanceReleases', () => {
  it('changes nothing before a step is due, yet asks the health check about every stepped canary', async () => {
    const store = await setUp();
    const { probes, check } = recordingCheck({ healthy: true });
    expect(await advanceReleases({ store, apps, actor: 'cron', checkHealth: check, now: () => T0 + 5 * MIN })).toEqual([]);
    expect(probes).toEqual([{ app: 'web', version: 'v2', weight: 10 }]); // not shop's manual canary, not blog
  });

  it('moves a due step and drops an expired preview, app by app', async () => {
    const store = await setUp();
    const { check } = recordingCheck({ healthy: true });
    const outcomes = await advanceReleases({ store, apps, actor: 'cron', checkHealth: check, now: () => T0 + 16 * MIN });
    expect(outcomes.map((o) => [o.app, o.type, o.manifest.history.at(-1)!.detail])).toEqual([
      ['shop', 'advanced', 'preview pr-1 expired'],
      ['web', 'advanced', 'weight 10% → 50%'],
    ]);
    expect((await readRelease(store, 'web')).manifest.candidate).toMatchObject({ version: 'v2', weight: 50 });
    expect((await readRelease(store, 'shop')).manifest.candidate).toMatchObject({ version: 'v2', weight: 20 });
  });

  it('aborts a stepped canary its health check calls unhealthy, and says why in the history', async () => {
    const store = await setUp();
    const { check } = recordingCheck({ healthy: false, reason: 'the probe said no', note: 'probe failed' });
    const outcomes = await advanceReleases({ store, apps: ['web'], actor: 'cron', checkHealth: check, now: () => T0 + 16 * MIN });
    expect(outcomes).toEqual([{ app: 'web', type: 'aborted', version: 'v2', reason: 'the probe said no', manifest: expect.objectContaining({ candidate: null }) }]);
    const { manifest } = await readRelease(store, 'web');
    expect(manifest.live?.version).toBe('v1');
    expect(manifest.history.at(-1)).toMatchObject({ action: 'abort', actor: 'cron (probe failed)', from: 'v2', to: 'v1' });
  });

  it('without a health check walks the steps to a promotion', async () => {
    const store = await setUp();
    for (const [minutes, weight] of [[16, 50], [32, 100]] as const) {
      await advanceReleases({ store, apps: ['web'], actor: 'cron', now: () => T0 + minutes * MIN });
      expect((await readRelease(store, 'web')).manifest.candidate?.weight).toBe(weight);
    }
    const [last] = await advanceReleases({ store, apps: ['web'], actor: 'cron', now: () => T0 + 48 * MIN });
    expect(last).toMatchObject({ app: 'web', type: 'advanced', manifest: { live: { version: 'v2' }, candidate: null } });
  });
});

describe('runHealthCommand', () => {
  const probe = { app: 'web', version: 'v2', weight: 10 };
  const run = (command: string, cwd = process.cwd()) => runHealthCommand(probe, { command, cwd, env: { PATH: process.env.PATH } });

  it('is healthy on exit 0, and the command sees the canary in TESSERA_APP, TESSERA_VERSION, TESSERA_WEIGHT', async () => {
    expect(await run('test "$TESSERA_APP:$TESSERA_VERSION:$TESSERA_WEIGHT" = web:v2:10')).toEqual({ healthy: true });
    expect(await run('test "$TESSERA_WEIGHT" = 50')).toEqual({ healthy: false, reason: 'the health command exited 1', note: 'health command failed: exit 1' });
  });

  it('is unhealthy when the command is killed or cannot start', async () => {
    expect(await run('kill -TERM $$')).toMatchObject({ healthy: false, reason: 'the health command exited SIGTERM' });
    expect(await run('true', '/nonexistent/dir')).toMatchObject({ healthy: false, reason: expect.stringMatching(/^the health command could not start: .*ENOENT/) });
  });
});
