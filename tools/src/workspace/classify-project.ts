import { isObject } from './parse-json.js';
import type { ProjectType } from './project.js';

/** What classification sees of one project folder. */
export interface ProjectFacts {
  name: string;
  root: string;
  /** The folder's files (less those of projects nested in it), relative to the workspace root. */
  files: readonly string[];
  /** Whether a workspace-relative file exists (any folder). */
  has: (path: string) => boolean;
  /** Its package.json, parsed (null when it has none or it is not an object). */
  packageJson: Record<string, unknown> | null;
  /** Its project.json (or package.json `nx`) settings. */
  nx: Record<string, unknown>;
  /** Reads a workspace-relative file (null when absent). */
  readFile: (path: string) => string | null;
}

/** A framework Tessera knows, and how its files reach the app's output. */
export interface FrameworkMatch {
  name: 'vite' | 'next' | 'angular' | 'analog' | 'remix' | 'sveltekit' | 'astro' | 'webpack' | 'rsbuild' | 'esbuild' | 'cra' | 'docusaurus';
  /** The file or script that gave it away, for reasons. */
  marker: string;
}

const CONFIG = /\.config\.(?:[cm]?[jt]s)$/;

const ownFilesOf = new WeakMap<ProjectFacts, readonly string[]>();
/** The project's own top-level files (not those of its subfolders); listed once per project, as classification asks a dozen times. */
const ownFiles = (facts: ProjectFacts): readonly string[] => {
  let own = ownFilesOf.get(facts);
  if (!own) ownFilesOf.set(facts, (own = facts.files.filter((f) => f.lastIndexOf('/') === (facts.root ? facts.root.length : -1))));
  return own;
};

const configPatterns = new Map<string, RegExp>();
/** `<root>/<base>.config.{js,ts,mjs,mts,cjs,cts}`, when the project has one. */
const configIn = (facts: ProjectFacts, base: string) => {
  let pattern = configPatterns.get(base);
  if (!pattern) configPatterns.set(base, (pattern = new RegExp(`(?:^|/)${base.replace(/[-.]/g, '\\$&')}\\.config\\.[cm]?[jt]s$`)));
  return ownFiles(facts).find((f) => pattern.test(f));
};

const rootPath = (facts: ProjectFacts, path: string) => (facts.root ? `${facts.root}/${path}` : path);
const dependencies = (facts: ProjectFacts): Record<string, unknown> => ({ ...(isObject(facts.packageJson?.dependencies) ? facts.packageJson!.dependencies : {}), ...(isObject(facts.packageJson?.devDependencies) ? facts.packageJson!.devDependencies : {}) });
/** An `index.html` where an app keeps its page: the project root, `src/` or `public/` (CRA and webpack templates). */
const appHtml = (facts: ProjectFacts) => ['index.html', 'src/index.html', 'public/index.html'].map((p) => rootPath(facts, p)).find((p) => facts.has(p));

/** One command of a build, with runners (`npx`, `cross-env`, `VAR=value`) taken off: its tool and arguments. */
interface BuildCommand {
  tool: string;
  args: string[];
}

/** What a project's build runs: its Nx build target's executor, or the commands of its build script or run-commands target. */
interface BuildFacts {
  /** Where the commands come from, for reasons: `package.json scripts.build "vite build"`. */
  source: string;
  /** Its commands, with the package's own scripts it calls (`yarn build:lib`) expanded. */
  commands: BuildCommand[];
  executor: string | null;
}

