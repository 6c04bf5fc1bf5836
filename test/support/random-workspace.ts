/**
 * A seeded generator of small random workspaces (Nx-style, or npm workspaces: see
 * WorkspaceShape) and random edits, for the
 * property test of `tessera affected` (test/integration/affected-property.test.ts).
 *
 * The workspace is kept as a model (files with their imports, values and interfaces); the
 * files on disk are rendered from it. An edit mutates a copy of the model and `sync()`
 * rewrites exactly the files whose rendering changed (and deletes the ones that vanished),
 * so unchanged files stay byte-identical. The generator says nothing about which apps an
 * edit affects: the test works that out by building the apps with esbuild.
 *
 * Shape (about 6 apps and 12 libs): a `models` lib of interfaces only, imported with
 * `import type` (barrel and deep); libs with a barrel (`export * from`), deep-only files
 * (`@w/lN/c`), sometimes a `util/` directory imported extensionless (`./util`), CSS with
 * `@import` and `url(./icon.svg)`, and an alternative barrel `public.ts`; apps with a lazy
 * `import('./routes/a')`, CSS, an svg, `clsx` (two apps) and `marked` (one app); one lib
 * (`charts`) is reached only by some apps, through their lazy route.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSeededRandom } from './seeded-random.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NODE_MODULES = join(REPO_ROOT, 'node_modules');
/** npm packages the generated apps use; they must be installed in REPO_ROOT/node_modules. */
export const PACKAGES = ['clsx', 'marked'] as const;

/** Seeded helpers over mulberry32 (see seeded-random.ts). */
export function createRandom(seed: number) {
  const next = createSeededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!,
    /** `k` distinct elements of `xs`, in random order. */
    sample: <T>(xs: readonly T[], k: number): T[] => {
      const copy = [...xs];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy.slice(0, Math.min(k, copy.length));
    },
  };
}
export type Random = ReturnType<typeof createRandom>;

// ---------------------------------------------------------------------------------------
// The model

export type ImportKind = 'value' | 'type' | 'lazy' | 'side' | 'reexport';
export interface Import {
  spec: string;
  kind: ImportKind;
  /** Imported names (value and type imports). */
  names: string[];
}
/** A TypeScript module: exports one array `ident` built from its value and its imports. */
interface TsFile { kind: 'ts'; path: string; ident?: string; value: string; side: boolean; entry?: boolean; imports: Import[] }
/** A models file: interfaces only (and `import type` / `export *` between models files). */
interface TypesFile { kind: 'types'; path: string; interfaces: { name: string; fields: string[] }[]; imports: Import[] }
interface CssFile { kind: 'css'; path: string; value: string; imports: string[]; urls: string[] }
interface SvgFile { kind: 'svg'; path: string; value: string }
interface RawFile { kind: 'raw'; path: string; content: string }
export type ModelFile = TsFile | TypesFile | CssFile | SvgFile | RawFile;

interface LockEntry { version: string; resolved: string; integrity: string }
/**
 * `nx`: nx.json, project.json files, libraries imported through tsconfig path aliases, and
 * node_modules installed. `packages`: an npm workspaces monorepo as most pnpm, yarn and npm
 * repositories are laid out, analysed before any install: package.json files only, libraries
 * imported by package name with `main` pointing at a `dist` that is not there, Vite apps whose
 * entry is an index.html module script, every tsconfig extending a shared `@w/tsconfig`
 * package, and no node_modules in the workspace.
 */
export type WorkspaceShape = 'nx' | 'packages';

export interface Model {
  shape: WorkspaceShape;
  files: Map<string, ModelFile>;
  aliases: Record<string, string[]>;
  lock: Record<string, LockEntry>;
  apps: string[];
  libs: string[];
  counter: number;
}

function cloneModel(m: Model): Model {
  return { shape: m.shape, files: new Map(structuredClone([...m.files])), aliases: structuredClone(m.aliases), lock: structuredClone(m.lock), apps: [...m.apps], libs: [...m.libs], counter: m.counter };
}

// ---------------------------------------------------------------------------------------
// Rendering

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

function renderTs(f: TsFile): string {
  const head: string[] = [];
  const items: string[] = [JSON.stringify(f.value)];
  const types: string[] = [];
  let lazy = 0;
  for (const imp of f.imports) {
    if (imp.kind === 'value') {
      head.push(`import { ${imp.names.join(', ')} } from '${imp.spec}';`);
      items.push(...imp.names);
    } else if (imp.kind === 'type') {
      head.push(`import type { ${imp.names.join(', ')} } from '${imp.spec}';`);
      types.push(...imp.names);
    } else if (imp.kind === 'side') head.push(`import '${imp.spec}';`);
    else if (imp.kind === 'reexport') head.push(`export * from '${imp.spec}';`);
    else items.push(`() => import('${imp.spec}')`), lazy++;
  }
  if (types.length) items.push(`null as unknown as ${types.join(' | ')}`);
  const body: string[] = [];
  if (f.ident) body.push(`export const ${f.ident}: unknown[] = [${items.join(', ')}];`);
  if (f.ident && f.entry) body.push(`console.log(${f.ident});`);
  else if (f.ident && f.side) body.push(`(globalThis as any).__w = [...((globalThis as any).__w ?? []), ${f.ident}];`);
  return [...head, ...(head.length && body.length ? [''] : []), ...body].join('\n') + '\n';
}

