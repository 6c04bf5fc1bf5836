import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAffected } from '../../tools/src/affected/read-affected.js';
import { main } from '../../tools/src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { createSampleRepo, openRepo, type TestRepo } from '../support/sample-repo.js';

const repos: TestRepo[] = [];
afterEach(() => repos.splice(0).forEach((r) => r.cleanup()));
const sample = () => {
  const r = createSampleRepo();
  repos.push(r);
  return r;
};


async function rejectsWith(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toMatchObject({ code });
}

describe('bad input gets a coded error that says where and what to do', () => {
  it('not a git repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-nogit-'));
    writeFileSync(join(dir, 'nx.json'), '{}');
    try {
      const io = captureIo(dir);
      expect(await main(['affected'], io)).toBe(2);
      expect(io.err()).toContain('TESSERA_GIT_NOT_A_REPOSITORY');
      expect(io.err()).toContain('hint');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a base or head that does not exist', async () => {
    const r = sample();
    await rejectsWith(readAffected({ root: r.dir, base: 'no-such-branch' }), 'TESSERA_GIT_REF_NOT_FOUND');
    await rejectsWith(readAffected({ root: r.dir, base: 'main', head: 'deadbeef' }), 'TESSERA_GIT_REF_NOT_FOUND');
  });

  it('a shallow clone without the merge-base fails with a hint, and --deepen fetches until it appears', async () => {
    const origin = sample();
    origin.git('checkout', '-q', '-b', 'feature');
    for (let i = 0; i < 3; i++) {
      origin.append('libs/formatting/src/dates.ts', `\n// ${i}\n`);
      origin.commit(`feature ${i}`);
    }
    const clone = mkdtempSync(join(tmpdir(), 'tessera-shallow-'));
    repos.push(openRepo(clone));
    execFileSync('git', ['clone', '-q', '--depth', '1', '--no-single-branch', `file://${origin.dir}`, clone]);
    execFileSync('git', ['checkout', '-q', 'feature'], { cwd: clone });
    symlinkSync(join(origin.dir, 'node_modules'), join(clone, 'node_modules'));
    await rejectsWith(readAffected({ root: clone, base: 'origin/main', head: 'HEAD' }), 'TESSERA_GIT_SHALLOW_CLONE');
    const report = await readAffected({ root: clone, base: 'origin/main', head: 'HEAD', deepen: true });
    expect(report.apps.map((a) => a.name)).toEqual(['learner-home', 'profile', 'search']);
  });

  it('unreadable nx.json is an error located by line; invalid keys of a project.json are warnings with file and key', async () => {
    const r = sample();
    r.write('libs/i18n/project.json', JSON.stringify({ name: 'i18n', projectType: 'widget', tags: 'x' }));
    r.commit('break a project');
    const report = await readAffected({ root: r.dir, base: 'HEAD~1' });
    const where = report.warnings.filter((w) => w.code === 'TESSERA_WORKSPACE_PROJECT_INVALID').map((w) => `${w.location?.file}#${w.location?.key}`);
    expect(where).toEqual(expect.arrayContaining(['libs/i18n/project.json#projectType', 'libs/i18n/project.json#tags']));
    expect(report.snapshot.projects.find((p) => p.name === 'i18n')?.type).toBe('library');
    r.write('nx.json', '{ "defaultBase": "main", }');
    r.commit('break nx.json');
    const error = await readAffected({ root: r.dir, base: 'HEAD~1' }).catch((e) => e);
    expect(error.code).toBe('TESSERA_WORKSPACE_INVALID');
    expect(error.problems.map((p: { location: { file: string; line?: number } }) => `${p.location.file}:${p.location.line}`)).toEqual(['nx.json:1']);
  });

  it('nx.json or project.json that is there but cannot be read: a coded problem naming each, at once', async () => {
    const r = sample();
    rmSync(join(r.dir, 'nx.json'));
    mkdirSync(join(r.dir, 'nx.json'));
    rmSync(join(r.dir, 'libs/i18n/project.json'));
    symlinkSync('project.missing.json', join(r.dir, 'libs/i18n/project.json'));
    const error = await readAffected({ root: r.dir, base: 'HEAD' }).catch((e) => e);
    expect(error.code).toBe('TESSERA_WORKSPACE_INVALID');
    expect(error.problems.map((p: { location: { file: string } }) => p.location.file)).toEqual(['nx.json']);
    expect(error.problems[0].text).toMatch(/EISDIR/);
    // The default base comes from nx.json too: unreadable there is the same coded error, not a crash.
    await rejectsWith(readAffected({ root: r.dir }), 'TESSERA_WORKSPACE_INVALID');
    // Without the broken nx.json, the dangling project.json leaves out only its project, with a warning.
    rmSync(join(r.dir, 'nx.json'), { recursive: true });
    r.git('checkout', '--', 'nx.json');
    const report = await readAffected({ root: r.dir, base: 'HEAD' });
    expect(report.warnings.filter((w) => w.code === 'TESSERA_WORKSPACE_PROJECT_SKIPPED').map((w) => [w.location?.file, /symlink to nothing/.test(w.text)])).toEqual([['libs/i18n/project.json', true]]);
  });

  it('two projects with one name: the first by path keeps it, the other is left out with a warning', async () => {
    const r = sample();
    r.write('libs/i18n/project.json', r.read('libs/i18n/project.json').replace('"name": "i18n"', '"name": "icons"'));
    r.commit('dup');
    const report = await readAffected({ root: r.dir, base: 'HEAD~1' });
    const warning = report.warnings.find((w) => w.code === 'TESSERA_WORKSPACE_PROJECT_SKIPPED');
    expect(warning?.text).toContain('libs/i18n/project.json');
    expect(warning?.text).toContain('libs/icons/project.json');
    expect(report.snapshot.projects.filter((p) => p.name === 'icons').map((p) => p.root)).toEqual(['libs/i18n']);
  });

  it('an invalid tessera.config.json lists every problem by key', async () => {
    const r = sample();
    r.write('tessera.config.json', JSON.stringify({ maxFileBytes: 'big', apps: { nope: { computeType: 'huge' } }, colour: true }));
    const error = await readAffected({ root: r.dir, base: 'HEAD' }).catch((e) => e);
    expect(error.code).toBe('TESSERA_CONFIG_INVALID');
    const keys = error.problems.map((p: { location: { key: string } }) => p.location.key);
    expect(keys).toEqual(expect.arrayContaining(['maxFileBytes', 'apps.nope.computeType', 'colour']));
  });

  it('an import cycle is reported by graph --cycles, and affected does not hang on it', async () => {
    const r = sample();
    r.write('libs/formatting/src/cycle-a.ts', "import { b } from './cycle-b';\nexport const a = () => b();\n");
    r.write('libs/formatting/src/cycle-b.ts', "import { a } from './cycle-a';\nexport const b = (): number => (a as unknown as number);\n");
    r.append('libs/formatting/src/dates.ts', "\nexport { a as cycleA } from './cycle-a';\n");
    r.commit('cycle');
    const report = await readAffected({ root: r.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(report.apps.map((a) => a.name)).toEqual(['learner-home', 'profile', 'search']);
    const io = captureIo(r.dir);
    expect(await main(['graph', '--cycles', '--format', 'json'], io)).toBe(0);
    expect(JSON.parse(io.out()).cycles).toEqual([['libs/formatting/src/cycle-a.ts', 'libs/formatting/src/cycle-b.ts']]);
  });

  it('a symlink loop and a 50 MB generated file are handled with warnings, not crashes', async () => {
    const r = sample();
    symlinkSync('loop-b', join(r.dir, 'libs/formatting/src/loop-a'));
    symlinkSync('loop-a', join(r.dir, 'libs/formatting/src/loop-b'));
    const big = 'export const data = [\n' + '  "0123456789012345678901234567890123456789012345678901234567890123456789",\n'.repeat(700_000) + '];\n';
    r.write('libs/formatting/src/generated-data.ts', big);
    r.append('libs/formatting/src/dates.ts', "\nexport { data as generated } from './generated-data';\nimport './loop-a';\n");
    r.commit('big');
    r.append('libs/formatting/src/generated-data.ts', '// regenerated\n');
    r.commit('regenerate');
    const report = await readAffected({ root: r.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(report.apps.map((a) => a.name)).toEqual(['learner-home', 'profile', 'search']);
    expect(report.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['TESSERA_GRAPH_FILE_TOO_LARGE', 'TESSERA_GRAPH_SYMLINK_LOOP']));
  });

  it('a committed symlink loop named like a source file is not stat-ed to death', async () => {
    // The size check before analysis stats every parseable file; ELOOP there used to be an internal error.
    const r = sample();
    symlinkSync('loop-b.ts', join(r.dir, 'libs/formatting/src/loop-a.ts'));
    symlinkSync('loop-a.ts', join(r.dir, 'libs/formatting/src/loop-b.ts'));
    r.commit('loop');
    const io = captureIo(r.dir);
    expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json'], io)).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.apps).toEqual([]);
    expect(doc.unownedFiles).toEqual(expect.arrayContaining(['libs/formatting/src/loop-a.ts', 'libs/formatting/src/loop-b.ts']));
  });
});

describe('the cache', () => {
  it('is reused for an identical comparison and rebuilt when corrupt, never trusted', async () => {
    const r = sample();
    r.append('libs/formatting/src/dates.ts', '\n// x\n');
    r.commit('edit');
    const first = await readAffected({ root: r.dir, base: 'HEAD~1', head: 'HEAD' });
    const second = await readAffected({ root: r.dir, base: 'HEAD~1', head: 'HEAD' });
    expect([first.stats.cache, second.stats.cache]).toEqual(['miss', 'hit']);
    const dir = join(r.dir, '.tessera', 'cache', 'graphs');
    const [file] = execFileSync('ls', [dir], { encoding: 'utf8' }).trim().split('\n').filter((f) => f.endsWith('.graph'));
    // One path renamed in place, same length: only the checksum can tell.
    const bytes = readFileSync(join(dir, file!));
    const at = bytes.indexOf('libs/formatting/src/dates.ts');
    expect(at).toBeGreaterThan(0);
    bytes.write('libs/formatting/src/dites.ts', at);
    writeFileSync(join(dir, file!), bytes);
    const third = await readAffected({ root: r.dir, base: 'HEAD~1', head: 'HEAD' });
    expect(third.stats.cache).toBe('miss');
    expect(third.warnings.map((w) => w.code)).toContain('TESSERA_CACHE_CORRUPT');
    expect(third.apps).toEqual(first.apps);
    expect(r.git('status', '--porcelain')).toBe('');
  });
});

describe('working tree policies', () => {
  it('without --head, uncommitted and untracked files count, and the policy says so', async () => {
    const r = sample();
    r.append('libs/formatting/src/dates.ts', '\n// uncommitted\n');
    r.write('apps/catalog/src/new-widget.ts', 'export const w = 1;\n');
    const all = await readAffected({ root: r.dir, base: 'main' });
    expect(all.apps.map((a) => a.name)).toEqual(['catalog', 'learner-home', 'profile', 'search']);
    expect(all.policy).toContain('uncommitted and untracked');
    const untrackedOnly = await readAffected({ root: r.dir, untracked: true });
    expect(untrackedOnly.apps.map((a) => a.name)).toEqual(['catalog']);
    const committedOnly = await readAffected({ root: r.dir, base: 'main', head: 'HEAD' });
    expect(committedOnly.apps).toEqual([]);
    const files = await readAffected({ root: r.dir, files: ['libs/i18n/src/messages/en.json'] });
    expect(files.apps.map((a) => a.name)).toEqual(['checkout', 'course-page', 'learner-home', 'profile']);
  });
});
