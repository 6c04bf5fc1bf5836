import type { Problem } from '../errors/tessera-error.js';
import type { FrameworkMatch, ProjectFacts } from './classify-project.js';
import { readBundlerEntry, readViteInput } from './read-literal-entries.js';

/** An application's entries, how they were found, and how far they prove its inputs. */
export interface AppEntries {
  entries: string[];
  precision: 'file' | 'project';
  /** For reasons: `index.html module scripts`, `Next.js app/ and pages/`, or why the app is at project level. */
  source: string;
  /** Problems with what the project itself states (a build option naming a missing file): warnings. */
  warnings: Problem[];
}

/** Files the bundler reads as code: an app's entries are among these. */
const CODE = /\.(?:tsx?|mts|cts|jsx?|mjs|cjs)$/;
/** Test files, as Nx's default `production` named input leaves them out. */
const TEST = /(?:^|\/)(?:__tests__|__mocks__|e2e|test|tests)\/|\.(?:spec|test|stories|cy)\.[^/]+$|\.d\.[cm]?ts$/;
/** Build and tool configuration at a project's root: inputs of the build, not of the app's output. */
const TOOL_CONFIG = /(?:^|\/)[^/]+\.config\.[cm]?[jt]s$|(?:^|\/)(?:jest|vitest|karma|babel|postcss|tailwind|eslint|prettier)\.[^/]*$/;
/** The extensions react-scripts resolves `src/index` with, in its order. */
const CRA_EXTENSIONS = ['web.mjs', 'mjs', 'web.js', 'js', 'web.ts', 'ts', 'web.tsx', 'tsx', 'web.jsx', 'jsx'];
const CANDIDATES = ['main.tsx', 'main.ts', 'index.tsx', 'index.ts', 'main.jsx', 'main.js', 'index.jsx', 'index.js'];