function renderTypes(f: TypesFile): string {
  const head = f.imports.map((i) => (i.kind === 'reexport' ? `export * from '${i.spec}';` : `import type { ${i.names.join(', ')} } from '${i.spec}';`));
  const body = f.interfaces.map((i) => `export interface ${i.name} {\n${i.fields.map((x) => `  ${x};`).join('\n')}\n}`);
  return [...head, ...(head.length && body.length ? [''] : []), body.join('\n\n')].filter((s) => s !== '').join('\n') + '\n';
}

function renderCss(f: CssFile): string {
  const lines = f.imports.map((s) => `@import '${s}';`);
  const cls = f.path.replace(/[^a-z0-9]+/gi, '-');
  lines.push(`.${cls} {`, `  color: ${f.value};`, ...f.urls.map((u) => `  background-image: url(${u});`), '}');
  return lines.join('\n') + '\n';
}

export function renderFile(f: ModelFile): string {
  switch (f.kind) {
    case 'ts': return renderTs(f);
    case 'types': return renderTypes(f);
    case 'css': return renderCss(f);
    case 'svg': return `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><title>${f.value}</title></svg>\n`;
    case 'raw': return f.content;
  }
}

/** Every file of the workspace, rendered (config files from the model's aliases and lock). */
export function renderModel(m: Model): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of m.files.values()) out.set(f.path, renderFile(f));
  if (m.shape === 'nx') out.set('tsconfig.base.json', json({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, baseUrl: '.', paths: m.aliases } }));
  const deps = Object.fromEntries(Object.entries(m.lock).map(([name, e]) => [name, `^${e.version.replace(/-.*$/, '')}`]));
  const packages: Record<string, unknown> = { '': { name: 'random-workspace', version: '0.0.0', dependencies: deps, ...(m.shape === 'packages' ? { workspaces: WORKSPACE_GLOBS } : {}) } };
  if (m.shape === 'packages') {
    // npm lists each workspace package, and links it into node_modules by name.
    for (const f of m.files.values()) {
      const match = /^((?:apps|libs|tooling)\/[^/]+)\/package\.json$/.exec(f.path);
      if (!match || f.kind !== 'raw') continue;
      const manifest = JSON.parse(f.content) as { name: string; version: string };
      packages[match[1]!] = { name: manifest.name, version: manifest.version };
      packages[`node_modules/${manifest.name}`] = { resolved: match[1], link: true };
    }
  }
  for (const [name, e] of Object.entries(m.lock)) packages[`node_modules/${name}`] = { version: e.version, resolved: e.resolved, integrity: e.integrity, license: 'MIT' };
  out.set('package-lock.json', json({ name: 'random-workspace', version: '0.0.0', lockfileVersion: 3, requires: true, packages }));
  return out;
}

// ---------------------------------------------------------------------------------------
// Resolution (esbuild's rules, for the generator's own bookkeeping and the test's type scan)

const EXTENSIONS = ['.tsx', '.ts', '.jsx', '.js', '.css', '.json'];

