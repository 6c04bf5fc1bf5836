import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../tools/src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { createEmptyRepo, createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';


let repo: TestRepo;
beforeAll(() => {
  repo = createSampleRepo();
  repo.write('libs/i18n/src/messages/en.json', JSON.stringify({ greeting: 'Hello there' }, null, 2));
  repo.write('docs/changelog.md', '# changes\n');
  repo.commit('i18n copy');
});
afterAll(() => repo.cleanup());

describe('tessera affected output formats', () => {
  it('--json prints one document on stdout and nothing else', async () => {
    const io = captureIo(repo.dir);
    expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json'], io)).toBe(0);
    const doc = JSON.parse(io.out());
    expect(Object.keys(doc)).toEqual(['base', 'head', 'mergeBase', 'headCommit', 'policy', 'apps', 'testProjects', 'deselected', 'unownedFiles', 'warnings', 'stats']);
    expect(doc.apps.map((a: { name: string }) => a.name)).toEqual(['checkout', 'course-page', 'learner-home', 'profile']);
    expect(doc.apps[0].reasons[0]).toMatchObject({ kind: 'input', file: 'libs/i18n/src/messages/en.json' });
    expect(doc.unownedFiles).toEqual(['docs/changelog.md']);
    expect(doc.mergeBase).toMatch(/^[0-9a-f]{40}$/);
  });

  it('--projects and --exclude narrow the answer as in Nx; an empty list or an unknown name is refused', async () => {
    const io = captureIo(repo.dir);
    expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--projects', 'c*,profile', '--exclude', 'course-*', '--json'], io)).toBe(0);
    const doc = JSON.parse(io.out());
    expect({ apps: doc.apps.map((a: { name: string }) => a.name), deselected: doc.deselected }).toEqual({ apps: ['checkout', 'profile'], deselected: ['course-page', 'learner-home'] });
    const empty = captureIo(repo.dir);
    expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--exclude', ','], empty)).toBe(2);
    expect(empty.err()).toContain('--exclude needs at least one project name');
    const typo = captureIo(repo.dir);
    expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--projects', 'chekout'], typo)).not.toBe(0);
    expect(typo.err()).toMatch(/TESSERA_UNKNOWN_APP[\s\S]*"chekout"/);
  });

  it('--format matrix prints a GitHub Actions matrix', async () => {
    const io = captureIo(repo.dir);
    await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'matrix'], io);
    expect(JSON.parse(io.out())).toEqual({ include: [{ app: 'checkout' }, { app: 'course-page' }, { app: 'learner-home' }, { app: 'profile' }] });
  });

  it('--format md prints a Markdown table', async () => {
    const io = captureIo(repo.dir);
    await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'md'], io);
    expect(io.out()).toContain('| App | Reasons | Why |');
    expect(io.out()).toContain('| profile | 1 |');
  });

  it('text output names each app with a one-line reason; the policy goes to stderr', async () => {
    const io = captureIo(repo.dir);
    await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD'], io);
    expect(io.out()).toMatch(/4 of 6 apps affected/);
    expect(io.out()).toMatch(/profile\s+libs\/i18n\/src\/messages\/en\.json is imported by profile/);
    expect(io.err()).toContain('committed changes between merge-base');
  });

  it('--why APP --json prints one document: the reasons with every import chain', async () => {
    const io = captureIo(repo.dir);
    expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--why', 'profile', '--json'], io)).toBe(0);
    const doc = JSON.parse(io.out());
    expect({ app: doc.app, affected: doc.affected, kind: doc.reasons[0].kind }).toEqual({ app: 'profile', affected: true, kind: 'input' });
    expect(doc.reasons[0].chains[0].at(-1)).toEqual({ file: 'libs/i18n/src/messages/en.json', kind: 'static' });
    expect(io.err()).toBe('');
  });

  it('--why APP prints every chain from the entry to the changed file', async () => {
    const io = captureIo(repo.dir);
    await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--why', 'checkout'], io);
    expect(io.out()).toContain('apps/checkout/src/main.tsx');
    expect(io.out()).toContain('└─ libs/i18n/src/messages/en.json');
    expect(io.out()).toMatch(/chain 1:/);
    const unaffected = captureIo(repo.dir);
    await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--why', 'search'], unaffected);
    expect(unaffected.out()).toContain('search is not affected');
    const unknown = captureIo(repo.dir);
    expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--why', 'nope'], unknown)).toBe(2);
    expect(unknown.err()).toContain('TESSERA_UNKNOWN_APP');
  });

  it('colours each stream by its own terminal: the policy on stderr, the chains on stdout', async () => {
    const ansi = /\x1b\[\d+m/;
    const args = ['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--why', 'checkout'];
    const stdoutTerminal = captureIo(repo.dir, {}, undefined, { tty: { stdout: true } });
    expect(await main(args, stdoutTerminal)).toBe(0);
    expect(stdoutTerminal.out()).toMatch(ansi);
    expect(stdoutTerminal.err()).toContain('changes: committed changes');
    expect(stdoutTerminal.err()).not.toMatch(ansi);
    const stderrTerminal = captureIo(repo.dir, {}, undefined, { tty: { stderr: true } });
    expect(await main(args, stderrTerminal)).toBe(0);
    expect(stderrTerminal.out()).toContain('└─ libs/i18n/src/messages/en.json');
    expect(stderrTerminal.out()).not.toMatch(ansi);
    expect(stderrTerminal.err()).toMatch(ansi);
  });

  it('TESSERA_BASE and TESSERA_HEAD are read, and flags win', async () => {
    const io = captureIo(repo.dir, { TESSERA_BASE: 'HEAD', TESSERA_HEAD: 'HEAD' });
    await main(['affected', '--json'], io);
    expect(JSON.parse(io.out()).apps).toEqual([]);
    const flagWins = captureIo(repo.dir, { TESSERA_BASE: 'HEAD', TESSERA_HEAD: 'HEAD' });
    await main(['affected', '--json', '--base', 'HEAD~1'], flagWins);
    expect(JSON.parse(flagWins.out()).apps).toHaveLength(4);
  });

  it('NX_BASE / NX_HEAD (nx-set-shas) and TURBO_SCM_BASE / TURBO_SCM_HEAD are read after TESSERA_BASE / TESSERA_HEAD', async () => {
    const fromNx = captureIo(repo.dir, { NX_BASE: 'HEAD~1', NX_HEAD: 'HEAD' });
    await main(['affected', '--json'], fromNx);
    expect(JSON.parse(fromNx.out()).apps).toHaveLength(4);
    const fromTurbo = captureIo(repo.dir, { TURBO_SCM_BASE: 'HEAD~1', TURBO_SCM_HEAD: 'HEAD' });
    await main(['affected', '--json'], fromTurbo);
    expect(JSON.parse(fromTurbo.out()).apps).toHaveLength(4);
    const tesseraWins = captureIo(repo.dir, { TESSERA_BASE: 'HEAD', NX_BASE: 'HEAD~1', NX_HEAD: 'HEAD' });
    await main(['affected', '--json'], tesseraWins);
    expect(JSON.parse(tesseraWins.out()).apps).toEqual([]);
  });

  it('under --json an error is one JSON document on stdout, the human message on stderr, the same exit status', async () => {
    const unknown = captureIo(repo.dir);
    expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--why', 'nope', '--json'], unknown)).toBe(2);
    expect(JSON.parse(unknown.out())).toEqual({ error: { code: 'TESSERA_UNKNOWN_APP', message: 'No app named "nope" in this workspace', hint: expect.stringContaining('Apps: catalog, checkout'), problems: [] } });
    expect(unknown.err()).toContain('TESSERA_UNKNOWN_APP');
    const flag = captureIo(repo.dir);
    expect(await main(['affected', '--json', '--bogus'], flag)).toBe(2);
    expect(JSON.parse(flag.out()).error).toMatchObject({ code: 'TESSERA_USAGE', message: expect.stringContaining("Unknown option '--bogus'") });
    const command = captureIo(repo.dir);
    expect(await main(['afected', '--json'], command)).toBe(2);
    expect(JSON.parse(command.out()).error).toMatchObject({ code: 'TESSERA_USAGE', message: expect.stringContaining('did you mean "affected"') });
    // After `--`, --json is not an option: the error stays human.
    const after = captureIo(repo.dir);
    expect(await main(['afected', '--', '--json'], after)).toBe(2);
    expect(after.out()).toBe('');
  });

  it('--json is --format json; beside another --format it is refused, over TESSERA_FORMAT it wins', async () => {
    const both = captureIo(repo.dir);
    expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json', '--format', 'md'], both)).toBe(2);
    expect(JSON.parse(both.out()).error.message).toBe('--json prints one JSON document on stdout; it does not go with --format md');
    const overEnv = captureIo(repo.dir, { TESSERA_FORMAT: 'md' });
    expect(await main(['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json'], overEnv)).toBe(0);
    expect(JSON.parse(overEnv.out()).apps).toHaveLength(4);
    const graph = captureIo(repo.dir);
    expect(await main(['graph', '--app', 'profile', '--json'], graph)).toBe(0);
    expect(JSON.parse(graph.out()).apps.map((a: { name: string }) => a.name)).toEqual(['profile']);
    const cycles = captureIo(repo.dir);
    expect(await main(['graph', '--cycles', '--json'], cycles)).toBe(0);
    expect(JSON.parse(cycles.out())).toEqual({ cycles: expect.any(Array) });
    const dot = captureIo(repo.dir);
    expect(await main(['graph', '--json', '--format', 'dot'], dot)).toBe(2);
    expect(JSON.parse(dot.out()).error.code).toBe('TESSERA_USAGE');
  });

  it('usage errors exit 2 and quote the value received', async () => {
    const io = captureIo(repo.dir);
    expect(await main(['affected', '--format', 'yaml'], io)).toBe(2);
    expect(io.err()).toContain('received "yaml"');
    const unknownFlag = captureIo(repo.dir);
    expect(await main(['affected', '--bogus'], unknownFlag)).toBe(2);
    expect(unknownFlag.err()).toContain('TESSERA_USAGE');
  });

  it('tessera graph prints the apps with their files, and dot', async () => {
    const io = captureIo(repo.dir);
    await main(['graph', '--app', 'profile'], io);
    const doc = JSON.parse(io.out());
    expect(doc.apps[0].name).toBe('profile');
    expect(doc.apps[0].files).toContain('libs/page-header/src/PageHeader.tsx');
    expect(doc.apps[0].files).not.toContain('libs/search-ui/src/index.ts');
    const dot = captureIo(repo.dir);
    await main(['graph', '--app', 'profile', '--format', 'dot'], dot);
    expect(dot.out()).toMatch(/^digraph tessera \{/);
  });

  it('tessera graph --format html prints one page; --why and --file are checked, and the file must be an input', async () => {
    const page = captureIo(repo.dir);
    expect(await main(['graph', '--format', 'html', '--app', 'profile', '--why', 'profile', '--file', './libs/i18n/src/messages/en.json'], page), page.err()).toBe(0);
    expect(page.out()).toMatch(/^<!doctype html>[^]*<\/html>\n$/);
    const data = JSON.parse(/<script type="application\/json" id="tessera-graph">([^]*?)<\/script>/.exec(page.out())![1]!);
    expect(data.nodes.filter((n: { type: string }) => n.type === 'application').map((n: { name: string }) => n.name)).toEqual(['profile']);
    expect(data.why.chain.at(-1).file).toBe('libs/i18n/src/messages/en.json');
    const cases: Array<[string[], number, RegExp]> = [
      [['--format', 'html', '--why', 'profile'], 2, /TESSERA_USAGE.*--why APP .* needs --file PATH/],
      [['--format', 'html', '--file', 'x.ts'], 2, /TESSERA_USAGE.*--file .* needs --why APP/],
      [['--why', 'profile', '--file', 'x.ts'], 2, /TESSERA_USAGE.*--why goes with --format html/],
      [['--format', 'html', '--cycles'], 2, /TESSERA_USAGE.*--cycles/],
      [['--format', 'html', '--app', 'search', '--why', 'profile', '--file', 'x.ts'], 2, /TESSERA_USAGE.*--app search/],
      [['--format', 'html', '--why', 'nope', '--file', 'x.ts'], 2, /TESSERA_UNKNOWN_APP.*"nope"/],
      [['--format', 'html', '--why', 'search', '--file', 'libs/i18n/src/messages/en.json'], 2, /TESSERA_GRAPH_NOT_AN_INPUT.*libs\/i18n\/src\/messages\/en\.json is not an input of search/],
    ];
    for (const [args, code, message] of cases) {
      const io = captureIo(repo.dir);
      expect(await main(['graph', ...args], io), args.join(' ')).toBe(code);
      expect(io.err(), args.join(' ')).toMatch(message);
      expect(io.out(), args.join(' ')).toBe('');
    }
  });
});