const RUNNER = /^(?:[A-Za-z_]\w*=(?:"[^"]*"|'[^']*'|\S*)|npx|bunx|pnpx|cross-env(?:-shell)?|env|(?:pnpm|yarn|npm)\s+(?:exec|dlx)|dotenv(?:\s+-\w+(?:\s+[^-\s]\S*)?)*\s+--|--)\s+/;
const SCRIPT_RUNNERS = new Set(['npm', 'pnpm', 'yarn', 'bun']);
const RUN_ALL = new Set(['run-s', 'run-p', 'npm-run-all', 'npm-run-all2']);

/** Splits a script into its commands and expands the package's own scripts it runs (`yarn run-build`, `npm run build:lib`, `run-s build:*`), three levels deep. */
function expandScript(script: string, scripts: Record<string, unknown>, seen: ReadonlySet<string>): BuildCommand[] {
  const out: BuildCommand[] = [];
  const expand = (name: string) => {
    if (seen.has(name) || seen.size > 3 || typeof scripts[name] !== 'string') return false;
    out.push(...expandScript(scripts[name], scripts, new Set([...seen, name])));
    return true;
  };
  for (const part of script.split(/&&|\|\||[;|&]/)) {
    let text = part.trim();
    for (let before = ''; before !== text; ) [before, text] = [text, text.replace(RUNNER, '')];
    const [tool = '', ...args] = text.split(/\s+/).map((w) => w.replace(/^["']|["']$/g, '')).filter(Boolean);
    if (!tool) continue;
    if (SCRIPT_RUNNERS.has(tool)) {
      // `npm run x`, `pnpm x`, `yarn run x`, `bun run x`; yarn, pnpm and bun also run a bin of that name (`yarn tsc`).
      const words = args.filter((a) => !a.startsWith('-'));
      const named = words[0] === 'run' || words[0] === 'run-script' ? words[1] : words[0];
      if (named !== undefined && expand(named)) continue;
      if (tool !== 'npm' && words.length && words[0] !== 'run') out.push({ tool: words[0]!, args: words.slice(1) });
      continue;
    }
    if (RUN_ALL.has(tool)) {
      for (const arg of args.filter((a) => !a.startsWith('-'))) {
        const pattern = new RegExp(`^${arg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*?/g, '.*')}$`);
        for (const name of Object.keys(scripts)) if (pattern.test(name)) expand(name);
      }
      continue;
    }
    out.push({ tool: tool.replace(/^(?:\.\/)?node_modules\/\.bin\//, ''), args });
  }
  return out;
}

/** The project's build: its Nx `targets.build` (the executor, or a run-commands command) when it has one, else package.json `scripts.build`. Pure. */
function readBuild(facts: ProjectFacts): BuildFacts | null {
  const target = isObject(facts.nx.targets) && isObject(facts.nx.targets.build) ? facts.nx.targets.build : null;
  const scripts = isObject(facts.packageJson?.scripts) ? facts.packageJson!.scripts : {};
  const executor = typeof target?.executor === 'string' ? target.executor : null;
  const options = isObject(target?.options) ? target.options : {};
  if ((executor && /^(?:nx|@nrwl\/workspace):run-commands$/.test(executor)) || (!executor && (typeof target?.command === 'string' || typeof options.command === 'string'))) {
    const listed = Array.isArray(options.commands) ? options.commands.map((c) => (typeof c === 'string' ? c : isObject(c) && typeof c.command === 'string' ? c.command : '')) : [];
    const text = [typeof target?.command === 'string' ? target.command : '', typeof options.command === 'string' ? options.command : '', ...listed].filter(Boolean).join(' && ');
    return { source: `targets.build command "${text}"`, commands: expandScript(text, scripts, new Set()), executor: null };
  }
  if (executor && executor !== 'nx:run-script') return { source: `targets.build.executor ${executor}`, commands: [], executor };
  const name = executor === 'nx:run-script' && typeof options.script === 'string' ? options.script : 'build';
  if (typeof scripts[name] !== 'string') return null;
  return { source: `package.json scripts.${name} "${scripts[name]}"`, commands: expandScript(scripts[name], scripts, new Set([name])), executor: null };
}

/** The expanded commands as one line, for the framework patterns below. */
const commandLine = (build: BuildFacts | null) => (build ? build.commands.map((c) => [c.tool, ...c.args].join(' ')).join(' && ') : '');
const runsVite = (build: BuildFacts | null) => Boolean(build && (build.commands.some((c) => c.tool === 'vite' && c.args.includes('build')) || /vite/.test(build.executor ?? '')));

/** Framework CLIs a package's build script names, in the order they are tried. */
const SCRIPT_MARKERS: readonly [RegExp, FrameworkMatch['name']][] = [
  [/\b(?:react-scripts|craco|react-app-rewired)\s+build\b/, 'cra'],
  [/\bdocusaurus\s+build\b/, 'docusaurus'],
  [/\banalog\b/, 'analog'],
  [/\bnext\s+build\b/, 'next'],
  [/\bng\s+build\b/, 'angular'],
  [/\bastro\s+build\b/, 'astro'],
  [/\bsvelte-kit\b|\bvite\s+build\b.*svelte/, 'sveltekit'],
  [/\b(?:remix|react-router)\s+(?:vite:)?build\b/, 'remix'],
  [/\brsbuild\s+build\b/, 'rsbuild'],
  [/\bwebpack\b/, 'webpack'],
  [/\bvite(?:\s+build)?\b/, 'vite'],
  [/\besbuild\b/, 'esbuild'],
];

/**
 * A vite config that only configures Vitest: it imports from 'vitest/config', sets no
 * `build`, the project has no index.html, and nothing in its build runs Vite. Vite builds
 * nothing there (the package is built by tsdown, ng-packagr, … or not at all), so the config
 * says nothing about what the project is; `@analogjs/vite-plugin-angular` in it only compiles tests.
 */
function isVitestOnlyConfig(facts: ProjectFacts, text: string, build: BuildFacts | null): boolean {
  return /from\s+["']vitest\/config["']/.test(text) && !/\bbuild\s*:/.test(text) && !appHtml(facts) && !runsVite(build);
}

/** Which framework builds the project: its config files first, then its build script or Nx build executor. Pure. */
export function detectFramework(facts: ProjectFacts): FrameworkMatch | null {
  const build = readBuild(facts);
  const found = configIn(facts, 'vite');
  const viteText = found ? (facts.readFile(found) ?? '') : '';
  const vite = found && !isVitestOnlyConfig(facts, viteText, build) ? found : undefined;
  if (vite && (/@analogjs\//.test(viteText) || '@analogjs/platform' in dependencies(facts))) return { name: 'analog', marker: vite };
  for (const [base, name] of [['next', 'next'], ['svelte', 'sveltekit'], ['astro', 'astro'], ['remix', 'remix'], ['react-router', 'remix'], ['docusaurus', 'docusaurus'], ['craco', 'cra'], ['rsbuild', 'rsbuild'], ['webpack', 'webpack']] as const) {
    const file = configIn(facts, base);
    // A svelte.config of a plain Vite + Svelte app (only a preprocessor) is no SvelteKit: that needs the kit.
    if (file && base === 'svelte' && !('@sveltejs/kit' in dependencies(facts)) && !/@sveltejs\/(?:kit|adapter)/.test(facts.readFile(file) ?? '')) continue;
    if (file) return { name, marker: file };
  }
  if (vite) return { name: /@(?:remix-run|react-router)\/dev/.test(viteText) ? 'remix' : /sveltekit\(\)/.test(viteText) ? 'sveltekit' : 'vite', marker: vite };
  const executor = build?.executor ?? '';
  if (/angular|@nx\/angular|@nrwl\/angular/.test(executor)) return { name: 'angular', marker: `targets.build.executor ${executor}` };
  if (/@analogjs/.test(executor)) return { name: 'analog', marker: `targets.build.executor ${executor}` };
  if (/next/.test(executor)) return { name: 'next', marker: `targets.build.executor ${executor}` };
  if (/vite/.test(executor)) return { name: 'vite', marker: `targets.build.executor ${executor}` };
  if (/webpack/.test(executor)) return { name: 'webpack', marker: `targets.build.executor ${executor}` };
  if (/rsbuild/.test(executor)) return { name: 'rsbuild', marker: `targets.build.executor ${executor}` };
  if (/esbuild/.test(executor)) return { name: 'esbuild', marker: `targets.build.executor ${executor}` };
  const line = commandLine(build);
  for (const [pattern, name] of SCRIPT_MARKERS) if (pattern.test(line)) return { name, marker: build!.source };
  return null;
}

const E2E_CONFIG = /(?:^|\/)(?:playwright|cypress)\.config\.[cm]?[jt]s$|(?:^|\/)cypress\.json$/;
/** `web-e2e`, and `web-e2e-playwright`: an e2e project named after its runner. */
const E2E_NAME = /(?:^|[-_/])e2e(?:-(?:playwright|cypress|wdio|webdriverio|puppeteer|testcafe|nightwatch|selenium|detox|vitest|jest))?$/;
/** Targets that test or check a project, as opposed to building it. */
const TEST_TARGET = /^(?:e2e|test|lint|typecheck|type-check|format|clean|vitest|playwright|cypress)(?:[-:].*)?$/;

/** Its targets: project.json `targets` and package.json `scripts` (Nx runs both). */
const targetNames = (facts: ProjectFacts) => new Set([...Object.keys(isObject(facts.nx.targets) ? facts.nx.targets : {}), ...Object.keys(isObject(facts.packageJson?.scripts) ? facts.packageJson!.scripts : {})]);

/** A vite config that runs tests (a `test` block or vitest/config) and builds nothing (no `build`): the Vitest runner of an e2e suite, not an app. */
const isTestRunnerVite = (facts: ProjectFacts, framework: FrameworkMatch) => framework.name === 'vite' && CONFIG.test(framework.marker) && ((text) => /\btest\s*:|["']vitest\/config["']/.test(text) && !/\bbuild\s*:/.test(text))(facts.readFile(framework.marker) ?? '');

/**
 * An end-to-end test project: named `*-e2e` or `*-e2e-<runner>` (`app-e2e-playwright`) or
 * living in an `e2e` folder; or a folder whose only tooling is Playwright or Cypress; or,
 * with no app of its own (no framework but a Vitest runner config, no index.html), one that
 * has an `e2e` target and no `build` target, or a Playwright/Cypress config and only
 * test targets. Such projects test an app; they are never built as one.
 */
export function isE2eProject(facts: ProjectFacts, framework: FrameworkMatch | null): boolean {
  if (E2E_NAME.test(facts.name) || /(?:^|\/)e2e\//.test(facts.root) || E2E_NAME.test(facts.root)) return true;
  const e2eConfig = ownFiles(facts).some((f) => E2E_CONFIG.test(f));
  if (!framework && e2eConfig) return true;
  // A declared library stays one; Nx gives e2e projects `projectType: application`.
  if (facts.nx.projectType === 'library' || (framework && !isTestRunnerVite(facts, framework)) || appHtml(facts)) return false;
  const targets = targetNames(facts);
  if (targets.has('build')) return false;
  return targets.has('e2e') || (e2eConfig && targets.size > 0 && [...targets].every((t) => TEST_TARGET.test(t)));
}

/** `plugins: [ … ]` removed, brackets balanced: what is left is the config's own options, not its plugins'. */
function withoutPlugins(text: string): string {
  let out = text;
  for (let at = out.search(/\bplugins\s*:\s*\[/); at >= 0; at = out.search(/\bplugins\s*:\s*\[/)) {
    let i = out.indexOf('[', at);
    for (let depth = 0; i < out.length; i++) {
      if (out[i] === '[') depth++;
      else if (out[i] === ']' && --depth === 0) break;
    }
    out = out.slice(0, at) + out.slice(i + 1);
  }
  return out;
}

/**
 * A Vite project that builds a library: `build.lib` written out, or (with no index.html to
 * serve) an `entry` among the config's own options, which only library mode has; that is how
 * a shared helper sets it (`mergeConfig(config, libraryConfig({ entry: './src/index.ts' }))`).
 * Plugins' options are left out: app plugins take entries too (`electron({ entry })`).
 */
function isViteLibrary(facts: ProjectFacts, framework: FrameworkMatch | null): boolean {
  if (framework?.name !== 'vite' || !CONFIG.test(framework.marker)) return false;
  const text = facts.readFile(framework.marker) ?? '';
  return /\blib\s*:\s*\{/.test(text) || (!appHtml(facts) && /\bentry\s*:/.test(withoutPlugins(text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''))));
}

/** Build tools that only make library packages (with `vite build` in library mode), and CLIs that only make apps. */
const LIBRARY_BUILDERS = new Set(['tsup', 'tsdown', 'unbuild', 'ng-packagr', 'svelte-package', 'rollup', 'tsc', 'babel', 'swc', 'microbundle', 'bunchee', 'pkgroll', 'tshy', 'ngc']);
const APP_BUILDS = /^(?:next build|astro build|ng build|svelte-kit build|remix (?:vite:)?build|react-router build|react-scripts build|craco build|react-app-rewired build|docusaurus build)\b/;
/** Tools that can build an app: next to one of them, `tsc` is a type check and the build is not a library's. */
const APP_CAPABLE = new Set(['vite', 'vite-ssg', 'webpack', 'webpack-cli', 'rsbuild', 'rspack', 'esbuild', 'parcel', 'next', 'ng', 'astro', 'remix', 'react-router', 'svelte-kit', 'react-scripts', 'craco', 'react-app-rewired', 'docusaurus', 'nuxt', 'nuxi', 'gatsby', 'vue-cli-service', 'electron-vite', 'expo', 'analog', 'vinxi']);
const LIBRARY_EXECUTOR = /^@(?:nx|nrwl)\/js:(?:tsc|swc)$|^@(?:nx|nrwl)\/(?:rollup|web):rollup$|^@(?:nx|nrwl)\/angular:(?:package|ng-packagr-lite)$|:ng-packagr$/;
const APP_EXECUTOR = /^@(?:nx|nrwl)\/next:build$|^@angular-devkit\/build-angular:(?:browser|browser-esbuild|application)$|^@angular\/build:application$|^@(?:nx|nrwl)\/angular:(?:webpack-browser|browser-esbuild|application)$|^@analogjs\/platform:vite$/;

/** What the build makes, when it says so: an app (an app-only framework CLI or executor), a library (only library builders), else neither. */
function classifyBuild(facts: ProjectFacts, build: BuildFacts | null, framework: FrameworkMatch | null): { app: string } | { library: string } | null {
  if (!build) return null;
  if (build.executor) return APP_EXECUTOR.test(build.executor) ? { app: build.source } : LIBRARY_EXECUTOR.test(build.executor) ? { library: build.source } : null;
  // `vite build` in library mode, and `ng build` of an ng-packagr project (it has an ng-package.json), build libraries.
  const viteLibrary = isViteLibrary(facts, framework);
  const ngPackage = facts.has(rootPath(facts, 'ng-package.json'));
  const buildsLibrary = (c: BuildCommand) => (c.tool === 'vite' && viteLibrary) || (c.tool === 'ng' && c.args[0] === 'build' && ngPackage);
  const app = build.commands.find((c) => APP_BUILDS.test([c.tool, ...c.args].join(' ')) && !buildsLibrary(c));
  if (app) return { app: `${build.source}, which runs ${app.tool} ${app.args[0]}` };
  const builders = build.commands.filter((c) => (LIBRARY_BUILDERS.has(c.tool) && !c.args.some((a) => /^--?noEmit$/.test(a))) || buildsLibrary(c));
  if (!builders.length || build.commands.some((c) => APP_CAPABLE.has(c.tool) && !buildsLibrary(c))) return null;
  return { library: `${build.source}, which runs ${builders.map((c) => c.tool).join(', ')}` };
}

/** Where a build writes by convention: a package whose entry points are there is published from its build output. */
const OUTPUT_DIR = /^(?:dist|build|lib|out|output|esm|cjs|es|umd|types|typings|bundle|fesm\d*)(?:[-_.][\w-]+)?$/;
const stringLeaves = (value: unknown): string[] => (typeof value === 'string' ? [value] : Array.isArray(value) ? value.flatMap(stringLeaves) : isObject(value) ? Object.values(value).flatMap(stringLeaves) : []);

/** Why package.json says the package is published to a registry (not `private`, with `files`, `publishConfig` or entry points into its build output), or null. */
function readPublished(facts: ProjectFacts): string | null {
  const pkg = facts.packageJson;
  if (!pkg || pkg.private === true) return null;
  if (Array.isArray(pkg.files) && pkg.files.length) return 'package.json "files"';
  if (isObject(pkg.publishConfig)) return 'package.json "publishConfig"';
  for (const field of ['exports', 'main', 'module', 'types', 'typings']) {
    const into = stringLeaves(pkg[field]).find((p) => OUTPUT_DIR.test(p.replace(/^\.\//, '').split('/')[0]!) && p.includes('/'));
    if (into) return `package.json "${field}" ${into}`;
  }
  return null;
}

/**
 * What proves the project is an app even when package.json reads as published: a framework
 * that only builds apps (a Next.js, Astro, Remix or Docusaurus config, SvelteKit with
 * `@sveltejs/kit`, Analog with `@analogjs/platform`, an Angular app executor, CRA), or the
 * page an app serves (`index.html` at the root, in `src/` or `public/`).
 */
function readAppMarker(facts: ProjectFacts, framework: FrameworkMatch | null): string | null {
  if (!framework || framework.name === 'esbuild') return null;
  const deps = dependencies(facts);
  const text = CONFIG.test(framework.marker) ? (facts.readFile(framework.marker) ?? '') : '';
  if (['next', 'astro', 'remix', 'angular', 'cra', 'docusaurus'].includes(framework.name)) return framework.marker;
  if (framework.name === 'sveltekit' && ('@sveltejs/kit' in deps || /\bkit\b|sveltekit/.test(text))) return framework.marker;
  if (framework.name === 'analog' && ('@analogjs/platform' in deps || /@analogjs\/platform/.test(text))) return framework.marker;
  return appHtml(facts) ?? null;
}

/**
 * The project's type and why. Pure. In this order, each step deciding when it applies:
 * 1. `projectType` in project.json (`declared`, already validated); an e2e project first.
 * 2. The apps directory.
 * 3. A build that runs a CLI that only builds apps (`next build`, `react-scripts build`,
 *    `docusaurus build`, an Angular app executor, …): an app, even when package.json reads
 *    as published, because what the build makes is what ships.
 * 4. A build that runs only library builders (tsup, tsdown, tsc, ng-packagr or `ng build` of
 *    an ng-package.json project, svelte-package, rollup, unbuild, `vite build` in library
 *    mode, an Nx tsc/rollup/ng-packagr executor): a library, even with an index.html,
 *    svelte.config or vite.config (a playground or the tests' config: not what the build
 *    runs). `tsc && vite build` is not this: tsc type-checks.
 * 5. A package.json that reads as published (not `private`, with `files`, `publishConfig`, or
 *    `main`/`module`/`types`/`exports` into `dist/`-like output): a library, unless an app
 *    marker says otherwise (readAppMarker: index.html, an app-only framework's config), since
 *    calling an app a library hides it (a missed build) while the opposite costs one build.
 * 6. A framework that builds an app (a vite config not in library mode, a webpack or rsbuild
 *    build with an index.html, …): an app; else a library.
 */
export function classifyProject(facts: ProjectFacts, declared: ProjectType | null, inAppsDir: boolean): { type: ProjectType; framework: FrameworkMatch | null; why: string } {
  const framework = detectFramework(facts);
  if (declared === 'e2e' || isE2eProject(facts, framework)) return { type: 'e2e', framework: null, why: 'an end-to-end test project' };
  if (declared) return { type: declared, framework, why: `projectType "${declared}"` };
  if (inAppsDir) return { type: 'application', framework, why: 'in the apps directory' };
  const build = classifyBuild(facts, readBuild(facts), framework);
  if (build && 'app' in build) return { type: 'application', framework, why: `built as an app (${build.app})` };
  if (build) return { type: 'library', framework, why: `built as a library (${build.library})` };
  const published = readPublished(facts);
  if (published && !readAppMarker(facts, framework)) return { type: 'library', framework, why: `a published package (${published})` };
  if (framework && !isViteLibrary(facts, framework) && !(framework.name === 'esbuild' || framework.name === 'webpack' || framework.name === 'rsbuild')) return { type: 'application', framework, why: `built by ${framework.name} (${framework.marker})` };
  if (framework && (framework.name === 'webpack' || framework.name === 'rsbuild') && facts.files.some((f) => /(?:^|\/)index\.html$/.test(f))) return { type: 'application', framework, why: `built by ${framework.name} (${framework.marker}) with an index.html` };
  return { type: 'library', framework, why: 'no application marker' };
}
