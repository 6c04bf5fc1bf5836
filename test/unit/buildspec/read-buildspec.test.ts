import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBuildspec } from '../../../tools/src/buildspec/read-buildspec.js';
import { TesseraError } from '../../../tools/src/errors/tessera-error.js';
import { useTempDirs } from '../../support/temp-dirs.js';

const tempDir = useTempDirs('buildspec');
const folder = (files: Record<string, string>) => {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};
const thrown = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error as TesseraError;
  }
  throw new Error('expected an error');
};

describe('readBuildspec', () => {
  it('returns the buildspec and its warnings', () => {
    const { buildspec, warnings } = readBuildspec(folder({ 'buildspec.yml': 'version: 0.2\nreports: {}\nphases:\n  build:\n    commands: [make]\n' }));
    expect(buildspec.phases.build?.commands).toEqual(['make']);
    expect(warnings.map((w) => w.location?.key)).toEqual(['reports']);
  });

  it('throws TESSERA_BUILDSPEC_NOT_FOUND naming the path', () => {
    const dir = folder({});
    const error = thrown(() => readBuildspec(dir, 'ci/buildspec.yml'));
    expect(error).toBeInstanceOf(TesseraError);
    expect(error.code).toBe('TESSERA_BUILDSPEC_NOT_FOUND');
    expect(error.message).toContain(join(dir, 'ci/buildspec.yml'));
  });

  it('throws TESSERA_BUILDSPEC_INVALID listing every located problem', () => {
    const error = thrown(() => readBuildspec(folder({ 'buildspec.yml': 'version: 1\nphases:\n  build:\n    commands: make\n' })));
    expect(error.code).toBe('TESSERA_BUILDSPEC_INVALID');
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe('buildspec.yml has 2 problems:\n  buildspec.yml:1:10 (version): `version` must be 0.2, found 1\n  buildspec.yml:4:15 (phases.build.commands): `phases.build.commands` must be a list of commands, found the string "make"');
  });
});
