import { isObject } from './parse-json.js';
import type { AppBuild, PackageManager } from './project.js';

/** What finding an app's own build looks at; all of it already read by discovery. */
export interface AppBuildFacts {
  name: string;
  /** Workspace-relative, POSIX; '' for a project at the root. */
  root: string;
  /** project.json, or package.json's `nx` part. */
  nx: Record<string, unknown>;
  packageJson: Record<string, unknown> | null;
  framework: string | null;
  /** The workspace has an nx.json: Nx runs its targets (inferred ones included). */
  isNxWorkspace: boolean;
  /** nx.json, for `targetDefaults.build.outputs`. */
  nxJson: Record<string, unknown>;
  /** Plugins nx.json lists, by package (`@nx/vite/plugin` → `@nx/vite`). */
  nxPluginPackages: readonly string[];
  packageManager: PackageManager;
  /** Reads a workspace-relative file (a vite or next config); null when absent. */
  readFile: (path: string) => string | null;
  /** `apps.<name>.build` / `.output` of tessera.config.json. */
  configured: { build?: string; output?: string };
}

/** How each package manager runs a package's own binary (`nx`) and a package's script. */
const RUNNERS: Readonly<Record<PackageManager, { exec: string; run: string }>> = {
  npm: { exec: 'npx', run: 'npm run' },
  pnpm: { exec: 'pnpm exec', run: 'pnpm run' },
  yarn: { exec: 'yarn', run: 'yarn run' },
  bun: { exec: 'bunx', run: 'bun run' },
};

/** Nx plugins that infer a `build` target from a framework's config file. */
const INFERRING_PLUGINS: Readonly<Record<string, readonly string[]>> = {
  vite: ['@nx/vite'], analog: ['@nx/vite'], sveltekit: ['@nx/vite'], remix: ['@nx/remix', '@nx/react', '@nx/vite'], next: ['@nx/next'], webpack: ['@nx/webpack'], rsbuild: ['@nx/rsbuild'], astro: ['@nx/astro'],
};

/** Where each framework writes a production build by default, relative to the app's root. */
const FRAMEWORK_OUTPUTS: Readonly<Record<string, string>> = {
  vite: 'dist', analog: 'dist/client', remix: 'build/client', sveltekit: 'build', astro: 'dist', next: '.next', webpack: 'dist', rsbuild: 'dist', esbuild: 'dist', cra: 'build', docusaurus: 'build',
};

/** Output folders tried in order after the declared one (the issue's and most tools' conventions). */
const FALLBACK_OUTPUTS = ['dist', 'build', 'out', '.next'];

/** The framework config files a literal output folder may be read from (configs are read, never run). */
const OUTPUT_CONFIGS: Readonly<Record<string, readonly string[]>> = {
  vite: ['vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'],
  astro: ['astro.config.mjs', 'astro.config.ts', 'astro.config.js'],
  next: ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs'],
};

