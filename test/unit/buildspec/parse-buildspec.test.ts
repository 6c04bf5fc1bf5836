import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBuildspec } from '../../../tools/src/buildspec/parse-buildspec.js';
import { REPO_ROOT } from '../../support/sample-repo.js';

const FILE = 'buildspec.yml';
/** Builds YAML from lines, so that line numbers in the tables are easy to read. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('parseBuildspec: valid buildspecs', () => {
  it('reads every supported key, applying defaults', () => {
    const { buildspec, errors, warnings } = parseBuildspec(
      yaml(
        'version: 0.2',
        'env:',
        '  shell: /bin/sh',
        '  variables:',
        '    NODE_OPTIONS: "--max-old-space-size=4096"',
        '    RETRIES: 3',
        '    RATIO: 1.10',
        '    VERBOSE: true',
        '  exported-variables: [BUILT_AT, TESSERA_APP]',
        'phases:',
        '  install:',
        '    on-failure: CONTINUE',
        '    commands:',
        '      - npm ci',
        '      - true',
        '  build:',
        '    commands:',
        '      - "echo a: b"',
        '      - |',
        '        echo one',
        '        echo two',
        '    finally:',
        '      - echo done',
        '  post_build:',
        'artifacts:',
        '  base-directory: dist/apps/$TESSERA_APP',
        '  discard-paths: yes',
        '  files:',
        '    - "**/*"',
      ),
      FILE,
    );
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(buildspec).toEqual({
      version: '0.2',
      env: { shell: '/bin/sh', variables: { NODE_OPTIONS: '--max-old-space-size=4096', RETRIES: '3', RATIO: '1.10', VERBOSE: 'true' }, exportedVariables: ['BUILT_AT', 'TESSERA_APP'] },
      phases: {
        install: { commands: ['npm ci', 'true'], finally: [], onFailure: 'CONTINUE' },
        build: { commands: ['echo a: b', 'echo one\necho two\n'], finally: ['echo done'], onFailure: 'ABORT' },
        post_build: { commands: [], finally: [], onFailure: 'ABORT' },
      },
      artifacts: { files: ['**/*'], baseDirectory: 'dist/apps/$TESSERA_APP', discardPaths: true },
    });
  });

  it.each([
    ['number 0.2', 'version: 0.2'],
    ['string "0.2"', 'version: "0.2"'],
  ])('accepts version as %s', (_, line) => {
    const { buildspec, errors } = parseBuildspec(yaml(line, 'phases:', '  build:', '    commands: [make]'), FILE);
    expect(errors).toEqual([]);
    expect(buildspec?.env).toEqual({ shell: 'bash', variables: {}, exportedVariables: [] });
    expect(buildspec?.artifacts).toBeNull();
  });

  it("parses the repository's buildspec.yml and the example in docs/buildspec.md without a problem", () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/buildspec.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    for (const [text, file] of [[readFileSync(join(REPO_ROOT, 'buildspec.yml'), 'utf8'), 'buildspec.yml'], [example!, 'docs/buildspec.md']] as const) {
      const result = parseBuildspec(text, file);
      expect(result.errors, file).toEqual([]);
      expect(result.warnings, file).toEqual([]);
    }
  });
});

