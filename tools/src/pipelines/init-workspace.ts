import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderOwnBuildspec } from '../buildspec/render-own-buildspec.js';
import type { Warning } from '../errors/tessera-error.js';
import { runGit } from '../git/run-git.js';
import { CONFIG_FILE } from '../workspace/config.js';
import type { PackageManager } from '../workspace/project.js';
import { readWorkspace } from '../workspace/read-workspace.js';
import { renderCiWorkflow } from './render-ci-workflow.js';

/** Where `$schema` points: the schema the installed package ships (see package.json `exports`). */
export const SCHEMA_PATH = './node_modules/tessera-build/tools/dist/tessera.config.schema.json';

/** One app as `tessera init` found it: what builds it and where its output goes. */
export interface InitApp {
  name: string;
  root: string;
  framework: string | null;
  /** The command of its own build, or null when nothing builds it (it needs `apps.<name>.build`). */
  build: string | null;
  buildSource: string | null;
  /** Its output folders, best first. */
  outputs: string[];
  outputSource: string | null;
  /** How its inputs are known: `file` (from its entries) or `project` (every file of its root). */
  precision: 'file' | 'project';
  entrySource: string | null;
}

/** A file `tessera init` writes, and what happens to it. */
export interface InitFile {
  path: string;
  text: string;
  /** `create`: new; `overwrite`: replaces one (--force; the old one is kept as `<path>.bak`); `merge`: adds to one; `exists`: left alone. */
  action: 'create' | 'overwrite' | 'merge' | 'exists';
}

export interface InitPlan {
  root: string;
  packageManager: PackageManager;
  apps: InitApp[];
  files: InitFile[];
  warnings: Warning[];
}

export interface PlanInitOptions {
  /** Replace buildspec.yml and the workflow when they exist, and add `$schema` to an existing config. @default false */
  force?: boolean;
}

/** The config `tessera init` writes, or the existing one with `$schema` added (its keys kept, in their order). */
function computeConfigText(existing: string | null): string | null {
  if (existing === null) return JSON.stringify({ $schema: SCHEMA_PATH }, null, 2) + '\n';
  let parsed: unknown;
  try {
    parsed = JSON.parse(existing);
  } catch {
    return null; // not plain JSON (comments, a typo): left for the person to edit
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || '$schema' in parsed) return null;
  return JSON.stringify({ $schema: SCHEMA_PATH, ...parsed }, null, 2) + '\n';
}

/**
 * What `tessera init` finds and would write in the workspace at `root`: every app with its
 * own build and output (as `tessera build` runs it without a buildspec), tessera.config.json
 * naming the schema, a buildspec.yml for CodeBuild that runs each app's own build, a GitHub
 * Actions workflow, and `.tessera/` in .gitignore. Reads only; writeInit writes.
 */
export async function planInit(root: string, options: PlanInitOptions = {}): Promise<InitPlan> {
  const workspace = await readWorkspace(root);
  const { packageManager } = workspace;
  const apps = workspace.apps.map((app): InitApp => ({
    name: app.name, root: app.root, framework: app.framework ?? null, build: app.build?.command ?? null, buildSource: app.build?.source ?? null,
    outputs: app.build?.outputs ?? [], outputSource: app.build?.outputSource ?? null, precision: app.precision ?? 'file', entrySource: app.entrySource ?? null,
  }));
  const warnings: Warning[] = [...workspace.warnings];
  for (const app of apps.filter((a) => a.build === null)) {
    warnings.push({ code: 'TESSERA_APP_NO_BUILD', text: `nothing builds app "${app.name}" (${app.root}): give it a build script or an Nx build target, or set apps.${app.name}.build in ${CONFIG_FILE}`, location: { file: CONFIG_FILE, key: `apps.${app.name}.build` } });
  }

  const read = (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : null);
  const files: InitFile[] = [];
  const replaceable = (path: string, text: string) => {
    const existing = read(path);
    files.push({ path, text, action: existing === null ? 'create' : existing === text ? 'exists' : options.force ? 'overwrite' : 'exists' });
  };

  const config = read(CONFIG_FILE);
  const configText = computeConfigText(config);
  if (config === null) files.push({ path: CONFIG_FILE, text: configText!, action: 'create' });
  else files.push({ path: CONFIG_FILE, text: configText ?? config, action: configText !== null && options.force ? 'merge' : 'exists' });
  replaceable('buildspec.yml', renderOwnBuildspec({ packageManager, tessera: 'npx tessera' }));
  const nodeVersionFile = ['.nvmrc', '.node-version'].find((f) => existsSync(join(root, f))) ?? null;
  replaceable('.github/workflows/tessera.yml', renderCiWorkflow({ packageManager, defaultBranch: workspace.nx.defaultBase?.replace(/^origin\//, '') ?? 'main', nodeVersionFile }));

  // .tessera/ holds caches, the runs database and the local store: never committed.
  const ignored = (await runGit(root, ['check-ignore', '-q', '--no-index', '--', '.tessera/tessera.db'], { okExitCodes: [0, 1, 128] })).exitCode === 0;
  if (!ignored) {
    const gitignore = read('.gitignore');
    const text = `${gitignore === null ? '' : gitignore.endsWith('\n') || gitignore === '' ? gitignore : `${gitignore}\n`}# Tessera's caches, run history and local store\n.tessera/\n`;
    files.push({ path: '.gitignore', text, action: gitignore === null ? 'create' : 'merge' });
  }
  return { root, packageManager, apps, files, warnings };
}

/** Writes what planInit decided; a replaced file is kept as `<path>.bak`. Returns the files written. */
export function writeInit(plan: InitPlan): string[] {
  const written: string[] = [];
  for (const file of plan.files) {
    if (file.action === 'exists') continue;
    const path = join(plan.root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    if (file.action === 'overwrite') copyFileSync(path, `${path}.bak`);
    writeFileSync(path, file.text);
    written.push(file.path);
  }
  return written;
}
