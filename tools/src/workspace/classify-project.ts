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

/** The project's own top-level files (not those of its subfolders). */
const ownFiles = (facts: ProjectFacts) => facts.files.filter((f) => f.lastIndexOf('/') === (facts.root ? facts.root.length : -1));

/** `<root>/<base>.config.{js,ts,mjs,mts,cjs,cts}`, when the project has one. */
const configIn = (facts: ProjectFacts, base: string) => ownFiles(facts).find((f) => new RegExp(`(?:^|/)${base.replace(/[-.]/g, '\\$&')}\\.config\\.[cm]?[jt]s$`).test(f));

const rootPath = (facts: ProjectFacts, path: string) => (facts.root ? `${facts.root}/${path}` : path);
/** An `index.html` where an app keeps its page: the project root, `src/` or `public/` (CRA and webpack templates). */
const appHtml = (facts: ProjectFacts) => ['index.html', 'src/index.html', 'public/index.html'].map((p) => rootPath(facts, p)).find((p) => facts.has(p));

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

/** Which framework builds the project: its config files first, then its build script or Nx build executor. Pure. */
export function detectFramework(facts: ProjectFacts): FrameworkMatch | null {
  const vite = configIn(facts, 'vite');
  const viteText = vite ? (facts.readFile(vite) ?? '') : '';
  const deps = { ...(isObject(facts.packageJson?.dependencies) ? facts.packageJson!.dependencies : {}), ...(isObject(facts.packageJson?.devDependencies) ? facts.packageJson!.devDependencies : {}) };
  if (vite && (/@analogjs\//.test(viteText) || '@analogjs/platform' in deps)) return { name: 'analog', marker: vite };
  for (const [base, name] of [['next', 'next'], ['svelte', 'sveltekit'], ['astro', 'astro'], ['remix', 'remix'], ['react-router', 'remix'], ['docusaurus', 'docusaurus'], ['craco', 'cra'], ['rsbuild', 'rsbuild'], ['webpack', 'webpack']] as const) {
    const file = configIn(facts, base);
    if (file) return { name, marker: file };
  }
  if (vite) return { name: /@(?:remix-run|react-router)\/dev/.test(viteText) ? 'remix' : /sveltekit\(\)/.test(viteText) ? 'sveltekit' : 'vite', marker: vite };
  const executor = isObject(facts.nx.targets) && isObject(facts.nx.targets.build) && typeof facts.nx.targets.build.executor === 'string' ? facts.nx.targets.build.executor : '';
  if (/angular|@nx\/angular|@nrwl\/angular/.test(executor)) return { name: 'angular', marker: `targets.build.executor ${executor}` };
  if (/@analogjs/.test(executor)) return { name: 'analog', marker: `targets.build.executor ${executor}` };
  if (/next/.test(executor)) return { name: 'next', marker: `targets.build.executor ${executor}` };
  if (/vite/.test(executor)) return { name: 'vite', marker: `targets.build.executor ${executor}` };
  if (/webpack/.test(executor)) return { name: 'webpack', marker: `targets.build.executor ${executor}` };
  if (/rsbuild/.test(executor)) return { name: 'rsbuild', marker: `targets.build.executor ${executor}` };
  if (/esbuild/.test(executor)) return { name: 'esbuild', marker: `targets.build.executor ${executor}` };
  const scripts = isObject(facts.packageJson?.scripts) ? facts.packageJson!.scripts : {};
  const build = typeof scripts.build === 'string' ? scripts.build : '';
  for (const [pattern, name] of SCRIPT_MARKERS) if (pattern.test(build)) return { name, marker: `package.json scripts.build "${build}"` };
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

/** A Vite project that builds a library (`build.lib`), not an app. */
function isViteLibrary(facts: ProjectFacts, framework: FrameworkMatch | null): boolean {
  if (framework?.name !== 'vite' || !CONFIG.test(framework.marker)) return false;
  return /\blib\s*:\s*\{/.test(facts.readFile(framework.marker) ?? '');
}

/**
 * The project's type and why: an explicit `projectType` wins; then e2e projects; then the
 * apps directory; then a framework that builds an app. `declared` is the projectType the
 * project file states (already validated). Pure.
 */
export function classifyProject(facts: ProjectFacts, declared: ProjectType | null, inAppsDir: boolean): { type: ProjectType; framework: FrameworkMatch | null; why: string } {
  const framework = detectFramework(facts);
  if (declared === 'e2e' || isE2eProject(facts, framework)) return { type: 'e2e', framework: null, why: 'an end-to-end test project' };
  if (declared) return { type: declared, framework, why: `projectType "${declared}"` };
  if (inAppsDir) return { type: 'application', framework, why: 'in the apps directory' };
  if (framework && !isViteLibrary(facts, framework) && !(framework.name === 'esbuild' || framework.name === 'webpack' || framework.name === 'rsbuild') ) return { type: 'application', framework, why: `built by ${framework.name} (${framework.marker})` };
  if (framework && (framework.name === 'webpack' || framework.name === 'rsbuild') && facts.files.some((f) => /(?:^|\/)index\.html$/.test(f))) return { type: 'application', framework, why: `built by ${framework.name} (${framework.marker}) with an index.html` };
  return { type: 'library', framework, why: 'no application marker' };
}