describe('parseBuildspec: located errors', () => {
  const BASE = ['phases:', '  build:', '    commands: [make]'];
  it.each([
    { name: 'bad YAML', text: yaml('version: 0.2', 'phases:', '  build: [make', 'x: 1'), line: 4, column: 1, key: undefined, match: /invalid YAML/ },
    { name: 'duplicate key', text: yaml('version: 0.2', 'version: 0.2', ...BASE), line: 2, column: 1, key: undefined, match: /invalid YAML.*unique/ },
    { name: 'version 0.1', text: yaml('version: 0.1', ...BASE), line: 1, column: 10, key: 'version', match: /must be 0\.2, found 0\.1/ },
    { name: 'missing version', text: yaml(...BASE), line: 1, column: 1, key: 'version', match: /`version` is missing/ },
    { name: 'missing phases', text: yaml('version: 0.2'), line: 1, column: 1, key: 'phases', match: /`phases` is missing/ },
    { name: 'not a mapping', text: yaml('- a', '- b'), line: 1, column: 1, key: undefined, match: /must be a YAML mapping/ },
    { name: 'commands not a list', text: yaml('version: 0.2', 'phases:', '  build:', '    commands: npm test'), line: 4, column: 15, key: 'phases.build.commands', match: /must be a list of commands, found the string "npm test"/ },
    { name: 'a command that YAML reads as a mapping', text: yaml('version: 0.2', 'phases:', '  build:', '    commands:', '      - make', '      - echo a: b'), line: 6, column: 9, key: 'phases.build.commands[1]', match: /must be a string \(command\), found a mapping; quote/ },
    { name: 'an empty command', text: yaml('version: 0.2', 'phases:', '  build:', '    commands:', '      - make', '      - make test', '      -'), line: 7, column: 8, key: 'phases.build.commands[2]', match: /found nothing/ },
    { name: 'on-failure bad value', text: yaml('version: 0.2', 'phases:', '  install:', '    on-failure: RETRY', '    commands: [npm ci]'), line: 4, column: 17, key: 'phases.install.on-failure', match: /must be ABORT or CONTINUE, found "RETRY"/ },
    { name: 'phase not a mapping', text: yaml('version: 0.2', 'phases:', '  build: make'), line: 3, column: 10, key: 'phases.build', match: /must be a mapping, found the string "make"/ },
    { name: 'bad shell', text: yaml('version: 0.2', 'env:', '  shell: zsh', ...BASE), line: 3, column: 10, key: 'env.shell', match: /must be one of bash, \/bin\/sh, sh, found "zsh"/ },
    { name: 'variable with a list value', text: yaml('version: 0.2', 'env:', '  variables:', '    A: [1, 2]', ...BASE), line: 4, column: 8, key: 'env.variables.A', match: /must be a string, number or boolean, found a list/ },
    { name: 'bad variable name', text: yaml('version: 0.2', 'env:', '  variables:', '    1A: x', ...BASE), line: 4, column: 5, key: 'env.variables.1A', match: /not a valid environment variable name/ },
    { name: 'exported-variables not a list', text: yaml('version: 0.2', 'env:', '  exported-variables: A', ...BASE), line: 3, column: 23, key: 'env.exported-variables', match: /must be a list of variable names/ },
    { name: 'artifacts without files', text: yaml('version: 0.2', ...BASE, 'artifacts:', '  base-directory: dist'), line: 5, column: 1, key: 'artifacts.files', match: /`artifacts.files` is missing/ },
    { name: 'discard-paths bad value', text: yaml('version: 0.2', ...BASE, 'artifacts:', '  files: ["**/*"]', '  discard-paths: maybe'), line: 7, column: 18, key: 'artifacts.discard-paths', match: /must be yes or no, found "maybe"/ },
  ])('$name', ({ text, line, column, key, match }) => {
    const { buildspec, errors } = parseBuildspec(text, FILE);
    expect(buildspec).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.text).toMatch(match);
    expect(errors[0]!.location).toEqual({ file: FILE, line, column, ...(key ? { key } : {}) });
  });

  it('reports every problem at once, in document order', () => {
    const { buildspec, errors, warnings } = parseBuildspec(
      yaml('version: 0.1', 'env:', '  shell: fish', 'phases:', '  install:', '    on-failure: NEVER', '    commands: npm ci', '  build:', '    commands:', '      - {a: 1}', '    finaly: [x]'),
      FILE,
    );
    expect(buildspec).toBeNull();
    expect(errors.map((e) => [e.location?.key, e.location?.line])).toEqual([
      ['version', 1],
      ['env.shell', 3],
      ['phases.install.on-failure', 6],
      ['phases.install.commands', 7],
      ['phases.build.commands[0]', 10],
    ]);
    expect(warnings.map((w) => w.location?.key)).toEqual(['phases.build.finaly']);
  });
});

describe('parseBuildspec: unknown keys', () => {
  it('warns about each unknown key with its location, and still returns the buildspec', () => {
    const { buildspec, errors, warnings } = parseBuildspec(
      yaml(
        'version: 0.2',
        'run-as: root',
        'env:',
        '  parameter-store:',
        '    TOKEN: /ci/token',
        'phases:',
        '  install:',
        '    runtime-versions:',
        '      nodejs: 20',
        '    commands: [npm ci]',
        '  biuld:',
        '    commands: [make]',
        'artifacts:',
        '  files: ["**/*"]',
        '  name: bundle',
        'cache:',
        '  paths: [node_modules]',
      ),
      FILE,
    );
    expect(errors).toEqual([]);
    expect(buildspec?.phases).toEqual({ install: { commands: ['npm ci'], finally: [], onFailure: 'ABORT' } });
    expect(warnings.map((w) => [w.code, w.location])).toEqual([
      ['TESSERA_BUILDSPEC_UNKNOWN_KEY', { file: FILE, line: 2, column: 1, key: 'run-as' }],
      ['TESSERA_BUILDSPEC_UNKNOWN_KEY', { file: FILE, line: 4, column: 3, key: 'env.parameter-store' }],
      ['TESSERA_BUILDSPEC_UNKNOWN_KEY', { file: FILE, line: 8, column: 5, key: 'phases.install.runtime-versions' }],
      ['TESSERA_BUILDSPEC_UNKNOWN_KEY', { file: FILE, line: 11, column: 3, key: 'phases.biuld' }],
      ['TESSERA_BUILDSPEC_UNKNOWN_KEY', { file: FILE, line: 15, column: 3, key: 'artifacts.name' }],
      ['TESSERA_BUILDSPEC_UNKNOWN_KEY', { file: FILE, line: 16, column: 1, key: 'cache' }],
    ]);
    expect(warnings[3]!.text).toMatch(/`phases.biuld` is ignored.*`install`, `pre_build`, `build`, `post_build`/);
  });
});
