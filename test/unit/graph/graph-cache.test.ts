import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Warning } from '../../../tools/src/errors/tessera-error.js';
import { computeChain, computeReachable, type FileGraph, readFileTable } from '../../../tools/src/graph/file-graph.js';
import { type GraphSnapshot, readGraphCache, writeGraphCache } from '../../../tools/src/graph/graph-cache.js';
import { useTempDirs } from '../../support/temp-dirs.js';

const tempDir = useTempDirs('graph-cache');

// Paths chosen to trip a byte search: one path is the tail of another, one is a prefix of
// another's directory, and some are not ASCII.
const files = ['apps/a/src/main.ts', 'libs/ab/src/index.ts', 'libs/a/src/index.ts', 'src/index.ts', 'libs/a/src/ünïcode-ß.ts', 'libs/a', 'libs/a/src/日本.ts'];
const graph: FileGraph = {
  files,
  blobs: files.map((_, i) => `${i}`.padStart(40, '0')),
  edges: [[2, 0, 1, 1], [6, 2], [4, 0, 3, 2], [], [], [], [3, 0]],
  packages: { '0': ['react'] },
  unresolved: [{ file: 2, specifier: './missing', bases: ['libs/a/src/missing'] }],
  uncertain: [],
  globs: [{ file: 2, pattern: 'libs/a/src/locales/*.json' }],
  apps: [{ name: 'a', entries: [0] }],
  warnings: [],
};
const snapshot: GraphSnapshot = { projects: [], nx: { defaultBase: null, appsDir: 'apps', raw: {} } as GraphSnapshot['nx'], tsconfigExtends: { 'apps/web/tsconfig.json': ['packages/tsconfig/base.json'] }, excluded: [{ name: 'legacy', root: 'apps/legacy', type: 'application' }], graph };

function roundTrip(): { dir: string; read: GraphSnapshot } {
  const dir = tempDir();
  writeGraphCache(dir, 'k1', snapshot, { tree: 't', params: 'p' });
  const warnings: Warning[] = [];
  const read = readGraphCache(dir, 'k1', warnings)!;
  expect(warnings).toEqual([]);
  return { dir, read };
}

describe('the binary graph cache', () => {
  it('reads back exactly the snapshot it wrote', () => {
    const { read } = roundTrip();
    expect(JSON.parse(JSON.stringify(read))).toEqual(JSON.parse(JSON.stringify(snapshot)));
    expect([...computeReachable(read.graph, [0])].sort()).toEqual([...computeReachable(graph, [0])].sort());
    expect(computeChain(read.graph, [0], 3)).toEqual(computeChain(graph, [0], 3));
  });

  it('finds paths by their bytes exactly as by the array, at path boundaries only', () => {
    const { read } = roundTrip();
    const packed = readFileTable(read.graph);
    const plain = readFileTable(graph);
    expect(packed.count).toBe(files.length);
    for (const [id, path] of files.entries()) {
      expect(packed.idOf(path)).toBe(id);
      expect(packed.pathOf(id)).toBe(path);
    }
    for (const missing of ['index.ts', 'a/src/main.ts', 'libs/a/src', 'libs/ab', 'libs']) expect([missing, packed.idOf(missing)]).toEqual([missing, plain.idOf(missing)]);
    for (const prefix of ['libs/a', 'libs', 'libs/a/src', 'src', 'apps/a', 'nothing']) expect([prefix, packed.idsUnder(prefix)]).toEqual([prefix, plain.idsUnder(prefix)]);
  });

  it('refuses a file whose bytes changed, and one that was cut short', () => {
    const { dir } = roundTrip();
    const path = join(dir, readdirSync(dir).find((f) => f.endsWith('.graph'))!);
    const bytes = readFileSync(path);
    const at = bytes.indexOf('libs/ab/src/index.ts');
    bytes.write('libs/ac', at);
    writeFileSync(path, bytes);
    const warnings: Warning[] = [];
    expect(readGraphCache(dir, 'k1', warnings)).toBeNull();
    expect(warnings[0]?.text).toContain('checksum');
    writeGraphCache(dir, 'k1', snapshot);
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, whole.length - 10));
    expect(readGraphCache(dir, 'k1', warnings)).toBeNull();
    expect(warnings[1]?.text).toMatch(/body is \d+ bytes/);
  });
});