/** Quotes a word for bash when it needs it. */
function quote(word: string): string {
  return /^[\w./@:+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const join = (root: string, path: string) => (root === '' || root === '.' ? path : `${root}/${path}`);

/** Normalises an output path: workspace-relative, POSIX, no `./` or trailing slash. */
function normalise(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
}

/**
 * Resolves one Nx `outputs` entry for a project (`{options.outputPath}`, `{workspaceRoot}/dist/x`,
 * `{projectRoot}/dist`); null for one that names an option the target does not set, or a glob.
 */
function resolveNxOutput(output: string, facts: AppBuildFacts, options: Record<string, unknown>): string | null {
  let unresolved = false;
  const path = output.replace(/\{([^}]+)\}/g, (_m, token: string) => {
    if (token === 'workspaceRoot') return '';
    if (token === 'projectRoot') return facts.root;
    if (token === 'projectName') return facts.name;
    if (token.startsWith('options.')) {
      const value = options[token.slice('options.'.length)];
      if (typeof value === 'string') return value;
      // Angular's application builder: outputPath { base, browser }.
      if (isObject(value) && typeof value.base === 'string') return value.base;
    }
    unresolved = true;
    return '';
  });
  if (unresolved || /[*?[]/.test(path)) return null;
  const relative = normalise(path.replace(/^\/+/, ''));
  return relative === '' ? null : relative;
}

/** A literal output folder in a framework config: Vite/Astro `outDir`, Next.js `distDir` or `output: 'export'`. */
function readConfiguredOutput(facts: AppBuildFacts): { path: string; source: string } | null {
  // Analog, Remix and SvelteKit have a Vite config too, but their plugins decide where the output goes.
  for (const file of OUTPUT_CONFIGS[facts.framework ?? ''] ?? []) {
    const text = facts.readFile(join(facts.root, file));
    if (text === null) continue;
    if (facts.framework === 'next') {
      const distDir = /\bdistDir\s*:\s*['"`]([^'"`]+)['"`]/.exec(text)?.[1];
      // A static export goes to out/ whatever distDir says.
      if (/\boutput\s*:\s*['"`]export['"`]/.test(text)) return { path: join(facts.root, 'out'), source: `${file} output: 'export'` };
      if (distDir) return { path: join(facts.root, normalise(distDir)), source: `${file} distDir` };
      return null;
    }
    const outDir = /\boutDir\s*:\s*['"`]([^'"`]+)['"`]/.exec(text)?.[1];
    if (outDir) {
      // Relative to the config's root (the app's folder); an absolute or `..` one is left to the fallbacks.
      if (outDir.startsWith('/')) return null;
      const parts: string[] = facts.root ? facts.root.split('/') : [];
      for (const part of normalise(outDir).split('/')) {
        if (part === '..') parts.pop();
        else if (part !== '.' && part !== '') parts.push(part);
      }
      return parts.length ? { path: parts.join('/'), source: `${file} build.outDir` } : null;
    }
  }
  return null;
}

/**
 * How an application builds with its own tools, and where its output goes, as the workspace
 * declares it: `apps.<name>.build` in tessera.config.json; else its Nx `build` target (declared,
 * from a package script, or inferred by an Nx plugin) through `nx run`; else its package's
 * `build` script through the workspace's package manager. Outputs: the configured one, Nx
 * `outputs` / `options.outputPath`, a literal one in the framework's config, the framework's
 * default, then `dist`, `build`, `out`, `.next` under the app; the first that exists after the
 * build is published. Null when nothing builds the app. Pure.
 */
export function findAppBuild(facts: AppBuildFacts): AppBuild | null {
  const runner = RUNNERS[facts.packageManager];
  const targets = isObject(facts.nx.targets) ? facts.nx.targets : {};
  const target = isObject(targets.build) ? targets.build : null;
  const scripts = isObject(facts.packageJson?.scripts) ? facts.packageJson.scripts : {};
  const script = typeof scripts.build === 'string' ? scripts.build : null;
  const inferred = (INFERRING_PLUGINS[facts.framework ?? ''] ?? []).find((p) => facts.nxPluginPackages.includes(p));

  let command: string;
  let source: string;
  if (facts.configured.build) {
    command = facts.configured.build;
    source = `tessera.config.json apps.${facts.name}.build`;
  } else if (facts.isNxWorkspace && (target || script !== null || inferred)) {
    command = `${runner.exec} nx run ${quote(`${facts.name}:build`)}`;
    source = target ? 'its Nx build target' : script !== null ? 'its package.json build script, through Nx' : `the build target ${inferred} infers`;
  } else if (script !== null) {
    command = facts.root === '' || facts.root === '.' ? `${runner.run} build` : `cd ${quote(facts.root)} && ${runner.run} build`;
    source = `its package.json build script (${facts.packageManager})`;
  } else {
    return null;
  }

  const outputs: string[] = [];
  let outputSource = 'a conventional output folder';
  const add = (path: string | null, from: string) => {
    if (path === null || outputs.includes(path)) return;
    if (!outputs.length) outputSource = from;
    outputs.push(path);
  };
  if (facts.configured.output) add(normalise(facts.configured.output), `tessera.config.json apps.${facts.name}.output`);
  const options = target && isObject(target.options) ? target.options : {};
  const defaults = isObject(facts.nxJson.targetDefaults) && isObject(facts.nxJson.targetDefaults.build) ? facts.nxJson.targetDefaults.build : {};
  const declared = Array.isArray(target?.outputs) ? target.outputs : Array.isArray(defaults.outputs) && facts.isNxWorkspace ? defaults.outputs : [];
  for (const output of declared) if (typeof output === 'string') add(resolveNxOutput(output, facts, options), 'its Nx build target outputs');
  add(resolveNxOutput('{options.outputPath}', facts, options), 'its Nx build target outputPath');
  const configuredOutput = readConfiguredOutput(facts);
  if (configuredOutput) add(configuredOutput.path, configuredOutput.source);
  const frameworkOutput = FRAMEWORK_OUTPUTS[facts.framework ?? ''];
  if (frameworkOutput) add(join(facts.root, frameworkOutput), `${facts.framework}'s default`);
  // Nx's executors default to dist/<projectRoot> when a target names no outputs.
  if (facts.isNxWorkspace && target && facts.root) add(`dist/${facts.root}`, 'Nx\'s default (dist/<project root>)');
  for (const fallback of FALLBACK_OUTPUTS) add(join(facts.root, fallback), 'a conventional output folder');
  return { command, source, outputs, outputSource };
}

/**
 * The workspace's package manager: package.json `packageManager` (Corepack's field), else the
 * lockfile at the root, else npm. Pure.
 */
export function findPackageManager(rootPackageJson: Record<string, unknown> | null, rootFiles: ReadonlySet<string>): PackageManager {
  const declared = typeof rootPackageJson?.packageManager === 'string' ? rootPackageJson.packageManager.split('@')[0] : '';
  if (declared === 'pnpm' || declared === 'yarn' || declared === 'bun' || declared === 'npm') return declared;
  if (rootFiles.has('pnpm-lock.yaml') || rootFiles.has('pnpm-workspace.yaml')) return 'pnpm';
  if (rootFiles.has('yarn.lock')) return 'yarn';
  if (rootFiles.has('bun.lock') || rootFiles.has('bun.lockb')) return 'bun';
  return 'npm';
}
