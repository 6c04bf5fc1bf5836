import picomatch from 'picomatch';
import type { Problem } from '../errors/tessera-error.js';
import type { ResolvedConfig } from './config.js';
import { isObject, parseJson } from './parse-json.js';
import type { Project, ProjectType } from './project.js';

/** The raw files project discovery looks at; gathered by readWorkspace. */
export interface DiscoveryInput {
  nxJson: { file: string; text: string } | null;
  rootPackageJson: { file: string; text: string } | null;
  /** project.json and package.json files below the root (not the root package.json), by path. */
  projectFiles: Map<string, string>;
  /** Tells whether a workspace-relative file exists (used to find app entries). */
  fileExists: (path: string) => boolean;
  config: ResolvedConfig;
}

/** Workspace-wide Nx settings Tessera uses. */
export interface NxSettings {
  defaultBase: string | null;
  appsDir: string;
  raw: Record<string, unknown>;
}

export interface DiscoveryResult {
  nx: NxSettings;
  projects: Project[];
  problems: Problem[];
  duplicates: Problem[];
}

const ENTRY_CANDIDATES = ['main.tsx', 'main.ts', 'index.tsx', 'index.ts', 'main.jsx', 'main.js', 'index.jsx', 'index.js'];

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function stringArray(value: unknown, file: string, key: string, problems: Problem[]): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  problems.push({ text: `${key} must be an array of strings`, location: { file, key } });
  return [];
}

function findEntries(name: string, type: ProjectType, sourceRoot: string, json: Record<string, unknown>, input: DiscoveryInput, file: string, problems: Problem[]): string[] {
  if (type !== 'application') return [];
  const configured = input.config.apps[name]?.entry;
  if (configured !== undefined) {
    const entries = Array.isArray(configured) ? configured : [configured];
    for (const entry of entries) {
      if (!input.fileExists(entry)) problems.push({ text: `entry "${entry}" of app "${name}" does not exist`, location: { file: input.config.file ?? 'tessera.config.json', key: `apps.${name}.entry` } });
    }
    return entries;
  }
  const options = isObject(json.targets) && isObject(json.targets.build) && isObject(json.targets.build.options) ? json.targets.build.options : {};
  for (const key of ['main', 'browser', 'entryFile']) {
    const value = options[key];
    if (typeof value === 'string') {
      if (!input.fileExists(value)) problems.push({ text: `targets.build.options.${key} "${value}" of app "${name}" does not exist`, location: { file, key: `targets.build.options.${key}` } });
      return [value];
    }
  }
  for (const candidate of ENTRY_CANDIDATES) {
    const path = sourceRoot ? `${sourceRoot}/${candidate}` : candidate;
    if (input.fileExists(path)) return [path];
  }
  problems.push({
    text: `app "${name}" has no entry file: none of ${ENTRY_CANDIDATES.map((c) => `${sourceRoot}/${c}`).join(', ')} exists`,
    location: { file, key: 'targets.build.options.main' },
  });
  return [];
}

/**
 * Discovers projects as Nx does: every project.json is a project; so is every package.json
 * matched by the root package.json `workspaces` globs (when its folder has no project.json).
 * Pure: returns every problem found, each located by file and key.
 */
export function discoverProjects(input: DiscoveryInput): DiscoveryResult {
  const problems: Problem[] = [];
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
  const nx: NxSettings = { defaultBase: typeof nxRaw.defaultBase === 'string' ? nxRaw.defaultBase : null, appsDir, raw: nxRaw };

  let workspaceGlobs: string[] = [];
  if (input.rootPackageJson) {
    const parsed = parseJson(input.rootPackageJson.text, input.rootPackageJson.file);
    if (!parsed.ok) problems.push(parsed.problem);
    else if (isObject(parsed.value)) {
      const ws = parsed.value.workspaces;
      const globs = Array.isArray(ws) ? ws : isObject(ws) && Array.isArray(ws.packages) ? ws.packages : [];
      workspaceGlobs = globs.filter((g): g is string => typeof g === 'string').map((g) => g.replace(/\/$/, ''));
    }
  }
  const inWorkspaces = workspaceGlobs.length ? picomatch(workspaceGlobs) : () => false;

  const byRoot = new Map<string, { file: string; json: Record<string, unknown>; kind: 'project' | 'package' }>();
  for (const [file, text] of [...input.projectFiles].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const root = dirname(file);
    const kind = file.endsWith('project.json') ? 'project' : 'package';
    if (kind === 'package' && (byRoot.get(root)?.kind === 'project' || !inWorkspaces(root))) continue;
    const parsed = parseJson(text, file);
    if (!parsed.ok) {
      problems.push(parsed.problem);
      continue;
    }
    if (!isObject(parsed.value)) {
      problems.push({ text: `${kind === 'project' ? 'project.json' : 'package.json'} must contain a JSON object`, location: { file } });
      continue;
    }
    if (kind === 'project' || !byRoot.has(root)) byRoot.set(root, { file, json: parsed.value, kind });
  }

  const projects: Project[] = [];
  for (const [root, { file, json, kind }] of byRoot) {
    const nxPart = kind === 'package' && isObject(json.nx) ? json.nx : json;
    const name = typeof json.name === 'string' ? json.name : root.split('/').pop() || root;
    if (json.name !== undefined && typeof json.name !== 'string') problems.push({ text: 'name must be a string', location: { file, key: 'name' } });
    let type: ProjectType = root === appsDir || root.startsWith(appsDir + '/') ? 'application' : 'library';
    const declared = nxPart.projectType;
    if (declared === 'application' || declared === 'library') type = declared;
    else if (declared !== undefined) problems.push({ text: `projectType must be "application" or "library", got ${JSON.stringify(declared)}`, location: { file, key: 'projectType' } });
    const sourceRoot = typeof nxPart.sourceRoot === 'string' ? nxPart.sourceRoot.replace(/\/$/, '') : root ? `${root}/src` : 'src';
    projects.push({
      name,
      root,
      sourceRoot,
      type,
      tags: stringArray(nxPart.tags, file, 'tags', problems),
      implicitDependencies: stringArray(nxPart.implicitDependencies, file, 'implicitDependencies', problems),
      entries: findEntries(name, type, sourceRoot, nxPart, input, file, problems),
      configFile: file,
    });
  }

  const duplicates: Problem[] = [];
  const seen = new Map<string, Project>();
  for (const project of projects) {
    const other = seen.get(project.name);
    if (other) duplicates.push({ text: `project name "${project.name}" is used by both ${other.configFile} and ${project.configFile}`, location: { file: project.configFile, key: 'name' } });
    else seen.set(project.name, project);
  }
  const names = new Set(projects.map((p) => p.name));
  for (const project of projects) {
    for (const dep of project.implicitDependencies) {
      const bare = dep.replace(/^!/, '');
      if (bare !== '*' && !bare.includes('*') && !names.has(bare)) {
        problems.push({ text: `implicitDependencies names unknown project "${dep}"`, location: { file: project.configFile, key: 'implicitDependencies' } });
      }
    }
  }
  for (const [name] of Object.entries(input.config.apps)) {
    const project = seen.get(name);
    if (!project || project.type !== 'application') {
      problems.push({ text: `apps.${name} names no application of this workspace`, location: { file: input.config.file ?? 'tessera.config.json', key: `apps.${name}` } });
    }
  }
  projects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { nx, projects, problems, duplicates };
}
