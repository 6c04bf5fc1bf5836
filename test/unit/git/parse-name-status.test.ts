import { describe, expect, it } from 'vitest';
import { parseNameStatus } from '../../../tools/src/git/read-change-set.js';

describe('parseNameStatus', () => {
  it('reads additions, deletions, renames with both paths, copies and type changes', () => {
    const out = ['A', 'new.ts', 'D', 'gone.ts', 'R087', 'old name.ts', 'new name.ts', 'C100', 'a.ts', 'b.ts', 'T', 'link', 'M', 'x.png', ''].join('\0');
    expect(parseNameStatus(out)).toEqual([
      { path: 'new.ts', status: 'added' },
      { path: 'gone.ts', status: 'deleted' },
      { path: 'new name.ts', status: 'renamed', previousPath: 'old name.ts' },
      { path: 'b.ts', status: 'added' },
      { path: 'link', status: 'type-changed' },
      { path: 'x.png', status: 'modified' },
    ]);
  });
});
