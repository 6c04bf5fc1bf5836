import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, validateConfig } from '../../../tools/src/workspace/config.js';
import { discoverProjects } from '../../../tools/src/workspace/discover-projects.js';
import { findOwningProject } from '../../../tools/src/workspace/project.js';
import { parseJsonc } from '../../../tools/src/workspace/parse-json.js';

const input = (files: Record<string, string>, existing: string[] = [], contents: Record<string, string> = {}) => ({
  nxJson: { file: 'nx.json', text: '{"workspaceLayout":{"appsDir":"apps"}}' },
  rootPackageJson: { file: 'package.json', text: '{"workspaces":["packages/*"]}' },
  projectFiles: new Map(Object.entries(files)),
  files: [...Object.keys(files), ...existing, ...Object.keys(contents)],
  readFile: (p: string) => contents[p] ?? files[p] ?? null,
  config: DEFAULT_CONFIG,
});

describe('discoverProjects', () => {
  it('reads project.json and workspace package.json; infers type from the apps dir; finds entries', () => {
    const result = discoverProjects(
      input(
        {
          'apps/shop/project.json': '{"name":"shop"}',
          'libs/ui/project.json': '{"name":"ui","tags":["scope:shared"]}',
          'packages/api/package.json': '{"name":"@acme/api","nx":{"projectType":"application","sourceRoot":"packages/api/lib"}}',
          'tools/package.json': '{"name":"not-a-workspace-package"}',
        },
        ['apps/shop/src/main.tsx', 'packages/api/lib/index.ts'],
      ),
    );
    expect(result.problems).toEqual([]);
    expect(result.projects.map((p) => [p.name, p.type, p.entries])).toEqual([
      ['@acme/api', 'application', ['packages/api/lib/index.ts']],
      ['shop', 'application', ['apps/shop/src/main.tsx']],
      ['ui', 'library', []],
    ]);
  });

  it('a problem of one project is a warning about that project, each with file and key; the rest is read', () => {
    const result = discoverProjects(input({ 'apps/a/project.json': '{"name": 1, "projectType": "app", "implicitDependencies": ["ghost"], "targets": {"build": {"options": {"main": "apps/a/src/gone.ts"}}}}', 'libs/b/project.json': '{ broken', 'libs/c/project.json': '{"name":"c"}' }));
    expect(result.problems).toEqual([]);
    expect(result.warnings.map((p) => `${p.code} ${p.location?.file}#${p.location?.key ?? p.location?.line}`)).toEqual(
      expect.arrayContaining([
        'TESSERA_WORKSPACE_PROJECT_INVALID apps/a/project.json#name', 'TESSERA_WORKSPACE_PROJECT_INVALID apps/a/project.json#projectType', 'TESSERA_WORKSPACE_PROJECT_INVALID apps/a/project.json#implicitDependencies',
        'TESSERA_WORKSPACE_PROJECT_INVALID apps/a/project.json#targets.build.options.main', 'TESSERA_WORKSPACE_PROJECT_SKIPPED libs/b/project.json#1',
      ]),
    );
    expect(result.projects.map((p) => [p.name, p.type, p.precision])).toEqual([['a', 'application', 'project'], ['c', 'library', undefined]]);
  });

  it('one name, two projects: the first keeps it and the second is left out with a warning', () => {
    const result = discoverProjects(input({ 'libs/a/project.json': '{"name":"x"}', 'libs/b/project.json': '{"name":"x"}' }));
    expect(result.projects.map((p) => p.root)).toEqual(['libs/a']);
    expect(result.warnings[0]!.text).toContain('libs/a/project.json and libs/b/project.json');
  });

  it('nested project roots: the innermost owns the file', () => {
    const projects = discoverProjects(input({ 'libs/a/project.json': '{"name":"a"}', 'libs/a/nested/project.json': '{"name":"nested"}' })).projects;
    expect(findOwningProject(projects, 'libs/a/nested/src/x.ts')?.name).toBe('nested');
    expect(findOwningProject(projects, 'libs/a/src/x.ts')?.name).toBe('a');
    expect(findOwningProject(projects, 'libs/ab/x.ts')).toBeUndefined();
  });
});

describe('validateConfig', () => {
  it('returns defaults-filled config or every error located by key', () => {
    expect(validateConfig({ globalInputs: ['x'] }).config?.buildToolPackages).toEqual(['esbuild', 'typescript', 'tessera-build']);
    const { errors } = validateConfig({ maxFileBytes: 1, apps: { a: { route: 'no-slash', x: 1 } } });
    expect(errors.map((e) => e.location?.key).sort()).toEqual(['apps.a.route', 'apps.a.x', 'maxFileBytes']);
  });

  it('merges CodeBuild prices over the defaults, needs no project to set them, and refuses a negative price', () => {
    const { config } = validateConfig({ codebuild: { pricePerMinute: { medium: 0.0125, 'arm-small': 0.0034 } } });
    expect(config?.codebuild).toEqual({ project: 'tessera', pricePerMinute: { small: 0.005, medium: 0.0125, large: 0.02, xlarge: 0.04, '2xlarge': 0.08, 'arm-small': 0.0034 } });
    expect(validateConfig({ codebuild: { project: 'p', region: 'eu-west-1' } }).config?.codebuild).toMatchObject({ project: 'p', region: 'eu-west-1', pricePerMinute: DEFAULT_CONFIG.codebuild.pricePerMinute });
    expect(validateConfig({ codebuild: { pricePerMinute: { small: -1 } } }).errors.map((e) => e.location?.key)).toEqual(['codebuild.pricePerMinute.small']);
    // StartBuild's queuedTimeoutInMinutesOverride range, refused by key rather than clamped silently.
    expect(validateConfig({ codebuild: { queuedTimeoutMinutes: 30 } }).config?.codebuild.queuedTimeoutMinutes).toBe(30);
    expect(validateConfig({}).config?.codebuild).not.toHaveProperty('queuedTimeoutMinutes');
    for (const bad of [4, 481, 7.5]) expect(validateConfig({ codebuild: { queuedTimeoutMinutes: bad } }).errors.map((e) => e.location?.key), String(bad)).toEqual(['codebuild.queuedTimeoutMinutes']);
  });
});

describe('parseJsonc', () => {
  it('accepts comments and trailing commas, keeps "//" inside strings', () => {
    const r = parseJsonc('{ // c\n "a": "http://x", /* b */ "b": [1,2,], }', 't.json');
    expect(r).toEqual({ ok: true, value: { a: 'http://x', b: [1, 2] } });
  });

  it('keeps ",]" and "/*" inside strings, drops a trailing comma before a comment, and locates errors by line', () => {
    expect(parseJsonc('{ "a": "x,]", "b": "/* no */", "c": [1, /* last */ ], // end\n}', 't.json')).toEqual({ ok: true, value: { a: 'x,]', b: '/* no */', c: [1] } });
    expect(parseJsonc('{"plain": {"json": [true]}}', 't.json')).toEqual({ ok: true, value: { plain: { json: [true] } } });
    const bad = parseJsonc('{\n  /* one\n two */\n  "a": 1,\n  "b" 2\n}', 't.json');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problem.location?.line).toBe(5);
  });
});