describe('--cwd on another Nx workspace, with no configuration', () => {
  let other: TestRepo;
  beforeAll(() => {
    other = createEmptyRepo('tessera-other-');
    // A package-based Nx workspace: projects from package.json workspaces, no project.json, no tessera config.
    other.write('package.json', JSON.stringify({ name: 'shop', private: true, workspaces: ['packages/*', 'libs/*'] }));
    other.write('nx.json', JSON.stringify({ defaultBase: 'main', workspaceLayout: { appsDir: 'packages' } }));
    other.write('packages/web/package.json', JSON.stringify({ name: 'web', nx: { projectType: 'application' } }));
    other.write('packages/web/src/main.ts', "import { price } from '../../../libs/pricing/src/index';\nconsole.log(price(3));\n");
    other.write('packages/admin/package.json', JSON.stringify({ name: 'admin', nx: { projectType: 'application' } }));
    other.write('packages/admin/src/main.ts', "console.log('admin');\n");
    other.write('libs/pricing/package.json', JSON.stringify({ name: 'pricing', nx: { projectType: 'library' } }));
    other.write('libs/pricing/src/index.ts', 'export const price = (n: number) => n * 2;\n');
    other.commit('init');
    other.append('libs/pricing/src/index.ts', '// cheaper\n');
    other.commit('pricing');
  });
  afterAll(() => other.cleanup());

  it('discovers projects the Nx way and answers', async () => {
    const io = captureIo(REPO_ROOT);
    expect(await main(['affected', '--cwd', other.dir, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'matrix'], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ include: [{ app: 'web' }] });
  });

  it('--project-source nx asks the workspace\'s own Nx for its projects', async () => {
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(other.dir, 'node_modules'));
    const io = captureIo(REPO_ROOT);
    const code = await main(['affected', '--cwd', other.dir, '--base', 'HEAD~1', '--head', 'HEAD', '--project-source', 'nx', '--format', 'matrix'], io);
    expect(io.err()).not.toContain('error');
    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ include: [{ app: 'web' }] });
  });
});

