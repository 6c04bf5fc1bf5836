import { describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MINUTES, clampMinutes, computeIdempotencyToken, QUEUED_TIMEOUT_MINUTES, selectBuildEnvironment } from '../../../tools/src/executors/codebuild-executor.js';

describe('computeIdempotencyToken', () => {
  it('is the same for the same run, app and attempt, and differs when any of them does', () => {
    const token = computeIdempotencyToken('20261122-140501-3fa2', 'checkout', 1);
    expect(computeIdempotencyToken('20261122-140501-3fa2', 'checkout', 1)).toBe(token);
    const others = [computeIdempotencyToken('20261122-140501-3fa2', 'checkout', 2), computeIdempotencyToken('20261122-140501-3fa3', 'checkout', 1), computeIdempotencyToken('20261122-140501-3fa2', 'search', 1)];
    expect(new Set([token, ...others]).size).toBe(4);
  });

  it('stays short and distinct for long app names that share a prefix', () => {
    const long = 'a'.repeat(200);
    const [x, y] = [computeIdempotencyToken('r', `${long}-one`, 1), computeIdempotencyToken('r', `${long}-two`, 1)];
    expect(x).not.toBe(y);
    expect(x.length).toBeLessThanOrEqual(64);
  });
});

describe('clampMinutes', () => {
  it.each([
    [1, BUILD_TIMEOUT_MINUTES, 5], [4.2, BUILD_TIMEOUT_MINUTES, 5], [60, BUILD_TIMEOUT_MINUTES, 60], [60.1, BUILD_TIMEOUT_MINUTES, 61], [5000, BUILD_TIMEOUT_MINUTES, 2160],
    [0, QUEUED_TIMEOUT_MINUTES, 5], [480, QUEUED_TIMEOUT_MINUTES, 480], [481, QUEUED_TIMEOUT_MINUTES, 480],
  ])('%s minutes within %o is %s', (value, range, expected) => {
    expect(clampMinutes(value, range)).toBe(expected);
  });
});

describe('selectBuildEnvironment', () => {
  it("keeps the job's TESSERA_* variables and the passed names that are set, and nothing else", () => {
    const env = selectBuildEnvironment({ TESSERA_APP: 'web', TESSERA_STORE: 's3://b', HOME: '/root' }, ['NPM_TOKEN', 'UNSET'], { NPM_TOKEN: 'n', AWS_SECRET_ACCESS_KEY: 's', TESSERA_WEBHOOK_SECRET: 'w' });
    expect(env).toEqual({ TESSERA_APP: 'web', TESSERA_STORE: 's3://b', NPM_TOKEN: 'n' });
  });
});
