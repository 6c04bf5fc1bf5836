import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Problem, TesseraError, type Warning } from '../errors/tessera-error.js';
import { runGit } from '../git/run-git.js';
import { CONFIG_FILE, DEFAULT_CONFIG, type ResolvedConfig, validateConfig } from './config.js';
import { discoverProjects, type NxSettings } from './discover-projects.js';
import { parseJson } from './parse-json.js';
import type { ExcludedProject, PackageManager, Project } from './project.js';
import { createProjectMatcher, findUnknownNames, isEmptySelection } from './select-projects.js';
import { readNxProjects } from './read-nx-projects.js';

/** The workspace as Tessera sees it: settings, projects and its own configuration. */
export interface Workspace {
  root: string;
  nx: NxSettings;
  /** What installs the workspace and runs its scripts. */
  packageManager: PackageManager;
  projects: Project[];
  apps: Project[];
  /** Applications and e2e projects tessera.config.json `projects` leaves out: not analysed, not built; their files affect nothing. */
  excluded: ExcludedProject[];
  config: ResolvedConfig;
  /** Projects left out or keys ignored (TESSERA_WORKSPACE_PROJECT_*): the rest of the workspace is read. */
  warnings: Warning[];
}

export interface ReadWorkspaceOptions {
  /** Where the project list comes from: Tessera's own discovery, or the workspace's Nx project graph. @default "tessera" */
  projectsFrom?: 'tessera' | 'nx';
  /**
   * The command's resolved configuration (read once per command with readConfig and passed
   * down). Absent only for a checkout of another revision, whose own tessera.config.json is
   * part of what is being analysed: it is read from that checkout.
   */
  config?: ResolvedConfig;
  /**
   * The workspace's files (tracked, and untracked but not ignored), when the caller has
   * listed them already (the graph loader has the tree's entries): saves a second listing
   * of a large tree. @default listed with `git ls-files`
   */
  files?: readonly string[];
}

function readText(root: string, file: string, problems: Problem[]): { file: string; text: string } | null {
  const path = join(root, file);
  try {
    return { file, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Absent is fine (a deleted file git still lists, too); present but unreadable is a problem.
    if (code === 'ENOENT' && !lstatSync(path, { throwIfNoEntry: false })) return null;
    problems.push({ text: `cannot be read (${code === 'ENOENT' ? 'a symlink to nothing' : (code ?? (error as Error).message)})`, location: { file } });
    return null;
  }
}

/**
 * Reads one configuration file of the workspace, or null when it is absent. One that is there
 * but cannot be read (a directory, a dangling symlink, a symlink loop) is a
 * TESSERA_WORKSPACE_INVALID naming the file, not an internal error.
 */
export function readWorkspaceText(root: string, file: string): string | null {
  const problems: Problem[] = [];
  const read = readText(root, file, problems);
  if (problems.length) throw new TesseraError('TESSERA_WORKSPACE_INVALID', `The workspace at ${root} has ${problems.length} problem(s)`, { problems });
  return read?.text ?? null;
}

/** Reads and validates tessera.config.json; defaults when it is absent. */
export function readConfig(root: string): ResolvedConfig {
  const unreadable: Problem[] = [];
  const source = readText(root, CONFIG_FILE, unreadable);
  if (unreadable.length) throw new TesseraError('TESSERA_CONFIG_INVALID', `${CONFIG_FILE} cannot be read`, { problems: unreadable });
  if (!source) return DEFAULT_CONFIG;
  const parsed = parseJson(source.text, CONFIG_FILE);
  const { config, errors } = parsed.ok ? validateConfig(parsed.value, CONFIG_FILE) : { config: null, errors: [parsed.problem] };
  if (!config) {
    throw new TesseraError('TESSERA_CONFIG_INVALID', `${CONFIG_FILE} has ${errors.length} problem(s)`, { problems: errors });
  }
  return config;
}

/** The text of every project.json and package.json below the root, by path. */
function readProjectFiles(root: string, files: readonly string[], unreadable: Problem[]): Map<string, string> {
  const projectFiles = new Map<string, string>();
  for (const file of files) {
    if (file === 'package.json' || !/(^|\/)(project|package)\.json$/.test(file)) continue;
    const read = readText(root, file, unreadable);
    if (read) projectFiles.set(file, read.text);
  }
  return projectFiles;
}

/**
 * The projects in the folders `roots` (and in folders below them) as readWorkspace's own
 * discovery finds them, from those folders' files and the workspace root's alone: a graph
 * update checks with it that files added or deleted there leave the projects as they were,
 * without reading thousands of others. Libraries and applications alike, before
 * tessera.config.json `projects` selects; `dependsOn` is left out (it needs every package).
 * Null when the answer could differ from readWorkspace's: a root of '' (everything), or a
 * problem readWorkspace would stop at.
 */
export function readProjectsAt(root: string, options: { roots: readonly string[]; files: readonly string[]; config: ResolvedConfig }): Project[] | null {
  if (options.roots.some((r) => r === '')) return null;
  const inScope = (f: string) => options.roots.some((r) => f.startsWith(`${r}/`));
  const unreadable: Problem[] = [];
  const texts = ['nx.json', 'package.json', 'pnpm-workspace.yaml', 'lerna.json'].map((f) => readText(root, f, unreadable));
  // The root's own files still count (they say which package manager runs the builds).
  const files = options.files.filter((f) => !f.includes('node_modules/') && (!f.includes('/') || inScope(f)));
  const readFile = (path: string) => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      return null;
    }
  };
  const discovered = discoverProjects({ nxJson: texts[0]!, rootPackageJson: texts[1]!, pnpmWorkspace: texts[2]!, lernaJson: texts[3]!, projectFiles: readProjectFiles(root, files, unreadable), files, readFile, config: options.config });
  const found = new Set(discovered.projects.map((p) => p.name));
  // An app of tessera.config.json `apps` outside the folders is missing here, not from the workspace.
  const elsewhere = (p: Problem) => /^apps\.[^ ]+ names no application/.test(p.text) && !found.has(p.location?.key?.slice('apps.'.length) ?? '');
  if (unreadable.length || discovered.problems.some((p) => !elsewhere(p))) return null;
  return discovered.projects.map(({ dependsOn: _, ...project }) => project);
}

