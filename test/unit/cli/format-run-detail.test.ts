import { describe, expect, it } from 'vitest';
import { computeRunDocument, formatRunDetail } from '../../../tools/src/cli/format-run.js';
import type { RunRecord } from '../../../tools/src/records/run-record.js';

const at = (s: number) => new Date(Date.parse('2026-11-22T14:05:00.000Z') + s * 1000).toISOString();

describe('`tessera runs show` of a job retried after a FAULT', () => {
  const run: RunRecord = {
    id: 'r1', trigger: 'cli', base: null, head: 'abc', status: 'SUCCEEDED', start: at(0), end: at(30),
    jobs: [{
      app: 'web', version: 'v1', executor: 'codebuild', status: 'SUCCEEDED', buildId: 'tessera:b2', computeType: 'small', retries: 1, attempt: 2, estimatedCost: null, expectedMs: null, logFile: null, error: null,
      phases: [
        { type: 'PROVISIONING', status: 'FAULT', start: at(0), end: at(3) },
        { type: 'COMPLETED', status: 'FAULT', start: at(3), end: at(3), message: 'build tessera:b1 ended FAULT; attempt 2 starts a new build' },
        { type: 'PROVISIONING', status: 'SUCCEEDED', start: at(5), end: at(7), attempt: 2 },
        { type: 'COMPLETED', status: 'SUCCEEDED', start: at(7), end: at(7), attempt: 2 },
      ],
    }],
  };

  it('lists the second build under a line of its own, and the job names its attempt', () => {
    const lines = formatRunDetail(run, false).split('\n');
    expect(lines.find((l) => l.includes('web'))).toContain('attempt 2');
    const marker = lines.indexOf('    attempt 2');
    expect(marker).toBeGreaterThan(0);
    expect(lines[marker - 1]).toContain('build tessera:b1 ended FAULT');
    expect(lines[marker + 1]).toMatch(/^ {4}PROVISIONING +SUCCEEDED/);
  });

  it('--json carries the attempt, 1 when there was no retry', () => {
    expect(computeRunDocument(run).jobs[0]!.attempt).toBe(2);
    expect(computeRunDocument({ ...run, jobs: [{ ...run.jobs[0]!, attempt: undefined }] }).jobs[0]!.attempt).toBe(1);
  });
});
