import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { computeChangedNodes, computeClosure, computePackageMove, findImporter, type LockfileModel, resolveImport } from '../../../tools/src/workspace/lockfile-model.js';
import { deserializeModel, serializeModel } from '../../../tools/src/workspace/lockfile-cache.js';
import { readYamlSubset, UnsupportedYaml } from '../../../tools/src/workspace/lockfiles/read-lock-yaml.js';
import { parseLockfile, UnreadableLockfile } from '../../../tools/src/workspace/parse-lockfile.js';
import { BASE, type LockParams, LOCK_FORMATS } from '../../support/lockfile-fixtures.js';

const versionOf = (model: LockfileModel, dir: string, name: string) => resolveImport(model, dir, name).map((id) => model.nodes.get(id)!.version);
const closureNames = (model: LockfileModel, dir: string, name: string) => [...computeClosure(model, resolveImport(model, dir, name)).keys()].map((id) => model.nodes.get(id)!.name).sort();

describe.each(LOCK_FORMATS)('$format', ({ file, text, importers }) => {
  const parse = (p: Partial<LockParams> = {}) => parseLockfile(file, text({ ...BASE, ...p }));
  const move = (p: Partial<LockParams>, dir: string, name: string) => {
    const [before, after] = [parse(), parse(p)];
    return computePackageMove(before, after, computeChangedNodes(before, after), dir, name);
  };

  it('reads each importer’s resolved tree', () => {
    const model = parse();
    expect(versionOf(model, 'apps/web', 'react-dom')).toEqual(['18.2.0']);
    // Peers count where the format resolves them (npm, pnpm, bun); yarn leaves them to the dependent.
    expect(closureNames(model, 'apps/web', 'react-dom').filter((n) => n !== 'react')).toEqual(['js-tokens', 'loose-envify', 'react-dom', 'scheduler']);
    const scheduler = [...model.nodes.values()].find((n) => n.name === 'scheduler')!;
    expect(scheduler).toMatchObject({ version: '0.23.0', integrity: expect.stringContaining('sched') });
    if (importers) {
      expect(versionOf(model, 'apps/web', 'react')).toEqual(['18.2.0']);
      expect(versionOf(model, 'apps/admin', 'react')).toEqual(['18.3.1']);
      expect(findImporter(model, 'apps/admin/src/main.tsx')).toBe('apps/admin');
      expect(findImporter(model, 'tools/x.ts')).toBe('');
    } else {
      // yarn classic records no importers: a name resolves to every copy the lockfile holds.
      expect(versionOf(model, 'apps/web', 'react').sort()).toEqual(['18.2.0', '18.3.1']);
    }
  });

  it('a transitive version bump moves the package that reaches it, with the path', () => {
    expect(move({ scheduler: '0.23.2', schedulerIntegrity: 'sha512-sched2' }, 'apps/web', 'react-dom')).toEqual({ name: 'scheduler', from: '0.23.0', to: '0.23.2', path: ['react-dom', 'scheduler'], change: expect.any(String) });
    if (importers) expect(move({ scheduler: '0.23.2' }, 'apps/web', 'react')).toBeNull();
  });

  it('an integrity-only change is a move', () => {
    expect(move({ schedulerIntegrity: 'sha512-rebuilt' }, 'apps/web', 'react-dom')).toMatchObject({ name: 'scheduler', from: '0.23.0', to: '0.23.0', change: 'integrity' });
  });

  it.runIf(importers)('two importers with their own react: only the bumped importer’s moves', () => {
    expect(move({ adminReact: '18.3.2' }, 'apps/admin', 'react')).toMatchObject({ name: 'react', from: '18.3.1', to: '18.3.2' });
    expect(move({ adminReact: '18.3.2' }, 'apps/web', 'react')).toBeNull();
    expect(move({ adminReact: '18.3.2' }, 'libs/ui', 'react')).toBeNull();
  });

  it('an unchanged lockfile moves nothing', () => {
    const [before, after] = [parse(), parse()];
    expect(computeChangedNodes(before, after).size).toBe(0);
  });

  it('round-trips through the cache’s JSON form', () => {
    const model = parse();
    expect(deserializeModel(JSON.parse(JSON.stringify(serializeModel(file, model))))).toEqual(model);
  });
});

describe('lockfiles Tessera cannot read', () => {
  it.each([
    ['bun.lockb', 'bun\0binary', /binary lockfile/],
    ['package-lock.json', '{ not json', /cannot be parsed/],
    ['bun.lock', '{ "packages": ', /cannot be parsed/],
  ])('%s', (file, text, message) => {
    expect(() => parseLockfile(file, text)).toThrow(UnreadableLockfile);
    expect(() => parseLockfile(file, text)).toThrow(message);
  });
});

describe('the lockfile YAML reader', () => {
  it.each(LOCK_FORMATS.filter((f) => f.file !== 'package-lock.json' && f.file !== 'bun.lock' && f.format !== 'yarn v1'))('reads $format exactly as the yaml package does', ({ text }) => {
    expect(readYamlSubset(text(BASE))).toEqual(parseYaml(text(BASE)));
  });

  it.each([
    ['an anchor', 'a: &x 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a multi-line plain scalar', 'a:\n  b: one\n    two\n'],
  ])('refuses %s, so the caller falls back to the yaml package', (_name, text) => {
    expect(() => readYamlSubset(text)).toThrow(UnsupportedYaml);
  });

  it('falls back for such a lockfile and still reads it', () => {
    const text = `lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: &s ^1.0.0\n        version: 1.0.0\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-a}\nsnapshots:\n  a@1.0.0: {}\n`;
    expect(versionOf(parseLockfile('pnpm-lock.yaml', text), '', 'a')).toEqual(['1.0.0']);
  });
});