/**
 * Reads the workspace at `root`: nx.json, every project.json and workspace package.json
 * (tracked or untracked, not ignored), and tessera.config.json. Reports every problem at once.
 */
export async function readWorkspace(root: string, options: ReadWorkspaceOptions = {}): Promise<Workspace> {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new TesseraError('TESSERA_WORKSPACE_NOT_FOUND', `${root} is not a directory`);
  }
  // Files that are there but cannot be read are reported with every other problem, at once.
  const unreadable: Problem[] = [];
  const nxJson = readText(root, 'nx.json', unreadable);
  const rootPackageJson = readText(root, 'package.json', unreadable);
  const pnpmWorkspace = readText(root, 'pnpm-workspace.yaml', unreadable);
  const lernaJson = readText(root, 'lerna.json', unreadable);
  if (!nxJson && !rootPackageJson && !pnpmWorkspace && !unreadable.length) {
    throw new TesseraError('TESSERA_WORKSPACE_NOT_FOUND', `${root} is not a workspace: it has no nx.json, package.json or pnpm-workspace.yaml`);
  }
  const config = options.config ?? readConfig(root);
  const files = (options.files ?? (await runGit(root, ['ls-files', '-z', '-co', '--exclude-standard'])).stdout.split('\0')).filter((f) => f && !f.includes('node_modules/'));
  const readFile = (path: string) => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      return null;
    }
  };

  const discovered =
    options.projectsFrom === 'nx'
      ? await readNxProjects(root, { nxJson, config, files, readFile })
      : discoverProjects({ nxJson, rootPackageJson, pnpmWorkspace, lernaJson, projectFiles: readProjectFiles(root, files, unreadable), files, readFile, config });

  // A project file that cannot be read leaves out that project; the workspace's own files stop the command.
  const projectFile = (p: Problem) => p.location && /(^|\/)(project|package)\.json$/.test(p.location.file) && p.location.file !== 'package.json';
  const warnings: Warning[] = [
    ...unreadable.filter(projectFile).map((p): Warning => ({ code: 'TESSERA_WORKSPACE_PROJECT_SKIPPED', text: `${p.location!.file} ${p.text}; the project is left out`, location: p.location! })),
    ...discovered.warnings,
  ];
  const problems = [...unreadable.filter((p) => !projectFile(p)), ...discovered.problems];
  if (problems.length > 0) {
    throw new TesseraError('TESSERA_WORKSPACE_INVALID', `The workspace at ${root} has ${problems.length} problem(s)`, { problems });
  }
  // tessera.config.json `projects` selects applications (and e2e projects); libraries are always read.
  const selected = createProjectMatcher(config.projects);
  const excluded: ExcludedProject[] = [];
  const projects = isEmptySelection(config.projects) ? discovered.projects : discovered.projects.filter((p) => {
    if (p.type === 'library' || selected(p)) return true;
    excluded.push({ name: p.name, root: p.root, type: p.type });
    return false;
  });
  for (const name of findUnknownNames(config.projects, discovered.projects)) {
    warnings.push({ code: 'TESSERA_CONFIG_UNKNOWN_PROJECT', text: `${CONFIG_FILE} "projects" names "${name}", which is no project of the workspace`, location: { file: CONFIG_FILE, key: 'projects' } });
  }
  const apps = projects.filter((p) => p.type === 'application');
  if (apps.length === 0) {
    const count = (type: string) => projects.filter((p) => p.type === type).length;
    const listedBy = discovered.sources.length ? `packages listed by ${discovered.sources.join(', ')}` : 'no package list (package.json workspaces, pnpm-workspace.yaml, lerna.json)';
    const left = excluded.length ? `; ${excluded.length} left out by ${CONFIG_FILE} "projects"` : '';
    throw new TesseraError('TESSERA_WORKSPACE_NO_APPS', `No application projects found in ${root} (${count('library')} libraries, ${count('e2e')} e2e projects; ${listedBy}${left})`);
  }
  return { root, nx: discovered.nx, packageManager: discovered.packageManager, projects, apps, excluded, config, warnings };
}
