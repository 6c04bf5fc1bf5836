import type { Problem, Warning } from '../errors/tessera-error.js';
import { classifyProject, type ProjectFacts } from './classify-project.js';
import type { ResolvedConfig } from './config.js';
import { findAppBuild, findPackageManager } from './find-app-build.js';
import { findAppEntries } from './find-app-entries.js';
import { findBuildConfigs } from './find-build-configs.js';
import { isRegistryRelease } from './registry-release.js';
import { isObject, parseJson } from './parse-json.js';
import type { PackageManager, Project, ProjectType } from './project.js';
import { computeWorkspaceGlobs, createPackageMatcher, type ManagerFile } from './workspace-globs.js';

/** The raw files project discovery looks at; gathered by readWorkspace. */
export interface DiscoveryInput {
  nxJson: ManagerFile | null;
  rootPackageJson: ManagerFile | null;
  pnpmWorkspace?: ManagerFile | null;
  lernaJson?: ManagerFile | null;
  /** project.json and package.json files below the root (not the root package.json), by path. */
  projectFiles: Map<string, string>;
  /** Every file of the workspace (tracked, and untracked but not ignored), workspace-relative. */
  files: readonly string[];
  /** Reads a workspace-relative file (index.html, a vite config); null when absent. */
  readFile: (path: string) => string | null;
  config: ResolvedConfig;
  /**
   * What to call the place a project is declared in, in messages. @default its project.json
   * or package.json; the Nx project graph has no such file.
   */
  describeSource?: (file: string) => string;
}

/** Workspace-wide Nx settings Tessera uses. */
export interface NxSettings {
  defaultBase: string | null;
  appsDir: string;
  raw: Record<string, unknown>;
}

export interface DiscoveryResult {
  nx: NxSettings;
  /** What installs the workspace and runs its scripts (package.json `packageManager`, else the lockfile). */
  packageManager: PackageManager;
  projects: Project[];
  /** Problems of the workspace as a whole (nx.json, the root package.json, tessera.config.json): the command cannot go on. */
  problems: Problem[];
  /** Problems of one project each: that project is left out or the key ignored, and the rest goes on. */
  warnings: Warning[];
  /** The manager files that listed package folders (`pnpm-workspace.yaml`, ...), for messages. */
  sources: string[];
}

/** The npm packages each framework builds an app with. */
const FRAMEWORK_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  vite: ['vite'], next: ['next'], angular: ['@angular/build', '@angular-devkit/build-angular', '@angular/compiler-cli'], analog: ['@analogjs/platform', 'vite'],
  remix: ['@remix-run/dev', '@react-router/dev', 'vite'], sveltekit: ['@sveltejs/kit', 'svelte', 'vite'], astro: ['astro'], webpack: ['webpack', 'webpack-cli'], rsbuild: ['@rsbuild/core'], esbuild: ['esbuild'],
  cra: ['react-scripts', '@craco/craco', 'react-app-rewired'], docusaurus: ['@docusaurus/core'],
};

/** The package of an Nx executor or plugin reference (`@nx/angular:application` → `@nx/angular`, `@nx/rsbuild/plugin` → `@nx/rsbuild`). */
const packageOfReference = (ref: string) => {
  const bare = ref.split(':')[0]!;
  return bare.startsWith('@') ? bare.split('/').slice(0, 2).join('/') : bare.split('/')[0]!;
};

/**
 * What builds an app: its build target's executor package, its framework's packages, and in
 * an Nx workspace `nx` and the nx.json plugins (which infer and run its targets). Pure.
 */
function computeBuildTools(nxPart: Record<string, unknown>, framework: string | null, nxPlugins: readonly string[], isNxWorkspace: boolean): string[] {
  const tools = new Set<string>();
  const executor = isObject(nxPart.targets) && isObject(nxPart.targets.build) && typeof nxPart.targets.build.executor === 'string' ? nxPart.targets.build.executor : null;
  if (executor) tools.add(packageOfReference(executor));
  for (const name of FRAMEWORK_PACKAGES[framework ?? ''] ?? []) tools.add(name);
  if (isNxWorkspace) {
    tools.add('nx');
    for (const plugin of nxPlugins) tools.add(packageOfReference(plugin));
  }
  return [...tools].sort();
}

