import { describe, expect, it } from 'vitest';
import { createPathLookup } from '../../../tools/src/graph/create-import-resolver.js';

describe('a lookup over a list of paths', () => {
  const sorted = ['a-b/x.ts', 'a.ts', 'a/b.ts', 'a/b/c.ts', 'a0.ts', 'z/é.ts', 'z/😀.ts'];

  it('finds exactly the listed paths of a list in git order', () => {
    const lookup = createPathLookup(sorted);
    for (const path of sorted) expect(lookup.has(path), path).toBe(true);
    for (const path of ['a', 'a/b', 'a/b.tsx', 'a-b/x', '', 'zz', 'z/😀.tsx', '0']) expect(lookup.has(path), path).toBe(false);
  });

  it('finds them in a list of any order, and in an empty one nothing', () => {
    // U+E000 sorts after an astral character in bytes (git's order) and before it in UTF-16 (JavaScript's).
    const unsorted = ['z/😀.ts', 'z/\uE000.ts', 'b.ts', 'a.ts'];
    const lookup = createPathLookup(unsorted);
    for (const path of unsorted) expect(lookup.has(path), path).toBe(true);
    expect(lookup.has('c.ts')).toBe(false);
    expect(createPathLookup([]).has('a.ts')).toBe(false);
  });
});
