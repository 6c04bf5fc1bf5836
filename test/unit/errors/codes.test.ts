import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, WARNING_CODES } from '../../../tools/src/errors/codes.js';
import { REPO_ROOT } from '../../support/sample-repo.js';

const doc = readFileSync(join(REPO_ROOT, 'docs/errors.md'), 'utf8');
const documented = new Map([...doc.matchAll(/^\| `(TESSERA_[A-Z_]+)` \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]));

describe('docs/errors.md and the code table', () => {
  const all = { ...ERROR_CODES, ...WARNING_CODES } as Record<string, { title: string }>;
  it('documents every code with its title', () => {
    for (const [code, { title }] of Object.entries(all)) expect(documented.get(code), code).toBe(title);
  });
  it('documents no code the program does not have', () => {
    expect([...documented.keys()].filter((code) => !(code in all))).toEqual([]);
  });
  it('every code used in the sources is in the table', () => {
        const used = execFileSync('grep', ['-rohE', "(TesseraError\\(|code: )'TESSERA_[A-Z_]+'", 'tools/src'], { cwd: REPO_ROOT, encoding: 'utf8' });
    const codes = new Set(used.split('\n').filter(Boolean).map((c) => /TESSERA_[A-Z_]+/.exec(c)![0]));
    expect(codes.size).toBeGreaterThan(10);
    expect([...codes].filter((c) => !(c in all))).toEqual([]);
  });
});