const under = (dir: string, file: string) => dir === '' || file.startsWith(`${dir}/`);
const join = (dir: string, path: string) => (dir ? `${dir}/${path}` : path).replace(/\/\.\//g, '/');

/** The code files of the app's own source, less tests and tool configuration. */
function listSourceCode(facts: ProjectFacts, dir: string): string[] {
  return facts.files.filter((f) => under(dir, f) && CODE.test(f) && !TEST.test(f.slice(dir.length)) && !TOOL_CONFIG.test(f));
}

/** `<script type="module" src>` of an index.html, as workspace paths (Vite resolves `/x` from the project root). */
function readHtmlScripts(facts: ProjectFacts, html: string): string[] {
  const text = facts.readFile(html) ?? '';
  const dir = html.includes('/') ? html.slice(0, html.lastIndexOf('/')) : '';
  const out: string[] = [];
  for (const tag of text.replace(/<!--[\s\S]*?-->/g, '').match(/<script\b[^>]*>/gi) ?? []) {
    if (!/\btype\s*=\s*["']?module\b/i.test(tag)) continue;
    const src = /\bsrc\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
    if (!src || /^[a-z]+:|^\/\//i.test(src)) continue;
    const path = src.startsWith('/') ? join(facts.root, src.slice(1)) : join(dir, src.replace(/^\.\//, ''));
    if (facts.has(path)) out.push(path);
  }
  return out;
}

/** Code files under any of `dirs` (relative to the project root). */
const codeUnder = (facts: ProjectFacts, dirs: string[]) => dirs.flatMap((d) => listSourceCode(facts, join(facts.root, d)));
/** Top-level files of the project named `<base>.<code ext>` under any of `dirs`. */
const named = (facts: ProjectFacts, dirs: string[], bases: string[]) =>
  facts.files.filter((f) => dirs.some((d) => bases.some((b) => new RegExp(`^${join(facts.root, d ? `${d}/` : '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${b}\\.[cm]?[jt]sx?$`).test(f))));

/** The project's own config file of a bundler (`vite.config.ts`, `webpack.config.js`, …), if it has one at its root. */
function findConfigFile(facts: ProjectFacts, tool: string): string | undefined {
  const pattern = new RegExp(`^${join(facts.root, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${tool}\\.config\\.[cm]?[jt]s$`);
  return facts.files.find((f) => pattern.test(f));
}

/**
 * Entries the app's bundler config states: Vite's `build.rollupOptions.input` (HTML pages
 * give their module scripts), webpack's `entry`, rsbuild's `source.entry`. null when the
 * config states none (the defaults apply); `entries: null` when it states them in a way
 * that cannot be read without running it, or names a file that is not there.
 */
function readStatedEntries(facts: ProjectFacts, framework: FrameworkMatch | null): { entries: string[] | null; source: string } | null {
  const tools = framework?.name === 'webpack' || framework?.name === 'rsbuild' ? [framework.name] : ['vite'];
  for (const tool of tools) {
    const file = findConfigFile(facts, tool);
    const text = file ? facts.readFile(file) : null;
    if (!file || text === null) continue;
    const key = tool === 'vite' ? 'build.rollupOptions.input' : tool === 'rsbuild' ? 'source.entry' : 'entry';
    const option = tool === 'vite' ? readViteInput(text) : readBundlerEntry(text);
    if (option.kind === 'absent') return null;
    if (option.kind === 'computed') return { entries: null, source: `${file} ${key} is computed (${option.text.slice(0, 60)}), so its entries cannot be read` };
    const entries: string[] = [];
    for (const relative of option.paths) {
      const path = join(facts.root, relative);
      if (!facts.has(path)) return { entries: null, source: `${file} ${key} names ${relative}, which does not exist` };
      entries.push(...(/\.html?$/.test(path) ? readHtmlScripts(facts, path) : CODE.test(path) ? [path] : []));
    }
    if (!entries.length) return { entries: null, source: `${file} ${key} names no module script or code file` };
    return { entries: [...new Set(entries)].sort(), source: `${file} ${key}` };
  }
  return null;
}

/**
 * Where an application's build starts, by what the project states and its framework:
 * tessera.config.json's `entry` is handled by the caller; here the Nx build options (`main`,
 * `browser`, `server`, `entryFile`), then the framework's own entries (Vite's
 * `build.rollupOptions.input` or index.html module scripts, a literal webpack or rsbuild
 * `entry`, Next.js `app/` and `pages/`, Remix and React Router `app/root` and routes,
 * Create React App's `src/index`), then `main`/`index` in the source root. Frameworks whose
 * components the bundler cannot read (SvelteKit, Astro), file-based routes and content Tessera
 * does not model (Analog pages, Docusaurus pages and docs), and apps
 * whose entry cannot be determined fall back to project level: every source file of the app
 * is an entry and every file of its root counts, with that reason. Pure.
 */
export function findAppEntries(facts: ProjectFacts, framework: FrameworkMatch | null, sourceRoot: string, buildOptions: Record<string, unknown>, declaredIn: string): AppEntries {
  const warnings: Problem[] = [];
  const fromOptions: string[] = [];
  for (const key of ['main', 'browser', 'server', 'entryFile']) {
    const value = buildOptions[key];
    if (typeof value !== 'string') continue;
    const path = value.replace(/^\.\//, '');
    if (facts.has(path)) fromOptions.push(path);
    else warnings.push({ text: `targets.build.options.${key} "${value}" of app "${facts.name}" does not exist`, location: { file: declaredIn, key: `targets.build.options.${key}` } });
  }
  const projectLevel = (why: string): AppEntries => ({ entries: [...new Set([...fromOptions, ...listSourceCode(facts, facts.root)])].sort(), precision: 'project', source: why, warnings });

  if (framework?.name === 'sveltekit' || framework?.name === 'astro') return projectLevel(`${framework.name === 'sveltekit' ? 'SvelteKit' : 'Astro'} components are not read by the bundler (${framework.marker})`);
  if (framework?.name === 'analog') return projectLevel(`Analog loads its file-based routes (src/app/pages) itself (${framework.marker})`);
  if (framework?.name === 'docusaurus') return projectLevel(`Docusaurus loads its pages, docs and blog by convention (${framework.marker})`);
  if (fromOptions.length) return { entries: fromOptions, precision: 'file', source: `${declaredIn} targets.build.options`, warnings };

  if (framework?.name === 'cra') {
    // react-scripts' config/paths.js: src/index and src/service-worker, by its moduleFileExtensions in order. public/index.html is a template with no module script.
    const first = (base: string) => CRA_EXTENSIONS.map((ext) => join(facts.root, `src/${base}.${ext}`)).find((path) => facts.has(path));
    const index = first('index');
    const worker = first('service-worker');
    if (index) return { entries: worker ? [index, worker] : [index], precision: 'file', source: `${index} (Create React App's entry)`, warnings };
    return projectLevel(`a Create React App app without src/index.* (${framework.marker})`);
  }

  if (framework?.name === 'next') {
    const routes = [...codeUnder(facts, ['app', 'src/app', 'pages', 'src/pages']), ...named(facts, ['', 'src'], ['middleware', 'instrumentation'])];
    const nonCode = facts.files.filter((f) => ['app', 'src/app', 'pages', 'src/pages'].some((d) => under(join(facts.root, d), f)) && /\.mdx?$/.test(f));
    if (routes.length && !nonCode.length) return { entries: [...new Set(routes)].sort(), precision: 'file', source: 'Next.js app/, pages/, middleware and instrumentation', warnings };
    return projectLevel(nonCode.length ? `Next.js pages in Markdown (${nonCode[0]}) are compiled by Next.js itself` : 'a Next.js app with no app/ or pages/ directory');
  }
  if (framework?.name === 'remix') {
    const routes = [...named(facts, ['app'], ['root', 'entry.client', 'entry.server', 'routes']), ...codeUnder(facts, ['app/routes'])];
    if (routes.length) return { entries: [...new Set(routes)].sort(), precision: 'file', source: 'Remix / React Router app/root, entries and routes', warnings };
    return projectLevel('a Remix / React Router app without app/root');
  }
  const stated = readStatedEntries(facts, framework);
  if (stated) return stated.entries ? { entries: stated.entries, precision: 'file', source: stated.source, warnings } : projectLevel(stated.source);
  for (const html of [join(facts.root, 'index.html'), join(facts.root, 'src/index.html'), join(sourceRoot, 'index.html')]) {
    if (!facts.has(html)) continue;
    const scripts = readHtmlScripts(facts, html);
    if (scripts.length) return { entries: scripts, precision: 'file', source: `${html} module scripts`, warnings };
  }
  for (const candidate of CANDIDATES) {
    const path = join(sourceRoot, candidate);
    if (facts.has(path)) return { entries: [path], precision: 'file', source: `${path} (the source root's main file)`, warnings };
  }
  return projectLevel(`no entry could be determined (${framework ? `${framework.name}, ${framework.marker}` : 'no known framework'}; none of ${CANDIDATES.slice(0, 4).map((c) => join(sourceRoot, c)).join(', ')}, … exists)`);
}
