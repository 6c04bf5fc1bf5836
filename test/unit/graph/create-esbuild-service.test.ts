import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createEsbuildService, resolveGoRuntimeEnv, type EsbuildService } from '../../../tools/src/graph/create-esbuild-service.js';

describe('resolveGoRuntimeEnv', () => {
  it.each([
    ['nothing set: collector off up to the budget', {}, { GOGC: 'off', GOMEMLIMIT: '640MiB' }],
    ['GOGC set by the user: theirs apply, nothing added', { GOGC: '200' }, null],
    ['GOMEMLIMIT set by the user: nothing added, not even GOGC', { GOMEMLIMIT: '2GiB' }, null],
    ['set to the empty string still counts as set', { GOGC: '' }, null],
  ])('%s', (_name, env, expected) => {
    expect(resolveGoRuntimeEnv(env, '640MiB')).toEqual(expected);
  });
});

/** The environments of this process's esbuild service children, read from /proc (Linux). */
function readServiceChildEnvs(): Record<string, string>[] {
  const envs: Record<string, string>[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
      if (ppid !== process.pid || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--service=')) continue;
      envs.push(Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])));
    } catch {
      // The process ended while we looked.
    }
  }
  return envs;
}

describe('createEsbuildService', () => {
  const saved = { GOGC: process.env.GOGC, GOMEMLIMIT: process.env.GOMEMLIMIT };
  let service: EsbuildService | undefined;
  afterEach(async () => {
    await service?.stop();
    for (const [key, value] of Object.entries(saved)) if (value === undefined) delete process.env[key]; else process.env[key] = value;
  });

  it.runIf(existsSync('/proc/self/environ'))('starts a service of its own with the Go settings, and leaves process.env as it was', async () => {
    delete process.env.GOGC;
    delete process.env.GOMEMLIMIT;
    const before = readServiceChildEnvs().length;
    service = createEsbuildService({ goMemoryLimit: '123MiB' });
    expect(process.env.GOGC).toBeUndefined();
    expect(process.env.GOMEMLIMIT).toBeUndefined();
    const children = readServiceChildEnvs();
    expect(children).toHaveLength(before + 1);
    expect(children.filter((env) => env.GOGC === 'off' && env.GOMEMLIMIT === '123MiB')).toHaveLength(1);
    const result = await service.build({ stdin: { contents: 'export const a = 1' }, write: false, logLevel: 'silent' });
    expect(result.outputFiles[0]!.text).toContain('a = 1');

    // The shared esbuild is another service, started without the analysis's settings.
    const shared = await import('esbuild');
    expect(shared.build).not.toBe(service.build);
    await shared.transform('let x = 1');
    expect(readServiceChildEnvs().filter((env) => env.GOMEMLIMIT === '123MiB')).toHaveLength(1);
  });

  it.runIf(existsSync('/proc/self/environ'))("keeps the user's GOGC, adding no GOMEMLIMIT", async () => {
    process.env.GOGC = '150';
    delete process.env.GOMEMLIMIT;
    service = createEsbuildService({ goMemoryLimit: '321MiB' });
    expect(process.env.GOGC).toBe('150');
    const mine = readServiceChildEnvs().filter((env) => env.GOGC === '150');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.GOMEMLIMIT).toBeUndefined();
  });
});