describe('--project-source nx on a workspace whose projects only an Nx plugin infers', () => {
  let inferred: TestRepo;
  beforeAll(() => {
    inferred = createEmptyRepo('tessera-inferred-');
    // No project.json and no workspace package.json: a local plugin turns each app.config.json into a project.
    inferred.write('package.json', JSON.stringify({ name: 'inferred', private: true }));
    inferred.write('nx.json', JSON.stringify({ defaultBase: 'main', plugins: ['./tools/infer-projects.cjs'] }));
    inferred.write('tools/infer-projects.cjs', [
      "const { dirname, join } = require('node:path');",
      "const { readFileSync } = require('node:fs');",
      'exports.createNodes = [\'**/app.config.json\', (files, _options, context) => files.map((file) => {',
      '  const { name, type } = JSON.parse(readFileSync(join(context.workspaceRoot, file), \'utf8\'));',
      '  return [file, { projects: { [dirname(file)]: { name, projectType: type, sourceRoot: `${dirname(file)}/src` } } }];',
      '})];',
      '',
    ].join('\n'));
    inferred.write('sites/store/app.config.json', JSON.stringify({ name: 'store', type: 'application' }));
    inferred.write('sites/store/src/main.ts', "import { total } from '../../../shared/cart/src/index';\nconsole.log(total([1, 2]));\n");
    inferred.write('sites/blog/app.config.json', JSON.stringify({ name: 'blog', type: 'application' }));
    inferred.write('sites/blog/src/main.ts', "console.log('blog');\n");
    inferred.write('shared/cart/app.config.json', JSON.stringify({ name: 'cart', type: 'library' }));
    inferred.write('shared/cart/src/index.ts', 'export const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);\n');
    inferred.commit('init');
    inferred.append('shared/cart/src/index.ts', '// rounding\n');
    inferred.commit('cart');
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(inferred.dir, 'node_modules'));
  });
  afterAll(() => inferred.cleanup());

  it('finds no apps by files alone, and the right one through Nx', async () => {
    const own = captureIo(REPO_ROOT);
    expect(await main(['affected', '--cwd', inferred.dir, '--base', 'HEAD~1', '--head', 'HEAD', '--json'], own)).toBe(2);
    expect(own.err()).toContain('TESSERA_WORKSPACE_NO_APPS');
    const io = captureIo(REPO_ROOT);
    const code = await main(['affected', '--cwd', inferred.dir, '--base', 'HEAD~1', '--head', 'HEAD', '--project-source', 'nx', '--json'], io);
    expect(io.err()).not.toContain('error');
    expect(code).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.stats.totalApps).toBe(2);
    expect(doc.apps.map((a: { name: string }) => a.name)).toEqual(['store']);
  });
});

