import { afterEach, describe, expect, it } from 'vitest';
import { readAffected, type AffectedReport } from '../../tools/src/affected/read-affected.js';
import { createSampleRepo, type TestRepo } from '../support/sample-repo.js';

const ALL = ['catalog', 'checkout', 'course-page', 'learner-home', 'profile', 'search'];
let repo: TestRepo;
afterEach(() => repo?.cleanup());

/** Commits `edit` on top of the sample and returns the committed comparison HEAD~1..HEAD. */
async function affectedBy(edit: (r: TestRepo) => void, setup?: (r: TestRepo) => void): Promise<AffectedReport> {
  repo = createSampleRepo();
  if (setup) {
    setup(repo);
    repo.commit('setup');
  }
  edit(repo);
  repo.commit('edit');
  return readAffected({ root: repo.dir, base: 'HEAD~1', head: 'HEAD' });
}

const names = (r: AffectedReport) => r.apps.map((a) => a.name);
const kinds = (r: AffectedReport, app: string) => r.apps.find((a) => a.name === app)?.reasons.map((x) => x.kind) ?? [];

function bumpLock(r: TestRepo, pkg: string) {
  const lock = JSON.parse(r.read('package-lock.json'));
  const entry = lock.packages[`node_modules/${pkg}`];
  entry.version = entry.version + '-patched';
  entry.integrity = 'sha512-changed';
  r.write('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
}

describe('a changed file among the apps\' inputs', () => {
  it('affects exactly the apps whose bundles contain it, with the import chain from the entry', async () => {
    const r = await affectedBy((x) => x.append('libs/formatting/src/currency.ts', '\nexport const CURRENCY_EPSILON = 0.001;\n'));
    expect(names(r)).toEqual(['catalog', 'checkout', 'course-page', 'learner-home', 'search']);
    const reason = r.apps.find((a) => a.name === 'checkout')!.reasons[0]!;
    expect(reason).toMatchObject({ kind: 'input', file: 'libs/formatting/src/currency.ts' });
    expect(reason.chain![0]).toBe('apps/checkout/src/main.tsx');
    expect(reason.chain!.at(-1)).toBe('libs/formatting/src/currency.ts');
    expect(r.unownedFiles).toEqual([]);
  });

  it('counts a deep import only for the apps that import that module, not the whole lib', async () => {
    const r = await affectedBy((x) => x.append('libs/formatting/src/dates.ts', '\n// tz\n'));
    expect(names(r)).toEqual(['learner-home', 'profile', 'search']);
  });

  it('affects every app through the page header lib', async () => {
    const r = await affectedBy((x) => x.append('libs/page-header/src/PageHeader.tsx', '\n// header\n'));
    expect(names(r)).toEqual(ALL);
  });

  it('follows type-only imports that the bundler erases', async () => {
    const r = await affectedBy((x) => x.write('libs/models/src/course.ts', x.read('libs/models/src/course.ts').replace('export interface Course {', 'export interface Course {\n  slug?: string;')));
    expect(names(r)).toEqual(ALL);
    expect(r.apps[0]!.reasons[0]!.detail).toContain('as a type');
  });

  it('follows lazy routes, CSS @import, url() assets and JSON', async () => {
    expect(names(await affectedBy((x) => x.append('apps/catalog/src/routes/browse.tsx', '\n// lazy\n')))).toEqual(['catalog']);
    repo.cleanup();
    expect(names(await affectedBy((x) => x.append('libs/theme/src/theme.css', '\n.x{color:red}\n')))).toEqual(['catalog', 'course-page', 'learner-home', 'search']);
    repo.cleanup();
    expect(names(await affectedBy((x) => x.append('libs/theme/src/tokens.css', '\n:root{--x:1}\n')))).toEqual(ALL);
    repo.cleanup();
    expect(names(await affectedBy((x) => x.write('libs/course-card/src/assets/placeholder.png', 'not really a png')))).toEqual(['catalog', 'learner-home', 'search']);
    repo.cleanup();
    expect(names(await affectedBy((x) => x.write('libs/i18n/src/messages/en.json', JSON.stringify({ hello: 'Hi' }))))).toEqual(['checkout', 'course-page', 'learner-home', 'profile']);
  });

  it('lists a file no app reaches as unowned, and affects nothing', async () => {
    const r = await affectedBy((x) => {
      x.append('libs/formatting/src/unused-legacy.ts', '\n// legacy\n');
      x.write('docs/notes.md', '# notes\n');
    });
    expect(names(r)).toEqual([]);
    expect(r.unownedFiles).toEqual(['docs/notes.md', 'libs/formatting/src/unused-legacy.ts']);
  });

  it('affects an app when an unimported source file in its own root changes', async () => {
    const r = await affectedBy((x) => x.write('apps/profile/src/profile.spec.ts', 'export const spec = 1;\n'));
    expect(names(r)).toEqual(['profile']);
    expect(kinds(r, 'profile')).toEqual(['app-source']);
  });
});

describe('files added or deleted next to imports', () => {
  it('a new foo.ts beside an import of ./foo that resolved to foo/index.ts', async () => {
    const r = await affectedBy(
      (x) => x.write('libs/design-system/src/widgets.ts', 'export const widget = "shadow";\n'),
      (x) => {
        x.write('libs/design-system/src/widgets/index.ts', 'export const widget = "index";\n');
        x.append('libs/design-system/src/index.ts', "\nexport { widget } from './widgets';\n");
      },
    );
    expect(names(r)).toEqual(ALL);
    expect(kinds(r, 'profile')).toContain('input');
  });

  it('a deleted foo.ts that shadowed foo/index.ts: imports now resolve to the index', async () => {
    const r = await affectedBy(
      (x) => x.remove('libs/design-system/src/widgets.ts'),
      (x) => {
        x.write('libs/design-system/src/widgets/index.ts', 'export const widget = "index";\n');
        x.write('libs/design-system/src/widgets.ts', 'export const widget = "shadow";\n');
        x.append('libs/design-system/src/index.ts', "\nexport { widget } from './widgets';\n");
      },
    );
    expect(names(r)).toEqual(ALL);
    expect(kinds(r, 'profile')).toEqual(['resolution']);
  });

  it('a deleted file whose importers were not updated still affects the apps that imported it', async () => {
    const r = await affectedBy((x) => x.remove('libs/formatting/src/duration.ts'));
    expect(names(r)).toEqual(['catalog', 'course-page', 'learner-home', 'search']);
    expect(r.warnings.some((w) => w.code === 'TESSERA_GRAPH_UNRESOLVED_IMPORT')).toBe(true);
  });

  it('a rename counts on both sides', async () => {
    const r = await affectedBy((x) => {
      x.move('libs/formatting/src/dates.ts', 'libs/formatting/src/calendar.ts');
      for (const f of ['libs/formatting/src/index.ts']) x.write(f, x.read(f).replace("'./dates'", "'./calendar'"));
      x.write('tsconfig.base.json', x.read('tsconfig.base.json'));
    });
    // dates.ts was reached through the deep alias @acme/formatting/dates by learner-home and profile,
    // and through the barrel by search: all three still name the old path.
    expect(names(r)).toEqual(['learner-home', 'profile', 'search']);
  });
});

describe('lockfile and package.json', () => {
  it('a lockfile bump affects only the apps that bundle the package', async () => {
    expect(names(await affectedBy((x) => bumpLock(x, 'marked')))).toEqual(['course-page']);
    repo.cleanup();
    const r = await affectedBy((x) => bumpLock(x, 'clsx'));
    expect(names(r)).toEqual(['catalog', 'search']);
    expect(r.apps[0]!.reasons[0]).toMatchObject({ kind: 'lockfile', package: 'clsx', file: 'package-lock.json' });
  });

  it('reaches packages transitively through their dependencies', async () => {
    const r = await affectedBy((x) => bumpLock(x, 'scheduler'));
    expect(names(r)).toEqual(ALL);
    expect(r.apps[0]!.reasons[0]!.detail).toContain('react-dom');
  });

  it('a build-tool package affects every app, saying so', async () => {
    const r = await affectedBy((x) => bumpLock(x, 'esbuild'));
    expect(names(r)).toEqual(ALL);
    expect(r.apps[0]!.reasons[0]!.detail).toContain('build tool');
  });

  it('root package.json: per dependency, inert keys affect nothing, other keys every app', async () => {
    const edit = (fn: (pkg: Record<string, any>) => void) => (x: TestRepo) => {
      const pkg = JSON.parse(x.read('package.json'));
      fn(pkg);
      x.write('package.json', JSON.stringify(pkg, null, 2) + '\n');
    };
    expect(names(await affectedBy(edit((p) => (p.dependencies.marked = '^18.0.0'))))).toEqual(['course-page']);
    repo.cleanup();
    const inert = await affectedBy(edit((p) => (p.description = 'changed')));
    expect(names(inert)).toEqual([]);
    expect(inert.unownedFiles).toEqual([]);
    repo.cleanup();
    const browserslist = await affectedBy(edit((p) => (p.browserslist = ['defaults'])));
    expect(names(browserslist)).toEqual(ALL);
    expect(browserslist.apps[0]!.reasons[0]).toMatchObject({ kind: 'package-json', key: 'browserslist' });
  });
});

describe('workspace configuration', () => {
  const editJson = (path: string, fn: (json: Record<string, any>) => void) => (x: TestRepo) => {
    const json = JSON.parse(x.read(path));
    fn(json);
    x.write(path, JSON.stringify(json, null, 2) + '\n');
  };

  it('tsconfig.base.json: a changed path alias affects the apps that import through it', async () => {
    const r = await affectedBy(editJson('tsconfig.base.json', (t) => (t.compilerOptions.paths['@acme/i18n'] = ['libs/i18n/src/index.ts', 'libs/i18n/src/legacy.ts'])));
    expect(names(r)).toEqual(['checkout', 'course-page', 'learner-home', 'profile']);
    expect(r.apps[0]!.reasons[0]).toMatchObject({ kind: 'tsconfig', key: 'compilerOptions.paths.@acme/i18n' });
  });

  it('tsconfig.base.json: a removed path alias affects the apps whose imports no longer resolve', async () => {
    const r = await affectedBy(editJson('tsconfig.base.json', (t) => delete t.compilerOptions.paths['@acme/i18n']));
    expect(names(r)).toEqual(['checkout', 'course-page', 'learner-home', 'profile']);
    expect(r.apps[0]!.reasons[0]).toMatchObject({ kind: 'tsconfig', key: 'compilerOptions.paths.@acme/i18n' });
  });

  it('tsconfig.base.json: any other compiler option affects every app, naming the key', async () => {
    const r = await affectedBy(editJson('tsconfig.base.json', (t) => (t.compilerOptions.target = 'ES2023')));
    expect(names(r)).toEqual(ALL);
    expect(r.apps[0]!.reasons[0]).toMatchObject({ kind: 'tsconfig', key: 'compilerOptions.target' });
  });

  it('nx.json: inert keys affect nothing; targetDefaults affects every app', async () => {
    expect(names(await affectedBy(editJson('nx.json', (n) => (n.defaultBase = 'develop'))))).toEqual([]);
    repo.cleanup();
    const r = await affectedBy(editJson('nx.json', (n) => (n.targetDefaults = { ...n.targetDefaults, build: { cache: false } })));
    expect(names(r)).toEqual(ALL);
    expect(r.apps[0]!.reasons[0]).toMatchObject({ kind: 'nx-config', key: 'targetDefaults' });
  });

  it("project.json: an app's own targets affect that app; a lib's affect its apps; tags affect nothing", async () => {
    expect(names(await affectedBy(editJson('apps/checkout/project.json', (p) => (p.targets.build.options.outputPath = 'dist/x'))))).toEqual(['checkout']);
    repo.cleanup();
    expect(names(await affectedBy(editJson('libs/i18n/project.json', (p) => (p.targets = { ...p.targets, extra: { command: 'true' } }))))).toEqual(['checkout', 'course-page', 'learner-home', 'profile']);
    repo.cleanup();
    expect(names(await affectedBy(editJson('apps/checkout/project.json', (p) => (p.tags = [...p.tags, 'team:payments']))))).toEqual([]);
  });

  it('buildspec.yml and configured global inputs affect every app', async () => {
    expect(names(await affectedBy((x) => x.write('buildspec.yml', 'version: 0.2\n')))).toEqual(ALL);
    repo.cleanup();
    const r = await affectedBy(
      (x) => x.write('tools/browserslist-shared.txt', 'chrome >= 120\n'),
      (x) => x.write('tessera.config.json', JSON.stringify({ globalInputs: ['tools/browserslist-*.txt'] })),
    );
    expect(names(r)).toEqual(ALL);
    expect(r.apps[0]!.reasons[0]).toMatchObject({ kind: 'build-config', key: 'globalInputs' });
  });

  it('implicitDependencies: a change in the named lib affects the declaring app', async () => {
    const r = await affectedBy((x) => x.append('libs/feature-flags/src/flags.ts', '\n// flag\n'));
    expect(names(r)).toEqual(['catalog', 'checkout', 'learner-home', 'profile']);
    expect(kinds(r, 'profile')).toEqual(['implicit-dependency']);
  });

  it('implicitDependencies on an app: the declaring app follows it, whatever affected it, through chains', async () => {
    const declare = (x: TestRepo, app: string, on: string) => {
      const file = `apps/${app}/project.json`;
      x.write(file, JSON.stringify({ ...JSON.parse(x.read(file)), implicitDependencies: [on] }, null, 2));
    };
    const r = await affectedBy(
      (x) => x.append('apps/search/src/main.tsx', '\n// search\n'),
      (x) => {
        declare(x, 'course-page', 'search');
        declare(x, 'checkout', 'course-page');
      },
    );
    expect(names(r)).toEqual(['checkout', 'course-page', 'search']);
    expect(r.apps.find((a) => a.name === 'checkout')!.reasons[0]!.detail).toBe('checkout declares implicitDependencies on course-page, which is affected');
  });

  it('a removed project affects exactly the apps that reached it at base', async () => {
    const r = await affectedBy((x) => x.remove('libs/search-ui'));
    expect(names(r)).toEqual(['search']);
    expect(kinds(r, 'search')).toContain('project-removed');
    expect(r.stats.baseGraph).toBe(true);
  });
});

describe('uncertain imports', () => {
  it('an import() with a computed path makes its app affected by changes anywhere in that project', async () => {
    const r = await affectedBy(
      (x) => x.write('apps/checkout/src/plugins/tax.ts', 'export default 1;\n'),
      (x) => x.append('apps/checkout/src/App.tsx', '\nexport const loadPlugin = (name: string) => import(name);\n'),
    );
    expect(names(r)).toEqual(['checkout']);
    expect(kinds(r, 'checkout')).toContain('uncertain');
  });

  it('a file that cannot be parsed stays an input of its apps', async () => {
    const r = await affectedBy((x) => x.append('libs/formatting/src/dates.ts', '\nexport const broken = (;\n'));
    expect(names(r)).toEqual(['learner-home', 'profile', 'search']);
    expect(r.warnings.map((w) => w.code)).toContain('TESSERA_GRAPH_UNPARSEABLE_FILE');
  });
});
