/**
 * A deterministic generator of synthetic Nx-style TypeScript monorepos, for benchmarks.
 *
 * The workspace has a few shared libraries (a type-only `models` lib, a `header` lib every
 * app uses, and `shared-*` libs that lower libs build on) and `domains`: groups of ~10 apps
 * and their own libs. Libraries expose a barrel (`src/index.ts`) and deep files through
 * `@acme/<lib>/*`; apps load routes lazily, import CSS and `import type` from models. Each
 * app therefore reaches a subset of the libs, and often only part of a lib (deep imports).
 *
 * The generator keeps its own model of every import it writes, so it can say which apps
 * reach a changed file ("expected" apps, file level) for each edit commit it makes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createSeededRandom } from './seeded-random.js';

/** Bump when the generated output changes, so cached workspaces are regenerated. */
export const GENERATOR_VERSION = 3;

export interface WorkspaceOptions {
  apps: number;
  libs: number;
  /** Files per library, including project.json, tsconfig.json, index.ts and a CSS file. @default 20 */
  filesPerLib?: number;
  /** Files per app, including project.json, tsconfig.json, main.ts, app.ts and a CSS file. @default 20 */
  filesPerApp?: number;
  /** Apps per domain (a domain is a group of apps sharing their own libs). @default 10 */
  appsPerDomain?: number;
  /** Share of libs that are shared across domains (models, header, shared-*). @default 0.06 */
  sharedFraction?: number;
  /** @default 1 */
  seed?: number;
  /** A node_modules directory to symlink into the workspace (nx, madge, typescript resolvable). */
  nodeModules?: string;
  /** Make the edit commits (one per edit kind). @default true */
  edits?: boolean;
  /**
   * `tree`: a lib's barrel exports three modules, which import their children (a binary tree),
   * and apps reach deep files too. `barrel`: every lib's `src/index.ts` is an `export *` barrel of
   * all its modules, apps and libs import libs only through those barrels, and 70% of modules
   * also import a sibling through their own lib's barrel (a cycle through it). @default "tree"
   */
  shape?: 'tree' | 'barrel';
}

/** One edit commit: the comparison `<commit>~1..<commit>`. */
export interface EditCommit {
  kind: EditKind;
  description: string;
  commit: string;
  /** Files the commit touches (workspace-relative). */
  files: string[];
  /** Apps reaching a touched file before or after the edit, from the generator's import model. */
  expectedApps: string[];
}

export type EditKind = 'lib-deep' | 'type-only' | 'add-file' | 'delete-file' | 'rename' | 'tsconfig-path' | 'one-app';

export interface GeneratedWorkspace {
  dir: string;
  apps: string[];
  libs: string[];
  /** Files committed in the initial commit. */
  files: number;
  /** The initial commit (the whole workspace). */
  initialCommit: string;
  edits: EditCommit[];
}

/** Seeded helpers over mulberry32 (see seeded-random.ts). */
function createRandom(seed: number) {
  const next = createSeededRandom(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    /** Biased towards 0: index in [0, n) with density ~ 1/sqrt. */
    low: (n: number) => Math.floor(next() * next() * n),
    chance: (p: number) => next() < p,
  };
}

interface Lib {
  index: number;
  name: string;
  kind: 'models' | 'header' | 'shared' | 'domain';
  domain: number;
  /** Number of src/lib/f<k>.ts files (models: model<k>.ts). */
  modules: number;
  deps: number[];
}

interface App {
  name: string;
  domain: number;
}