/** Where `spec` imported from `importer` resolves, by `exists`; null when it does not (or is an npm package). */
export function resolveSpec(importer: string, spec: string, aliases: Record<string, string[]>, exists: (path: string) => boolean): string | null {
  let bases: string[];
  if (spec.startsWith('.')) bases = [posix.normalize(posix.join(posix.dirname(importer), spec))];
  else {
    bases = [];
    for (const [key, targets] of Object.entries(aliases)) {
      const star = key.indexOf('*');
      if (star < 0 ? spec === key : spec.startsWith(key.slice(0, star)) && spec.endsWith(key.slice(star + 1))) {
        const middle = star < 0 ? '' : spec.slice(star, spec.length - (key.length - star - 1));
        bases = targets.map((t) => t.replace('*', middle));
        break;
      }
    }
  }
  for (const base of bases) {
    if (exists(base) && /\.[a-z]+$/.test(base)) return base;
    for (const ext of EXTENSIONS) if (exists(base + ext)) return base + ext;
    for (const ext of EXTENSIONS) if (exists(`${base}/index${ext}`)) return `${base}/index${ext}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Generation

const LIB_NAMES = ['models', 'core', 'format', 'i18n', 'http', 'auth', 'theme', 'ui', 'forms', 'feed', 'search', 'charts'];
const APP_NAMES = ['shop', 'blog', 'admin', 'docs', 'account', 'status'];
const COLORS = ['red', 'green', 'blue', 'teal', 'navy', 'olive', 'maroon', 'purple', 'gray', 'orange'];

function identFor(path: string): string {
  return 'v_' + path.replace(/^(apps|libs)\//, '').replace(/\/src\//, '_').replace(/\.[a-z]+$/, '').replace(/[^a-zA-Z0-9]+/g, '_');
}

interface Exported { name: string; barrel: boolean; deep: string }

/** The package.json `workspaces` of the `packages` shape. */
const WORKSPACE_GLOBS = ['apps/*', 'libs/*', 'tooling/*'];

function generateModel(seed: number, shape: WorkspaceShape): Model {
  const rnd = createRandom(seed);
  const files = new Map<string, ModelFile>();
  const add = (f: ModelFile) => void files.set(f.path, f);
  const aliases: Record<string, string[]> = {};
  const ts = (path: string, imports: Import[] = [], side = true): TsFile => ({ kind: 'ts', path, ident: identFor(path), value: `${identFor(path)}#0`, side, imports });
  const projectFiles = (root: string, name: string, type: 'application' | 'library') => {
    if (shape === 'packages') return packageFiles(root, name, type);
    const project: Record<string, unknown> = { name, $schema: '../../node_modules/nx/schemas/project-schema.json', projectType: type, sourceRoot: `${root}/src` };
    if (type === 'application') project.targets = { build: { executor: '@nx/esbuild:esbuild', options: { main: `${root}/src/main.ts`, outputPath: `dist/${root}` } } };
    add({ kind: 'raw', path: `${root}/project.json`, content: json(project) });
    add({ kind: 'raw', path: `${root}/tsconfig.json`, content: json({ extends: '../../tsconfig.base.json', compilerOptions: {}, include: ['src/**/*.ts'] }) });
  };

  /** The `packages` shape's project files: a package.json (a lib's `main` is build output), a tsconfig extending `@w/tsconfig`, and an app's index.html. */
  const packageFiles = (root: string, name: string, type: 'application' | 'library') => {
    const manifest = type === 'library'
      ? { name: `@w/${name}`, version: '0.0.0', private: true, main: 'dist/index.js', types: 'dist/index.d.ts', scripts: { build: 'tsc -b' } }
      : { name, version: '0.0.0', private: true, type: 'module', scripts: { build: 'vite build' } };
    add({ kind: 'raw', path: `${root}/package.json`, content: json(manifest) });
    add({ kind: 'raw', path: `${root}/tsconfig.json`, content: json({ extends: '@w/tsconfig/base.json', compilerOptions: type === 'library' ? { rootDir: 'src', outDir: 'dist' } : {}, include: ['src'] }) });
    if (type === 'application') {
      add({ kind: 'raw', path: `${root}/vite.config.ts`, content: "import { defineConfig } from 'vite';\nexport default defineConfig({ build: { outDir: 'dist' } });\n" });
      add({ kind: 'raw', path: `${root}/index.html`, content: '<!doctype html>\n<html><body><div id="app"></div><script type="module" src="/src/main.ts"></script></body></html>\n' });
    }
  };
  if (shape === 'packages') {
    add({ kind: 'raw', path: 'tooling/tsconfig/package.json', content: json({ name: '@w/tsconfig', version: '0.0.0', private: true, files: ['base.json'] }) });
    add({ kind: 'raw', path: TSCONFIG_BASE, content: json({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true } }) });
  }

  // models: interfaces only.
  const modelTypes: Exported[] = [];
  projectFiles('libs/models', 'models', 'library');
  add({ kind: 'types', path: 'libs/models/src/user.ts', interfaces: [{ name: 'User', fields: ['id: string', 'name: string'] }, { name: 'Role', fields: ['key: string'] }], imports: [] });
  add({ kind: 'types', path: 'libs/models/src/order.ts', interfaces: [{ name: 'Order', fields: ['id: string', 'user: User'] }], imports: [{ spec: './user', kind: 'type', names: ['User'] }] });
  add({ kind: 'types', path: 'libs/models/src/page.ts', interfaces: [{ name: 'Page', fields: ['title: string'] }], imports: [] });
  add({ kind: 'types', path: 'libs/models/src/index.ts', interfaces: [], imports: ['./user', './order', './page'].map((spec) => ({ spec, kind: 'reexport' as const, names: [] })) });
  aliases['@w/models'] = ['libs/models/src/index.ts'];
  aliases['@w/models/*'] = ['libs/models/src/*'];
  modelTypes.push({ name: 'User', barrel: true, deep: 'user' }, { name: 'Role', barrel: true, deep: 'user' }, { name: 'Order', barrel: true, deep: 'order' }, { name: 'Page', barrel: true, deep: 'page' });

  const typeImport = (): Import => {
    const t = rnd.pick(modelTypes);
    return rnd.chance(0.6) ? { spec: '@w/models', kind: 'type', names: [t.name] } : { spec: `@w/models/${t.deep}`, kind: 'type', names: [t.name] };
  };
  /** A value import of something lib `lib` exports: its barrel, or a deep file. */
  const exportsOf = new Map<string, Exported[]>();
  const importFrom = (lib: string): Import => {
    const e = rnd.pick(exportsOf.get(lib)!);
    return e.barrel && rnd.chance(0.7) ? { spec: `@w/${lib}`, kind: 'value', names: [e.name] } : { spec: `@w/${lib}/${e.deep}`, kind: 'value', names: [e.name] };
  };

  const libs = LIB_NAMES.slice(1);
  libs.forEach((lib, i) => {
    const root = `libs/${lib}`;
    projectFiles(root, lib, 'library');
    const src = `${root}/src`;
    const lower = libs.slice(0, i).filter((l) => l !== 'charts');
    const deps = () => rnd.sample(lower, rnd.int(3)).map(importFrom);
    const a = ts(`${src}/a.ts`, deps(), rnd.chance(0.8));
    // Few libs use models (and mostly in deep-only files), so a type change reaches some apps, not all.
    const b = ts(`${src}/b.ts`, rnd.chance(0.1) ? [typeImport(), ...deps()] : deps(), rnd.chance(0.7));
    const c = ts(`${src}/c.ts`, rnd.chance(0.25) ? [typeImport(), ...deps()] : deps(), rnd.chance(0.8));
    const exported: Exported[] = [{ name: a.ident!, barrel: true, deep: 'a' }, { name: b.ident!, barrel: true, deep: 'b' }, { name: c.ident!, barrel: false, deep: 'c' }];
    const barrel: Import[] = [{ spec: './a', kind: 'reexport', names: [] }, { spec: './b', kind: 'reexport', names: [] }];
    if (rnd.chance(0.6)) {
      // A directory module, imported extensionless: `./util` → util/index.ts.
      const util = ts(`${src}/util/index.ts`, rnd.chance(0.5) ? [{ spec: '../c', kind: 'value', names: [c.ident!] }] : [], true);
      add(util);
      barrel.push({ spec: './util', kind: 'reexport', names: [] });
      exported.push({ name: util.ident!, barrel: true, deep: 'util' });
      if (rnd.chance(0.5)) a.imports.push({ spec: './util', kind: 'value', names: [util.ident!] });
    }
    if (rnd.chance(0.5)) {
      add({ kind: 'css', path: `${src}/styles.css`, value: rnd.pick(COLORS), imports: ['./base.css'], urls: ['./icon.svg'] });
      add({ kind: 'css', path: `${src}/base.css`, value: rnd.pick(COLORS), imports: [], urls: [] });
      add({ kind: 'svg', path: `${src}/icon.svg`, value: `${lib}-icon#0` });
      a.imports.push({ spec: './styles.css', kind: 'side', names: [] });
    }
    if (rnd.chance(0.4)) add(ts(`${src}/public.ts`, [{ spec: './index', kind: 'reexport', names: [] }], true));
    for (const f of [a, b, c]) add(f);
    add({ kind: 'ts', path: `${src}/index.ts`, value: '', side: false, imports: barrel });
    exportsOf.set(lib, exported);
    aliases[`@w/${lib}`] = [`${src}/index.ts`];
    aliases[`@w/${lib}/*`] = [`${src}/*`];
  });

  const apps = APP_NAMES;
  const packageUsers = rnd.sample(apps, 3); // clsx: the first two; marked: the third
  const chartsUsers = rnd.sample(apps, 2);
  for (const app of apps) {
    const root = `apps/${app}`;
    const src = `${root}/src`;
    projectFiles(root, app, 'application');
    const plain = libs.filter((l) => l !== 'charts');
    const appImports: Import[] = rnd.sample(plain, 2 + rnd.int(3)).map(importFrom);
    if (rnd.chance(0.4)) appImports.push(typeImport());
    if (packageUsers.slice(0, 2).includes(app)) appImports.push({ spec: 'clsx', kind: 'value', names: ['clsx'] });
    appImports.push({ spec: './app.css', kind: 'side', names: [] });
    const routeImports: Import[] = [importFrom(rnd.pick(plain))];
    if (chartsUsers.includes(app)) routeImports.push(importFrom('charts'));
    if (packageUsers[2] === app) routeImports.push({ spec: 'marked', kind: 'value', names: ['marked'] });
    if (rnd.chance(0.5)) {
      const util = ts(`${src}/util/index.ts`, [importFrom(rnd.pick(plain))], true);
      add(util);
      appImports.push({ spec: './util', kind: 'value', names: [util.ident!] });
    }
    if (rnd.chance(0.5)) {
      add(ts(`${src}/routes/b.ts`, [typeImport()], true));
      routeImports.push({ spec: './b', kind: 'value', names: [identFor(`${src}/routes/b.ts`)] });
    }
    add(ts(`${src}/routes/a.ts`, routeImports, true));
    const appTs = ts(`${src}/app.ts`, appImports, true);
    add(appTs);
    add({ ...ts(`${src}/main.ts`, [{ spec: './app', kind: 'value', names: [appTs.ident!] }, { spec: './routes/a', kind: 'lazy', names: [] }]), entry: true });
    if (shape === 'packages') {
      // The app declares the libraries it imports itself, as a package manager needs it to.
      const used = [...new Set([...appImports, ...routeImports].map((i) => /^@w\/([^/]+)/.exec(i.spec)?.[1]).filter((l): l is string => !!l))].sort();
      const manifest = { name: app, version: '0.0.0', private: true, type: 'module', scripts: { build: 'vite build' }, dependencies: Object.fromEntries(used.map((l) => [`@w/${l}`, '*'])) };
      add({ kind: 'raw', path: `${root}/package.json`, content: json(manifest) });
    }
    add({ kind: 'css', path: `${src}/app.css`, value: rnd.pick(COLORS), imports: ['./theme.css'], urls: ['./logo.svg'] });
    add({ kind: 'css', path: `${src}/theme.css`, value: rnd.pick(COLORS), imports: [], urls: [] });
    add({ kind: 'svg', path: `${src}/logo.svg`, value: `${app}-logo#0` });
  }

  if (shape === 'nx') add({ kind: 'raw', path: 'nx.json', content: json({ defaultBase: 'main', workspaceLayout: { appsDir: 'apps', libsDir: 'libs' } }) });
  add({ kind: 'raw', path: '.gitignore', content: 'node_modules\n.tessera\ndist\n' });
  const installed = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')).packages as Record<string, { version: string; integrity: string; resolved?: string }>;
  const lock: Record<string, LockEntry> = {};
  for (const name of PACKAGES) {
    const e = installed[`node_modules/${name}`]!;
    lock[name] = { version: e.version, integrity: e.integrity, resolved: e.resolved ?? `https://registry.npmjs.org/${name}/-/${name}-${e.version}.tgz` };
  }
  add({ kind: 'raw', path: 'package.json', content: json({ name: 'random-workspace', version: '0.0.0', private: true, type: 'module', ...(shape === 'packages' ? { workspaces: WORKSPACE_GLOBS } : {}), dependencies: Object.fromEntries(PACKAGES.map((p) => [p, `^${lock[p]!.version}`])) }) });
  return { shape, files, aliases, lock, apps, libs: LIB_NAMES, counter: 0 };
}

