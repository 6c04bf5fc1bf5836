import { describe, expect, it } from 'vitest';
import { runPipeline, type PipelineContext, type PipelineStage } from '../../../tools/src/pipelines/deliver.js';

const stage = (name: string, log: string[], always = false): PipelineStage => ({ name, always, run: async () => void log.push(name) });

describe('runPipeline', () => {
  it('waits for beforeStage before every stage, so a busy receiver holds the next stage back', async () => {
    const log: string[] = [];
    const gates: (() => void)[] = [];
    const ctx = { signal: new AbortController().signal, beforeStage: () => new Promise<void>((open) => gates.push(() => { log.push('gate'); open(); })) } as unknown as PipelineContext;
    const done = runPipeline(ctx, [stage('fetch', log), stage('build', log), stage('report', log, true)]);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 5));
      // Nothing runs past the gate until it opens.
      expect(log.filter((l) => l !== 'gate')).toHaveLength(i);
      gates.shift()!();
    }
    await done;
    expect(log).toEqual(['gate', 'fetch', 'gate', 'build', 'gate', 'report']);
  });
});