const dirnameOf = (path: string) => (path.lastIndexOf('/') < 0 ? '' : path.slice(0, path.lastIndexOf('/')));
const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

function stringArray(value: unknown, file: string, key: string, warnings: Warning[]): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  warnings.push({ code: 'TESSERA_WORKSPACE_PROJECT_INVALID', text: `${key} must be an array of strings; ignored`, location: { file, key } });
  return [];
}

/** Each file's project: the nearest enclosing project root (nested roots win). */
function groupFilesByRoot(files: readonly string[], roots: ReadonlySet<string>): Map<string, string[]> {
  const byRoot = new Map<string, string[]>([...roots].map((r) => [r, []]));
  // git lists a folder's files one after another: the previous file's folder is usually this one's.
  let lastDir: string | null = null;
  let lastList: string[] | undefined;
  for (const file of files) {
    const dir = dirnameOf(file);
    if (dir !== lastDir) {
      lastDir = dir;
      lastList = undefined;
      for (let at = dir; ; at = dirnameOf(at)) {
        if (roots.has(at)) {
          lastList = byRoot.get(at)!;
          break;
        }
        if (at === '') break;
      }
    }
    lastList?.push(file);
  }
  return byRoot;
}

/**
 * Discovers projects as Nx and the package managers do: every project.json is a project; so
 * is every package.json in a folder that package.json `workspaces`, pnpm-workspace.yaml or
 * lerna.json list (when its folder has no project.json). Classifies each (application,
 * library, e2e) and finds each application's entries. A project Tessera cannot read is left
 * out with a warning; only workspace-wide problems are errors. Pure.
 */