// ---------------------------------------------------------------------------------------
// Edits

export const EDIT_KINDS = ['content', 'type-only', 'add-file', 'delete-file', 'rename', 'tsconfig-path', 'tsconfig-base', 'lockfile'] as const;
/** Edit kinds by shape: path aliases only exist in the `nx` shape, the shared tsconfig package only in `packages`. */
const SHAPE_EDITS: Record<WorkspaceShape, readonly (typeof EDIT_KINDS)[number][]> = {
  nx: EDIT_KINDS.filter((k) => k !== 'tsconfig-base'),
  packages: EDIT_KINDS.filter((k) => k !== 'tsconfig-path'),
};
/** The shared tsconfig every project of the `packages` shape extends (through `@w/tsconfig/base.json`). */
export const TSCONFIG_BASE = 'tooling/tsconfig/base.json';
export type EditKind = (typeof EDIT_KINDS)[number] | 'revert';

export interface Edit {
  kind: EditKind;
  description: string;
  /** True when the edit is expected to leave some import broken (an unfixed delete, a dangling alias, ...). */
  breaks: boolean;
}

export class RandomWorkspace {
  readonly dir: string;
  model: Model;
  private readonly rnd: Random;
  private previous: Model | null = null;
  private written = new Map<string, string>();

  private readonly seed: number;
  private readonly occurrences = new Map<EditKind, number>();