/** A source file of the model: its text is rendered from the imports it holds. */
interface SourceFile {
  /** Resolved workspace-relative paths this file imports (through aliases, relative, CSS). */
  imports: Set<string>;
  render: () => string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Writes the workspace at `dir` (emptied first), commits it, then one commit per edit kind. */
export function generateWorkspace(dir: string, options: WorkspaceOptions): GeneratedWorkspace {
  const filesPerLib = Math.max(8, options.filesPerLib ?? 20);
  const filesPerApp = Math.max(10, options.filesPerApp ?? 20);
  const appsPerDomain = options.appsPerDomain ?? 10;
  const rnd = createRandom(options.seed ?? 1);
  const domains = Math.max(1, Math.round(options.apps / appsPerDomain));
  const sharedCount = Math.min(options.libs, Math.max(4, Math.round(options.libs * (options.sharedFraction ?? 0.06))));
  const width = String(Math.max(options.libs, options.apps)).length;

  // ---- the project model -------------------------------------------------------------
  const libs: Lib[] = [];
  const libModules = filesPerLib - 5; // project.json, tsconfig.json, index.ts, styles.css, tokens.css
  for (let i = 0; i < options.libs; i++) {
    const kind = i === 0 ? 'models' : i === 1 ? 'header' : i < sharedCount ? 'shared' : 'domain';
    const domain = kind === 'domain' ? (i - sharedCount) % domains : -1;
    const name = kind === 'models' ? 'models' : kind === 'header' ? 'header' : kind === 'shared' ? `shared-${pad(i, width)}` : `d${pad(domain, String(domains).length)}-lib-${pad(i, width)}`;
    libs.push({ index: i, name, kind, domain, modules: libModules, deps: [] });
  }
  const firstShared = Math.min(2, options.libs);
  const sharedLibs = libs.slice(firstShared, sharedCount);
  const domainLibs: Lib[][] = Array.from({ length: domains }, () => []);
  for (const lib of libs) if (lib.kind === 'domain') domainLibs[lib.domain]!.push(lib);
  for (const lib of libs) {
    const deps = new Set<number>();
    if (lib.kind === 'header') for (let k = 0; k < Math.min(2, sharedLibs.length); k++) deps.add(sharedLibs[k]!.index);
    if (lib.kind === 'shared') {
      const before = sharedLibs.filter((l) => l.index < lib.index);
      const n = before.length === 0 ? 0 : 1 + rnd.int(2);
      for (let k = 0; k < n; k++) deps.add(before[rnd.low(before.length)]!.index);
    }
    if (lib.kind === 'domain') {
      const mine = domainLibs[lib.domain]!;
      const before = mine.filter((l) => l.index < lib.index);
      const n = before.length === 0 ? 0 : rnd.int(3);
      for (let k = 0; k < n; k++) deps.add(before[rnd.low(before.length)]!.index);
      if (sharedLibs.length && rnd.chance(0.5)) deps.add(sharedLibs[rnd.low(sharedLibs.length)]!.index);
      // Some coupling across domains (always to a lower index: the lib graph stays acyclic).
      if (rnd.chance(0.05)) {
        const other = libs.filter((l) => l.kind === 'domain' && l.domain !== lib.domain && l.index < lib.index);
        if (other.length) deps.add(other[rnd.int(other.length)]!.index);
      }
    }
    lib.deps = [...deps].filter((d) => d !== lib.index);
  }
  const apps: App[] = Array.from({ length: options.apps }, (_, i) => ({ name: `app-${pad(i, width)}`, domain: i % domains }));

  // ---- the file model -----------------------------------------------------------------
  const files = new Map<string, SourceFile>();
  const statics = new Map<string, string>(); // path -> content (no imports)
  const libRoot = (l: Lib) => `libs/${l.name}`;
  const fn = (l: Lib, k: number) => `L${l.index}_f${k}`;
  const modelCount = Math.max(1, libModules);
  const randomModel = () => rnd.int(modelCount);
  const models = libs[0]!;

  /** A reference into a library: barrel or deep import, with the symbol and resolved file. */
  interface LibRef { specifier: string; symbol: string; target: string }
  const publicModules = (l: Lib) => Math.min(3, l.modules);
  const barrel = options.shape === 'barrel';
  function refTo(l: Lib, deep: boolean): LibRef {
    if (barrel) {
      const k = rnd.int(l.modules);
      return { specifier: `@acme/${l.name}`, symbol: fn(l, k), target: `${libRoot(l)}/src/index.ts` };
    }
    if (deep) {
      const k = rnd.int(l.modules);
      return { specifier: `@acme/${l.name}/lib/f${k}`, symbol: fn(l, k), target: `${libRoot(l)}/src/lib/f${k}.ts` };
    }
    const k = rnd.int(publicModules(l));
    return { specifier: `@acme/${l.name}`, symbol: fn(l, k), target: `${libRoot(l)}/src/index.ts` };
  }
  const renderImports = (refs: LibRef[]) => {
    const bySpec = new Map<string, Set<string>>();
    for (const r of refs) (bySpec.get(r.specifier) ?? bySpec.set(r.specifier, new Set()).get(r.specifier)!).add(r.symbol);
    return [...bySpec].map(([spec, syms]) => `import { ${[...syms].sort().join(', ')} } from '${spec}';\n`).join('');
  };
  const callAll = (symbols: string[]) => (symbols.length ? symbols.map((s) => `${s}(n)`).join(' + ') + ' + ' : '');

  /** A lib module f<k>: imports its children (a binary tree), maybe other libs, maybe a model type. */
  /** Module file names that differ from `f<k>` (after a rename edit), by `<lib index>:<k>`. */
  const moduleNames = new Map<string, string>();
  function addLibModule(l: Lib, k: number, crossRefs: LibRef[], modelType: number | null) {
    const children = [2 * k + 1, 2 * k + 2].filter((c) => c < l.modules);
    // Barrel shape: 70% of modules also import a sibling through their own lib's barrel
    // (`@acme/<self>`), as code that imports from the package's index does: a cycle through the barrel.
    if (barrel && l.modules > 1 && rnd.chance(0.7)) {
      const j = (k + 1 + rnd.int(l.modules - 1)) % l.modules;
      crossRefs = [...crossRefs, { specifier: `@acme/${l.name}`, symbol: fn(l, j), target: `${libRoot(l)}/src/index.ts` }];
    }
    const childFile = (c: number) => moduleNames.get(`${l.index}:${c}`) ?? `f${c}`;
    const path = `${libRoot(l)}/src/lib/f${k}.ts`;
    const file: SourceFile = {
      imports: new Set([
        ...children.map((c) => `${libRoot(l)}/src/lib/${childFile(c)}.ts`),
        ...crossRefs.map((r) => r.target),
        ...(modelType !== null ? [`${libRoot(models)}/src/index.ts`] : []),
        ...(k === 0 ? [`${libRoot(l)}/src/lib/styles.css`] : []),
      ]),
      render() {
        const kids = children.filter((c) => file.imports.has(`${libRoot(l)}/src/lib/${childFile(c)}.ts`));
        let text = `// ${l.name} module ${k}\n`;
        if (k === 0) text += `import './styles.css';\n`;
        if (modelType !== null) text += `import type { Model${modelType} } from '@acme/models';\n`;
        for (const c of kids) text += `import { ${fn(l, c)} } from './${childFile(c)}';\n`;
        text += renderImports(crossRefs);
        const param = modelType !== null ? `, model?: Model${modelType}` : '';
        const calls = [...kids.map((c) => fn(l, c)), ...new Set(crossRefs.map((r) => r.symbol))];
        text += `\nexport function ${fn(l, k)}(n: number${param}): number {\n  return ${callAll(calls)}${modelType !== null ? '(model ? 1 : 0) + ' : ''}${(l.index * 7 + k * 3) % 97};\n}\n`;
        return text;
      },
    };
    files.set(path, file);
  }

  for (const l of libs) {
    const root = libRoot(l);
    statics.set(`${root}/project.json`, json({
      name: l.name, $schema: '../../node_modules/nx/schemas/project-schema.json', projectType: 'library', sourceRoot: `${root}/src`,
      tags: [l.kind === 'domain' ? `scope:d${l.domain}` : 'scope:shared'], targets: {},
    }));
    statics.set(`${root}/tsconfig.json`, json({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src/**/*'] }));
    if (l.kind === 'models') {
      for (let k = 0; k < modelCount; k++) statics.set(`${root}/src/lib/model${k}.ts`, `export interface Model${k} {\n  id: string;\n  field${k}: number;\n}\n`);
      statics.set(`${root}/src/lib/styles.css`, `/* models has no styles */\n`);
      files.set(`${root}/src/index.ts`, {
        imports: new Set(Array.from({ length: modelCount }, (_, k) => `${root}/src/lib/model${k}.ts`)),
        render: () => Array.from({ length: modelCount }, (_, k) => `export type { Model${k} } from './lib/model${k}';\n`).join(''),
      });
      continue;
    }
    statics.set(`${root}/src/lib/tokens.css`, `:root { --lib-${l.index}: #${pad(l.index % 1000, 3)}; }\n`);
    files.set(`${root}/src/lib/styles.css`, {
      imports: new Set([`${root}/src/lib/tokens.css`]),
      render: () => `@import './tokens.css';\n.l${l.index} { color: var(--lib-${l.index}); }\n`,
    });
    const nPublic = barrel ? l.modules : publicModules(l);
    // The barrel is rendered from what it imports, so deleting or renaming a module updates it.
    const index: SourceFile = {
      imports: new Set(Array.from({ length: nPublic }, (_, k) => `${root}/src/lib/f${k}.ts`)),
      render: () => [...index.imports].map((p) => `export * from './lib/${p.slice(p.lastIndexOf('/') + 1, -3)}';\n`).join(''),
    };
    files.set(`${root}/src/index.ts`, index);
    // Spread the cross-lib imports over the modules.
    const cross = new Map<number, LibRef[]>();
    for (const d of l.deps) {
      const k = rnd.int(l.modules);
      (cross.get(k) ?? cross.set(k, []).get(k)!).push(refTo(libs[d]!, rnd.chance(0.3)));
    }
    for (let k = 0; k < l.modules; k++) addLibModule(l, k, cross.get(k) ?? [], rnd.chance(0.4) ? randomModel() : null);
  }

  const routes = 5;
  const components = Math.max(1, filesPerApp - 5 - routes);
  for (const app of apps) {
    const root = `apps/${app.name}`;
    const mine = domainLibs[app.domain]!;
    const pickLib = () => (mine.length && rnd.chance(0.8) ? mine[rnd.int(mine.length)]! : sharedLibs.length ? sharedLibs[rnd.low(sharedLibs.length)]! : libs[libs.length - 1]!);
    statics.set(`${root}/project.json`, json({
      name: app.name, $schema: '../../node_modules/nx/schemas/project-schema.json', projectType: 'application', sourceRoot: `${root}/src`,
      tags: [`scope:d${app.domain}`, 'type:app'],
      targets: { build: { executor: 'nx:run-commands', options: { command: `npx tessera bundle --app ${app.name}`, main: `${root}/src/main.ts`, outputPath: `dist/${root}` } } },
    }));
    statics.set(`${root}/tsconfig.json`, json({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src/**/*'] }));
    statics.set(`${root}/src/styles.css`, `body { margin: 0; }\n.${app.name} { display: block; }\n`);
    const header = libs[1] ?? libs[0]!;
    files.set(`${root}/src/main.ts`, {
      imports: new Set([`${root}/src/app.ts`, `${root}/src/styles.css`, `${libRoot(header)}/src/index.ts`]),
      render: () => `import './styles.css';\nimport { ${fn(header, 0)} } from '@acme/${header.name}';\nimport { start } from './app';\n\nstart(${fn(header, 0)}(1));\n`,
    });
    const modelType = randomModel();
    files.set(`${root}/src/app.ts`, {
      imports: new Set([`${libRoot(models)}/src/index.ts`, ...Array.from({ length: routes }, (_, r) => `${root}/src/routes/route${r}.ts`)]),
      render: () =>
        `import type { Model${modelType} } from '@acme/models';\n\nexport const routes = {\n` +
        Array.from({ length: routes }, (_, r) => `  route${r}: () => import('./routes/route${r}'),\n`).join('') +
        `};\n\nexport function start(n: number, model?: Model${modelType}): void {\n  console.log('${app.name}', n, model?.id, Object.keys(routes).length);\n}\n`,
    });
    for (let r = 0; r < routes; r++) {
      const comps = Array.from({ length: components }, (_, c) => c).filter((c) => c % routes === r);
      const refs = [refTo(pickLib(), rnd.chance(0.3))];
      if (rnd.chance(0.5)) refs.push(refTo(pickLib(), rnd.chance(0.3)));
      files.set(`${root}/src/routes/route${r}.ts`, {
        imports: new Set([...comps.map((c) => `${root}/src/components/component${c}.ts`), ...refs.map((x) => x.target)]),
        render: () =>
          comps.map((c) => `import { component${c} } from '../components/component${c}';\n`).join('') + renderImports(refs) +
          `\nexport default function route${r}(n: number): number {\n  return ${callAll([...comps.map((c) => `component${c}`), ...new Set(refs.map((x) => x.symbol))])}${r};\n}\n`,
      });
    }
    for (let c = 0; c < components; c++) {
      const refs = rnd.chance(0.5) ? [refTo(pickLib(), rnd.chance(0.3))] : [];
      files.set(`${root}/src/components/component${c}.ts`, {
        imports: new Set(refs.map((x) => x.target)),
        render: () => renderImports(refs) + `\nexport function component${c}(n: number): number {\n  return ${callAll([...new Set(refs.map((x) => x.symbol))])}${c};\n}\n`,
      });
    }
  }

  // ---- root files -----------------------------------------------------------------------
  const paths: Record<string, string[]> = {};
  for (const l of libs) {
    paths[`@acme/${l.name}`] = [`${libRoot(l)}/src/index.ts`];
    paths[`@acme/${l.name}/*`] = [`${libRoot(l)}/src/*`];
  }
  const tsconfigBase = {
    compileOnSave: false,
    compilerOptions: { target: 'ES2022', lib: ['ES2022', 'DOM'], module: 'ESNext', moduleResolution: 'bundler', strict: true, isolatedModules: true, skipLibCheck: true, baseUrl: '.', paths },
    exclude: ['node_modules', 'tmp', 'dist'],
  };
  statics.set('tsconfig.base.json', json(tsconfigBase));
  statics.set('nx.json', json({
    $schema: './node_modules/nx/schemas/nx-schema.json',
    defaultBase: 'main',
    workspaceLayout: { appsDir: 'apps', libsDir: 'libs' },
    // Turns on Nx's TypeScript import analysis (code-level project dependencies) without @nx/js installed.
    pluginsConfig: { '@nx/js': { analyzeSourceFiles: true } },
    namedInputs: { sharedGlobals: ['{workspaceRoot}/tsconfig.base.json'], default: ['{projectRoot}/**/*', 'sharedGlobals'], production: ['default'] },
    targetDefaults: { build: { cache: true, dependsOn: ['^build'], inputs: ['production', '^production'] } },
  }));
  statics.set('package.json', json({ name: 'bench-ws', private: true }));
  statics.set('.gitignore', 'node_modules\n.tessera\n.nx\ndist\n');

  // One lib gets a second entry file, used by the tsconfig-path edit.
  const aliasLib = pickDomainLib(2) ?? libs[libs.length - 1]!;
  files.set(`${libRoot(aliasLib)}/src/public-api.ts`, { imports: new Set([`${libRoot(aliasLib)}/src/index.ts`]), render: () => `export * from './index';\n` });

  function pickDomainLib(nth: number): Lib | undefined {
    const all = libs.filter((l) => l.kind === 'domain');
    return all.length ? all[(nth * 7919) % all.length] : undefined;
  }

  // ---- write + commit ---------------------------------------------------------------------
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const made = new Set<string>();
  const write = (rel: string, content: string) => {
    const d = dirname(join(dir, rel));
    if (!made.has(d)) (mkdirSync(d, { recursive: true }), made.add(d));
    writeFileSync(join(dir, rel), content);
  };
  for (const [path, content] of statics) write(path, content);
  for (const [path, file] of files) write(path, file.render());
  if (options.nodeModules) symlinkSync(options.nodeModules, join(dir, 'node_modules'), 'dir');

  const git = (...args: string[]) => execFileSync('git', ['-c', 'core.fsmonitor=false', '-c', 'core.untrackedCache=true', ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }).trim();
  git('init', '-q', '-b', 'main');
  for (const [k, v] of [['user.email', 'bench@tessera.local'], ['user.name', 'Tessera Bench'], ['commit.gpgsign', 'false'], ['gc.auto', '0'], ['core.fsmonitor', 'false']] as const) git('config', k, v);
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '--no-verify', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const initialCommit = commit(`synthetic workspace: ${options.apps} apps, ${options.libs} libs`);
  const fileCount = statics.size + files.size;

  // ---- reachability in the model (reverse BFS from touched files to app entries) ------
  const entryOf = new Map(apps.map((a) => [`apps/${a.name}/src/main.ts`, a.name]));
  const snapshotEdges = () => {
    const reverse = new Map<string, string[]>();
    for (const [path, file] of files) for (const to of file.imports) (reverse.get(to) ?? reverse.set(to, []).get(to)!).push(path);
    return reverse;
  };
  const appsReaching = (reverse: Map<string, string[]>, touched: string[]) => {
    const seen = new Set(touched);
    const stack = [...touched];
    const found = new Set<string>();
    while (stack.length) {
      const at = stack.pop()!;
      const app = entryOf.get(at);
      if (app) found.add(app);
      for (const from of reverse.get(at) ?? []) if (!seen.has(from)) (seen.add(from), stack.push(from));
    }
    return found;
  };

  const edits: EditCommit[] = [];
  const edit = (kind: EditKind, description: string, touched: string[], apply: () => string[]) => {
    const before = appsReaching(snapshotEdges(), touched);
    const changed = apply();
    const after = appsReaching(snapshotEdges(), touched);
    const sha = commit(`${kind}: ${description}`);
    edits.push({ kind, description, commit: sha, files: changed, expectedApps: [...new Set([...before, ...after])].sort() });
  };

  if (options.edits !== false && libs.length >= 3) {
    // 1. A leaf module of the lowest shared lib: deep below many other libs.
    const deepLib = sharedLibs[0] ?? libs[1]!;
    const leaf = `${libRoot(deepLib)}/src/lib/f${deepLib.modules - 1}.ts`;
    edit('lib-deep', `edit ${leaf} (leaf module of the lowest shared lib)`, [leaf], () => {
      write(leaf, files.get(leaf)!.render().replace(/(\d+);\n}\n$/, (_, n: string) => `${Number(n) + 1000};\n}\n`));
      return [leaf];
    });

    // 2. A type-only change: a field added to one model interface.
    const model = `${libRoot(models)}/src/lib/model${Math.min(3, modelCount - 1)}.ts`;
    edit('type-only', `add an optional field to an interface in ${model}`, [model], () => {
      write(model, (statics.get(model) ?? '').replace('id: string;', 'id: string;\n  note?: string;'));
      return [model];
    });

    // 3. A new file in a domain lib that nothing imports yet.
    const addLib = pickDomainLib(0)!;
    const added = `${libRoot(addLib)}/src/lib/draft.ts`;
    edit('add-file', `add ${added} (not imported yet)`, [added], () => {
      files.set(added, { imports: new Set(), render: () => `export function draft(n: number): number {\n  return n * 2;\n}\n` });
      write(added, files.get(added)!.render());
      return [added];
    });

    // 4. Delete a leaf module and its import.
    const delLib = pickDomainLib(1)!;
    const delK = delLib.modules - 1;
    const deleted = `${libRoot(delLib)}/src/lib/f${delK}.ts`;
    const delParent = `${libRoot(delLib)}/src/lib/f${Math.floor((delK - 1) / 2)}.ts`;
    // Its importers: the tree parent; in the barrel shape also the barrel and any sibling (other libs import only barrels).
    const importersOf = (lib: Lib, path: string, parent: string) => (barrel ? [...files].filter(([p, f]) => p.startsWith(`${libRoot(lib)}/`) && f.imports.has(path)).map(([p]) => p) : [parent]);
    edit('delete-file', `delete ${deleted} and its import in ${delParent}${barrel ? ' and the barrel' : ''}`, [deleted, delParent], () => {
      const importers = importersOf(delLib, deleted, delParent);
      files.delete(deleted);
      rmSync(join(dir, deleted));
      for (const path of importers) {
        files.get(path)!.imports.delete(deleted);
        write(path, files.get(path)!.render());
      }
      return [deleted, ...importers];
    });

    // 5. Rename a module (content unchanged) and update its importer.
    const renLib = pickDomainLib(3)!;
    const renK = renLib.modules - 2;
    const from = `${libRoot(renLib)}/src/lib/f${renK}.ts`;
    const to = `${libRoot(renLib)}/src/lib/f${renK}-renamed.ts`;
    const renParent = `${libRoot(renLib)}/src/lib/f${Math.floor((renK - 1) / 2)}.ts`;
    edit('rename', `rename ${from} → ${to} and update ${renParent}`, [from, to, renParent], () => {
      const moved = files.get(from)!;
      files.delete(from);
      files.set(to, moved);
      mkdirSync(dirname(join(dir, to)), { recursive: true });
      renameSync(join(dir, from), join(dir, to));
      moduleNames.set(`${renLib.index}:${renK}`, `f${renK}-renamed`);
      const importers = importersOf(renLib, from, renParent);
      for (const path of importers) {
        const file = files.get(path)!;
        file.imports.delete(from);
        file.imports.add(to);
        write(path, file.render());
      }
      return [from, to, ...importers];
    });

    // 6. Re-point one path alias in tsconfig.base.json (to an entry that re-exports the barrel).
    const aliasTargets = [`${libRoot(aliasLib)}/src/index.ts`, `${libRoot(aliasLib)}/src/public-api.ts`];
    edit('tsconfig-path', `point @acme/${aliasLib.name} at src/public-api.ts in tsconfig.base.json`, aliasTargets, () => {
      paths[`@acme/${aliasLib.name}`] = [`${libRoot(aliasLib)}/src/public-api.ts`];
      write('tsconfig.base.json', json(tsconfigBase));
      return ['tsconfig.base.json'];
    });

    // 7. One app's own component.
    const app = apps[Math.floor(apps.length / 2)]!;
    const comp = `apps/${app.name}/src/components/component${Math.min(3, components - 1)}.ts`;
    edit('one-app', `edit ${comp} (one app's own file)`, [comp], () => {
      write(comp, files.get(comp)!.render().replace(/(\d+);\n}\n$/, (_, n: string) => `${Number(n) + 100};\n}\n`));
      return [comp];
    });
  }

  if (!existsSync(join(dir, '.git'))) throw new Error(`git repository missing in ${dir}`);
  return { dir, apps: apps.map((a) => a.name), libs: libs.map((l) => l.name), files: fileCount, initialCommit, edits };
}