export function discoverProjects(input: DiscoveryInput): DiscoveryResult {
  const problems: Problem[] = [];
  const warnings: Warning[] = [];
  const describe = input.describeSource ?? ((file: string) => file);
  let nxRaw: Record<string, unknown> = {};
  if (input.nxJson) {
    const parsed = parseJson(input.nxJson.text, input.nxJson.file);
    if (!parsed.ok) problems.push(parsed.problem);
    else if (!isObject(parsed.value)) problems.push({ text: 'nx.json must contain a JSON object', location: { file: input.nxJson.file } });
    else nxRaw = parsed.value;
  }
  const layout = isObject(nxRaw.workspaceLayout) ? nxRaw.workspaceLayout : {};
  const appsDir = typeof layout.appsDir === 'string' ? layout.appsDir.replace(/\/$/, '') : 'apps';
  if (nxRaw.defaultBase !== undefined && typeof nxRaw.defaultBase !== 'string') {
    problems.push({ text: 'defaultBase must be a string', location: { file: input.nxJson!.file, key: 'defaultBase' } });
  }
  const nxPlugins = (Array.isArray(nxRaw.plugins) ? nxRaw.plugins : []).map((p) => (typeof p === 'string' ? p : isObject(p) && typeof p.plugin === 'string' ? p.plugin : null)).filter((p): p is string => p !== null && !p.startsWith('.'));
  const nx: NxSettings = { defaultBase: typeof nxRaw.defaultBase === 'string' ? nxRaw.defaultBase : null, appsDir, raw: nxRaw };

  const globs = computeWorkspaceGlobs({ rootPackageJson: input.rootPackageJson, pnpmWorkspace: input.pnpmWorkspace ?? null, lernaJson: input.lernaJson ?? null });
  problems.push(...globs.problems);
  const inWorkspaces = createPackageMatcher(globs);

  // project.json wins over package.json in one folder; package.json is read there too, for its dependencies and scripts.
  const declared = new Map<string, { file: string; json: Record<string, unknown>; kind: 'project' | 'package' }>();
  const packageJsons = new Map<string, Record<string, unknown>>();
  for (const [file, text] of [...input.projectFiles].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const root = dirnameOf(file);
    const kind = file.endsWith('project.json') ? 'project' : 'package';
    const parsed = parseJson(text, file);
    const where = describe(file);
    if (!parsed.ok || !isObject(parsed.value)) {
      if (kind === 'package' && !inWorkspaces(root) && !declared.has(root)) continue;
      warnings.push({ code: 'TESSERA_WORKSPACE_PROJECT_SKIPPED', text: `${where} ${parsed.ok ? 'must contain a JSON object' : `cannot be parsed: ${parsed.problem.text}`}; the project in ${root || '.'} is left out`, location: parsed.ok ? { file } : (parsed.problem.location ?? { file }) });
      continue;
    }
    if (kind === 'package') packageJsons.set(root, parsed.value);
    if (kind === 'package' && (declared.get(root)?.kind === 'project' || !inWorkspaces(root))) continue;
    declared.set(root, { file, json: parsed.value, kind });
  }

  const rootJson = input.rootPackageJson ? parseJson(input.rootPackageJson.text, input.rootPackageJson.file) : null;
  const packageManager = findPackageManager(rootJson?.ok && isObject(rootJson.value) ? rootJson.value : null, new Set(input.files.filter((f) => !f.includes('/'))));
  const nxPluginPackages = nxPlugins.map(packageOfReference);
  const filesByRoot = groupFilesByRoot(input.files, new Set(declared.keys()));
  const fileSet = new Set(input.files);
  const projects: Project[] = [];
  for (const [root, { file, json, kind }] of declared) {
    const where = describe(file);
    const nxPart = kind === 'package' && isObject(json.nx) ? json.nx : json;
    const packageJson = packageJsons.get(root) ?? null;
    if (json.name !== undefined && typeof json.name !== 'string') warnings.push({ code: 'TESSERA_WORKSPACE_PROJECT_INVALID', text: `name must be a string; the folder name is used`, location: { file, key: 'name' } });
    const name = typeof json.name === 'string' ? json.name : root.split('/').pop() || root;
    let declaredType: ProjectType | null = null;
    if (nxPart.projectType === 'application' || nxPart.projectType === 'library' || (nxPart.projectType === 'e2e' && describe(file) !== file)) declaredType = nxPart.projectType;
    else if (nxPart.projectType !== undefined) warnings.push({ code: 'TESSERA_WORKSPACE_PROJECT_INVALID', text: `projectType must be "application" or "library", got ${JSON.stringify(nxPart.projectType)}; the type is inferred`, location: { file, key: 'projectType' } });
    const sourceRoot = typeof nxPart.sourceRoot === 'string' ? nxPart.sourceRoot.replace(/\/$/, '') : root ? `${root}/src` : 'src';
    const facts: ProjectFacts = { name, root, files: filesByRoot.get(root) ?? [], has: (p) => fileSet.has(p), packageJson, nx: nxPart, readFile: input.readFile };
    const { type, framework } = classifyProject(facts, declaredType, root === appsDir || root.startsWith(`${appsDir}/`));
    const project: Project = {
      name,
      root,
      sourceRoot,
      type,
      tags: stringArray(nxPart.tags, file, 'tags', warnings),
      implicitDependencies: stringArray(nxPart.implicitDependencies, file, 'implicitDependencies', warnings),
      entries: [],
      configFile: file,
      ...(framework ? { framework: framework.name } : {}),
      ...(typeof packageJson?.name === 'string' ? { packageName: packageJson.name } : {}),
    };
    if (type === 'application') {
      const tools = computeBuildTools(nxPart, framework?.name ?? null, nxPlugins, input.nxJson !== null);
      if (tools.length) project.buildTools = tools;
      const configured = input.config.apps[name]?.entry;
      if (configured !== undefined) {
        const entries = Array.isArray(configured) ? configured : [configured];
        for (const entry of entries) if (!fileSet.has(entry)) problems.push({ text: `entry "${entry}" of app "${name}" does not exist`, location: { file: input.config.file ?? 'tessera.config.json', key: `apps.${name}.entry` } });
        Object.assign(project, { entries, precision: 'file', entrySource: `tessera.config.json apps.${name}.entry` });
      } else {
        const options = isObject(nxPart.targets) && isObject(nxPart.targets.build) && isObject(nxPart.targets.build.options) ? nxPart.targets.build.options : {};
        const found = findAppEntries(facts, framework, sourceRoot, options, where);
        warnings.push(...found.warnings.map((w): Warning => ({ code: 'TESSERA_WORKSPACE_PROJECT_INVALID', text: `${w.text}; ${found.precision === 'project' ? 'the app is analysed at project level' : `its entries come from ${found.source}`}`, ...(w.location ? { location: w.location } : {}) })));
        Object.assign(project, { entries: found.entries, precision: found.precision, entrySource: found.source });
      }
      const configs = findBuildConfigs(facts);
      if (configs.length) project.buildConfigs = configs;
      const appConfig = input.config.apps[name];
      const build = findAppBuild({
        name, root, nx: nxPart, packageJson, framework: framework?.name ?? null, isNxWorkspace: input.nxJson !== null, nxJson: nxRaw, nxPluginPackages, packageManager, readFile: input.readFile,
        configured: { ...(appConfig?.build ? { build: appConfig.build } : {}), ...(appConfig?.output ? { output: appConfig.output } : {}) },
      });
      if (build) project.build = build;
    }
    projects.push(project);
  }

  // One name, two projects: the first (by path) keeps it, as `nx` would refuse to run at all.
  const seen = new Map<string, Project>();
  const unique: Project[] = [];
  for (const project of projects) {
    const other = seen.get(project.name);
    if (other) {
      warnings.push({ code: 'TESSERA_WORKSPACE_PROJECT_SKIPPED', text: `project name "${project.name}" is used by both ${describe(other.configFile)} and ${describe(project.configFile)}; the second is left out`, location: { file: project.configFile, key: 'name' } });
      continue;
    }
    seen.set(project.name, project);
    unique.push(project);
  }
  // Workspace packages an app depends on by name: at project level, their files count for it.
  const byPackageName = new Map(unique.filter((p) => p.packageName).map((p) => [p.packageName!, p.name]));
  const rootByPackageName = new Map(unique.filter((p) => p.packageName).map((p) => [p.packageName!, p.root]));
  for (const project of unique) {
    const pkg = packageJsons.get(project.root);
    if (!pkg) continue;
    // A dependency on a registry release of a workspace package is an npm package's, not the workspace's.
    const versionOf = (name: string) => packageJsons.get(rootByPackageName.get(name) ?? '')?.version;
    const deps = new Set(DEP_FIELDS.flatMap((field) => (isObject(pkg[field]) ? Object.entries(pkg[field]).filter(([name, spec]) => typeof spec !== 'string' || !byPackageName.has(name) || !isRegistryRelease(spec, versionOf(name))).map(([name]) => name) : [])));
    const dependsOn = [...deps].map((d) => byPackageName.get(d) ?? (seen.has(d) ? d : null)).filter((d): d is string => d !== null && d !== project.name).sort();
    if (dependsOn.length) project.dependsOn = [...new Set(dependsOn)];
  }
  for (const project of unique) {
    for (const dep of project.implicitDependencies) {
      const bare = dep.replace(/^!/, '');
      if (bare !== '*' && !bare.includes('*') && !seen.has(bare)) {
        warnings.push({ code: 'TESSERA_WORKSPACE_PROJECT_INVALID', text: `implicitDependencies of "${project.name}" names unknown project "${dep}"; ignored`, location: { file: project.configFile, key: 'implicitDependencies' } });
      }
    }
  }
  for (const [name] of Object.entries(input.config.apps)) {
    const project = seen.get(name);
    if (!project || project.type !== 'application') {
      problems.push({ text: `apps.${name} names no application of this workspace`, location: { file: input.config.file ?? 'tessera.config.json', key: `apps.${name}` } });
    }
  }
  unique.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { nx, packageManager, projects: unique, problems, warnings, sources: globs.sources };
}
