import { describe, expect, it } from 'vitest';
import type { Warning } from '../../../tools/src/errors/tessera-error.js';
import { formatWarnings } from '../../../tools/src/cli/format-warnings.js';

const w = (code: Warning['code'], text: string): Warning => ({ code, text });

describe('formatWarnings', () => {
  const many = [
    ...Array.from({ length: 5 }, (_, i) => w('TESSERA_GRAPH_UNRESOLVED_IMPORT', `a${i}.ts imports "x", which does not resolve`)),
    w('TESSERA_GRAPH_UNRESOLVED_IMPORT', 'a0.ts imports "x", which does not resolve'),
    w('TESSERA_GRAPH_COMPUTED_IMPORT', 'b.ts: import(name'),
  ];

  it('groups by code, most frequent first, with a count and three examples', () => {
    const text = formatWarnings(many, { color: false, verbose: false });
    expect(text.split('\n')).toEqual([
      'warning TESSERA_GRAPH_UNRESOLVED_IMPORT ×6',
      '  a0.ts imports "x", which does not resolve (×2)',
      '  a1.ts imports "x", which does not resolve',
      '  a2.ts imports "x", which does not resolve',
      '  … 2 more (--verbose lists every one)',
      'warning TESSERA_GRAPH_COMPUTED_IMPORT b.ts: import(name',
      '',
    ]);
  });

  it('--verbose lists every text; no warnings print nothing', () => {
    expect(formatWarnings(many, { color: false, verbose: true })).toContain('a4.ts imports');
    expect(formatWarnings([], { color: false, verbose: false })).toBe('');
  });
});