describe('the built CLI', () => {
  it('runs through the package bin and prints its version', () => {
    const version = execFileSync(process.execPath, [join(REPO_ROOT, 'tools/bin/tessera.js'), '--version'], { encoding: 'utf8' }).trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 with a message on a usage error', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [join(REPO_ROOT, 'tools/bin/tessera.js'), 'frobnicate'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toContain('Unknown command "frobnicate"');
    expect(stderr).not.toContain('did you mean');
  });

  it('suggests the command or flag a typo meant, and `tessera help CMD` is that command\'s help', async () => {
    const command = captureIo(repo.dir);
    expect(await main(['afected'], command)).toBe(2);
    expect(command.err()).toContain('Unknown command "afected"; did you mean "affected"?');
    const flag = captureIo(repo.dir);
    expect(await main(['affected', '--bse', 'HEAD~1'], flag)).toBe(2);
    expect(flag.err()).toContain('did you mean --base?');
    const help = captureIo(repo.dir);
    expect(await main(['help', 'build'], help)).toBe(0);
    expect(help.out()).toContain('Usage: tessera build');
  });
});


describe('range flags: one set of rules for affected and build', () => {
  it.each([
    [['affected', '--files', 'libs/formatting/src/dates.ts', '--head', 'HEAD']],
    [['build', '--affected', '--files', 'libs/formatting/src/dates.ts', '--head', 'HEAD', '--dry-run']],
    [['build', '--affected', '--uncommitted', '--head', 'HEAD', '--dry-run']],
    [['affected', '--files', ' , ']],
    [['build', '--affected', '--files', ',', '--dry-run']],
    [['build', '--head', 'HEAD', '--dry-run']],
  ])('tessera %j is a usage error, not a silently dropped flag', async (argv) => {
    const io = captureIo(repo.dir);
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toContain('TESSERA_USAGE');
    expect(io.out()).toBe('');
  });
});

describe('a workspace directory that is not there', () => {
  it('--cwd of a missing directory says so, with a coded error', async () => {
    const io = captureIo(repo.dir);
    expect(await main(['affected', '--cwd', join(repo.dir, 'no-such-dir')], io)).toBe(2);
    expect(io.err()).toContain('TESSERA_WORKSPACE_NOT_FOUND');
    expect(io.err()).toContain('does not exist');
  });
});