  private constructor(dir: string, seed: number, shape: WorkspaceShape) {
    this.dir = dir;
    this.seed = seed;
    this.rnd = createRandom(seed * 7919 + 17);
    this.model = generateModel(seed, shape);
  }

  /** Generates the workspace for `seed` in a new temporary git repository, with one commit. */
  static create(seed: number, shape: WorkspaceShape = 'nx'): RandomWorkspace {
    const dir = mkdtempSync(join(tmpdir(), `tessera-prop-${seed}-`));
    const ws = new RandomWorkspace(dir, seed, shape);
    ws.git('init', '-q', '-b', 'main');
    ws.git('config', 'user.email', 'property@tessera.local');
    ws.git('config', 'user.name', 'Tessera Property Test');
    ws.git('config', 'commit.gpgsign', 'false');
    if (shape === 'nx') symlinkSync(NODE_MODULES, join(dir, 'node_modules'), 'dir');
    ws.sync();
    ws.commit(`workspace (seed ${seed})`);
    return ws;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  get apps(): string[] {
    return this.model.apps;
  }

  /** Writes the model to disk: changed files rewritten, vanished files deleted. */
  sync(): void {
    const next = renderModel(this.model);
    for (const path of this.written.keys()) if (!next.has(path)) unlinkSync(join(this.dir, path));
    for (const [path, content] of next) {
      if (this.written.get(path) === content) continue;
      mkdirSync(dirname(join(this.dir, path)), { recursive: true });
      writeFileSync(join(this.dir, path), content);
    }
    this.written = next;
  }

  /**
   * Applies one random edit of `kind` to the working tree (not committed). After an edit
   * that broke an import, `nextKind` suggests `revert`, which restores the model before it.
   */
  edit(kind: EditKind): Edit {
    const before = cloneModel(this.model);
    const edit = kind === 'revert' ? this.revert() : this.apply(kind);
    this.previous = before;
    this.sync();
    return edit;
  }

  private revert(): Edit {
    if (!this.previous) return { kind: 'revert', description: 'nothing to revert', breaks: false };
    const counter = this.model.counter;
    this.model = this.previous;
    this.model.counter = counter;
    return { kind: 'revert', description: 'restore the workspace as it was before the previous edit', breaks: false };
  }

  private exists = (path: string) => this.model.files.has(path);
  private resolve = (importer: string, spec: string) => resolveSpec(importer, spec, this.model.aliases, this.exists);
  private tick = () => ++this.model.counter;
  /**
   * Which variant of `kind` to make, out of `n`: rotates with the seed and with each use of
   * the kind, so a handful of seeds covers every variant (a pure coin would skip some).
   */
  private variant(kind: EditKind, n: number): number {
    const k = this.occurrences.get(kind) ?? 0;
    this.occurrences.set(kind, k + 1);
    return (this.seed + k) % n;
  }

  private sourceFiles(filter: (f: ModelFile) => boolean = () => true): ModelFile[] {
    return [...this.model.files.values()].filter((f) => f.kind !== 'raw' && filter(f)).sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  private apply(kind: Exclude<EditKind, 'revert'>): Edit {
    switch (kind) {
      case 'content': return this.editContent();
      case 'type-only': return this.editType();
      case 'add-file': return this.addFile();
      case 'delete-file': return this.deleteFile();
      case 'rename': return this.renameFile();
      case 'tsconfig-path': return this.changeAlias();
      case 'tsconfig-base': return this.changeTsconfigBase();
      case 'lockfile': return this.bumpLock();
    }
  }

  private editContent(): Edit {
    const f = this.rnd.pick(this.sourceFiles((x) => (x.kind === 'ts' && !!x.ident) || x.kind === 'css' || x.kind === 'svg')) as TsFile | CssFile | SvgFile;
    const old = f.value;
    f.value = f.kind === 'css' ? this.rnd.pick(COLORS.filter((c) => c !== old)) : `${old.replace(/#\d+$/, '')}#${this.tick()}`;
    return { kind: 'content', description: `change the value in ${f.path}`, breaks: false };
  }

  private editType(): Edit {
    const f = this.rnd.pick(this.sourceFiles((x) => x.kind === 'types' && x.interfaces.length > 0)) as TypesFile;
    const i = this.rnd.pick(f.interfaces);
    i.fields.push(`field${this.tick()}?: ${this.rnd.pick(['string', 'number', 'boolean'])}`);
    return { kind: 'type-only', description: `add a field to interface ${i.name} in ${f.path}`, breaks: false };
  }

  /** Imports of `path` across the model: [file, import] pairs whose spec resolves to it. */
  private importersOf(path: string): [TsFile | TypesFile | CssFile, Import | string, 'import' | 'css-import' | 'url'][] {
    const out: [TsFile | TypesFile | CssFile, Import | string, 'import' | 'css-import' | 'url'][] = [];
    for (const f of this.sourceFiles()) {
      if (f.kind === 'ts' || f.kind === 'types') for (const imp of f.imports) if (this.resolve(f.path, imp.spec) === path) out.push([f, imp, 'import']);
      if (f.kind === 'css') {
        for (const s of f.imports) if (this.resolve(f.path, s) === path) out.push([f, s, 'css-import']);
        for (const s of f.urls) if (this.resolve(f.path, s) === path) out.push([f, s, 'url']);
      }
    }
    return out;
  }

  private addFile(): Edit {
    const v = this.variant('add-file', 4); // 0, 1: shadowing (same / different export), 2: imported, 3: orphan
    if (v <= 1) {
      // A file beside an extensionless import that resolves to a directory's index.ts.
      const candidates = this.sourceFiles((f) => f.kind === 'ts' && /\/util\/index\.ts$/.test(f.path)).filter((f) => this.importersOf(f.path).length > 0);
      if (candidates.length) {
        const target = this.rnd.pick(candidates) as TsFile;
        const path = target.path.replace(/\/index\.ts$/, '.ts');
        const same = v === 0;
        const ident = same ? target.ident! : identFor(path) + `_${this.tick()}`;
        this.model.files.set(path, { kind: 'ts', path, ident, value: `${ident}#shadow${this.tick()}`, side: true, imports: [] });
        return { kind: 'add-file', description: `add ${path}, which shadows ${target.path} for the extensionless imports of it (${same ? 'same' : 'different'} export)`, breaks: !same };
      }
    }
    const dirs = [...new Set(this.sourceFiles((f) => f.kind === 'ts' && !f.entry).map((f) => posix.dirname(f.path)))].sort();
    const dir = this.rnd.pick(dirs);
    const n = this.tick();
    const path = `${dir}/added${n}.ts`;
    const file: TsFile = { kind: 'ts', path, ident: identFor(path), value: `${identFor(path)}#${n}`, side: this.rnd.chance(0.7), imports: this.rnd.chance(0.3) ? [{ spec: this.rnd.chance(0.5) ? '@w/models' : '@w/models/user', kind: 'type', names: ['User'] }] : [] };
    this.model.files.set(path, file);
    if (v !== 3) {
      const importers = this.sourceFiles((f) => f.kind === 'ts' && posix.dirname(f.path) === dir && !!f.ident && f.path !== path) as TsFile[];
      if (importers.length) {
        const importer = this.rnd.pick(importers);
        importer.imports.push({ spec: `./added${n}`, kind: 'value', names: [file.ident!] });
        return { kind: 'add-file', description: `add ${path}, imported by ${importer.path}`, breaks: false };
      }
    }
    return { kind: 'add-file', description: `add ${path}, imported by nothing`, breaks: false };
  }

  /** Files that may be deleted or renamed: not entries, not the barrels aliases point at. */
  private movable(): ModelFile[] {
    const aliasTargets = new Set(Object.values(this.model.aliases).flat());
    return this.sourceFiles((f) => !(f.kind === 'ts' && f.entry) && !aliasTargets.has(f.path));
  }

  private deleteFile(): Edit {
    const movable = this.movable();
    const imported = movable.filter((f) => this.importersOf(f.path).length > 0);
    const f = this.rnd.pick(imported.length && this.rnd.chance(0.85) ? imported : movable);
    const fix = this.variant('delete-file', 2) === 0;
    const importers = this.importersOf(f.path);
    this.model.files.delete(f.path);
    if (!fix) return { kind: 'delete-file', description: `delete ${f.path}, leaving ${importers.length} importer(s) broken`, breaks: importers.length > 0 };
    // Fix the importers: drop the imports of the file, and of the names it exported through barrels.
    const names = new Set(f.kind === 'ts' && f.ident ? [f.ident] : f.kind === 'types' ? f.interfaces.map((i) => i.name) : []);
    for (const g of this.sourceFiles()) {
      if (g.kind === 'ts' || g.kind === 'types') {
        g.imports = g.imports.filter((imp) => this.resolve(g.path, imp.spec) !== null || !importers.some(([h, i]) => h === g && i === imp));
        for (const imp of g.imports) if (imp.kind === 'value' || imp.kind === 'type') imp.names = imp.names.filter((n) => !names.has(n));
        g.imports = g.imports.filter((imp) => !((imp.kind === 'value' || imp.kind === 'type') && imp.names.length === 0));
        if (g.kind === 'types') for (const i of g.interfaces) i.fields = i.fields.filter((x) => ![...names].some((n) => new RegExp(`\\b${n}\\b`).test(x)));
      } else if (g.kind === 'css') {
        g.imports = g.imports.filter((s) => this.resolve(g.path, s) !== null);
        g.urls = g.urls.filter((s) => this.resolve(g.path, s) !== null);
      }
    }
    return { kind: 'delete-file', description: `delete ${f.path} and fix its ${importers.length} importer(s)`, breaks: false };
  }

  private renameFile(): Edit {
    const f = this.rnd.pick(this.movable());
    const n = this.tick();
    const to = /\/index\.ts$/.test(f.path) ? f.path.replace(/index\.ts$/, `entry${n}.ts`) : f.path.replace(/(\.[a-z]+)$/, `_r${n}$1`);
    const importers = this.importersOf(f.path);
    this.model.files.delete(f.path);
    this.model.files.set(to, { ...f, path: to });
    for (const [g, imp, how] of importers) {
      const spec = this.specFor(g.path, typeof imp === 'string' ? imp : imp.spec, to);
      if (how === 'import') (imp as Import).spec = spec;
      else if (how === 'css-import') (g as CssFile).imports = (g as CssFile).imports.map((s) => (s === imp ? spec : s));
      else (g as CssFile).urls = (g as CssFile).urls.map((s) => (s === imp ? spec : s));
    }
    return { kind: 'rename', description: `rename ${f.path} to ${to}, updating ${importers.length} importer(s)`, breaks: false };
  }

  /** The specifier `importer` should use for `target`, in the style of `old` (relative or alias). */
  private specFor(importer: string, old: string, target: string): string {
    const keepExt = /\.(css|svg)$/.test(target);
    const strip = (p: string) => (keepExt ? p : p.replace(/\.ts$/, ''));
    const lib = /^@w\/([^/]+)\//.exec(old);
    if (lib) return `@w/${lib[1]}/${strip(target.slice(`libs/${lib[1]}/src/`.length))}`;
    const rel = posix.relative(posix.dirname(importer), strip(target));
    return rel.startsWith('.') ? rel : `./${rel}`;
  }

  private changeAlias(): Edit {
    const publics = this.sourceFiles((f) => /^libs\/[^/]+\/src\/public\.ts$/.test(f.path)).map((f) => f.path.split('/')[1]!);
    const withAlias = this.model.libs.filter((l) => this.model.aliases[`@w/${l}`]?.[0] === `libs/${l}/src/index.ts`);
    const v = this.variant('tsconfig-path', 5); // public.ts, another lib, remove, missing target; 4: public.ts again
    const usable = publics.filter((l) => withAlias.includes(l));
    if ((v === 0 || v === 4) && usable.length) {
      const lib = this.rnd.pick(usable);
      this.model.aliases[`@w/${lib}`] = [`libs/${lib}/src/public.ts`];
      return { kind: 'tsconfig-path', description: `point @w/${lib} at libs/${lib}/src/public.ts`, breaks: false };
    }
    const lib = this.rnd.pick(withAlias.length ? withAlias : this.model.libs);
    if (v <= 1 || v === 4) {
      const other = this.rnd.pick(this.model.libs.filter((l) => l !== lib));
      this.model.aliases[`@w/${lib}`] = [`libs/${other}/src/index.ts`];
      return { kind: 'tsconfig-path', description: `point @w/${lib} at libs/${other}/src/index.ts`, breaks: true };
    }
    const key = this.rnd.chance(0.5) ? `@w/${lib}` : `@w/${lib}/*`;
    if (v === 2) {
      delete this.model.aliases[key];
      return { kind: 'tsconfig-path', description: `remove path alias ${key}`, breaks: true };
    }
    this.model.aliases[key] = key.endsWith('*') ? [`libs/${lib}/lib/*`] : [`libs/${lib}/src/main.ts`];
    return { kind: 'tsconfig-path', description: `point ${key} at a missing ${this.model.aliases[key]![0]}`, breaks: true };
  }

  /** A compiler option of the shared tsconfig package's base.json, which every project extends by package name. */
  private changeTsconfigBase(): Edit {
    const file = this.model.files.get(TSCONFIG_BASE) as RawFile;
    const config = JSON.parse(file.content) as { compilerOptions: Record<string, unknown> };
    const n = this.tick();
    config.compilerOptions[`noUnusedLocals`] = n % 2 === 0;
    config.compilerOptions.target = ['ES2020', 'ES2021', 'ES2022', 'ES2023'][n % 4];
    file.content = json(config);
    return { kind: 'tsconfig-base', description: `change compilerOptions in ${TSCONFIG_BASE}`, breaks: false };
  }

  private bumpLock(): Edit {
    const name = this.rnd.pick(PACKAGES);
    const e = this.model.lock[name]!;
    const n = this.tick();
    const version = `${e.version.replace(/-.*$/, '')}-patch.${n}`;
    this.model.lock[name] = { version, resolved: `https://registry.npmjs.org/${name}/-/${name}-${version}.tgz`, integrity: `sha512-${Buffer.from(`${name}@${version}`).toString('base64')}` };
    return { kind: 'lockfile', description: `bump ${name} to ${version} in package-lock.json`, breaks: false };
  }

  /** The sequence of edit kinds for `count` edits: every kind in turn (shuffled), a revert after each breaking edit. */
  planKinds(count: number): Exclude<EditKind, 'revert'>[] {
    const kinds: Exclude<EditKind, 'revert'>[] = [];
    const allowed = SHAPE_EDITS[this.model.shape];
    while (kinds.length < count) kinds.push(...this.rnd.sample(allowed, allowed.length));
    return kinds.slice(0, count);
  }
}
