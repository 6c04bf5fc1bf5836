import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Problem, TesseraError } from '../errors/tessera-error.js';
import { runGit } from '../git/run-git.js';
import { CONFIG_FILE, DEFAULT_CONFIG, type ResolvedConfig, validateConfig } from './config.js';
import { discoverProjects, type NxSettings } from './discover-projects.js';
import { parseJson } from './parse-json.js';
import type { Project } from './project.js';
import { readNxProjects } from './read-nx-projects.js';

/** The workspace as Tessera sees it: settings, projects and its own configuration. */
export interface Workspace {
  root: string;
  nx: NxSettings;
  projects: Project[];
  apps: Project[];
  config: ResolvedConfig;
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
  if (!nxJson && !rootPackageJson && !unreadable.length) {
    throw new TesseraError('TESSERA_WORKSPACE_NOT_FOUND', `${root} has neither nx.json nor package.json`);
  }
  const config = options.config ?? readConfig(root);

  let discovered;
  if (options.projectsFrom === 'nx') {
    discovered = await readNxProjects(root, nxJson, config);
  } else {
    const listed = await runGit(root, ['ls-files', '-z', '-co', '--exclude-standard', '--', ':(glob)**/project.json', ':(glob)**/package.json']);
    const projectFiles = new Map<string, string>();
    for (const file of listed.stdout.split('\0')) {
      if (!file || file === 'package.json' || file.includes('node_modules/')) continue;
      const read = readText(root, file, unreadable);
      if (read) projectFiles.set(file, read.text);
    }
    discovered = discoverProjects({ nxJson, rootPackageJson, projectFiles, fileExists: (p) => existsSync(join(root, p)), config });
  }

  if (discovered.problems.length > 0 || unreadable.length > 0) {
    const all = [...unreadable, ...discovered.problems, ...discovered.duplicates];
    throw new TesseraError('TESSERA_WORKSPACE_INVALID', `The workspace at ${root} has ${all.length} problem(s)`, { problems: all });
  }
  if (discovered.duplicates.length > 0) {
    throw new TesseraError('TESSERA_WORKSPACE_DUPLICATE_PROJECT', discovered.duplicates.map((d) => d.text).join('; '), { problems: discovered.duplicates });
  }
  const apps = discovered.projects.filter((p) => p.type === 'application');
  if (apps.length === 0) {
    throw new TesseraError('TESSERA_WORKSPACE_NO_APPS', `No application projects found in ${root} (${discovered.projects.length} libraries)`);
  }
  return { root, nx: discovered.nx, projects: discovered.projects, apps, config };
}
