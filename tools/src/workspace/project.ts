/**
 * Nx's two kinds of project, and end-to-end test projects (which Nx calls applications but
 * which test an app rather than ship one). Only applications are built and deployed.
 */
export type ProjectType = 'application' | 'library' | 'e2e';

/** A project tessera.config.json `projects` leaves out: what is needed to account for its files. */
export interface ExcludedProject {
  name: string;
  root: string;
  type: ProjectType;
}

/**
 * An app's name as one file or key segment: a package name's scope slash becomes `+`
 * (`@acme/web` → `@acme+web`; npm names cannot hold `+`, so no two apps share one).
 */
export const computeAppSegmentName = (app: string): string => app.replace('/', '+');

/** The package managers whose workspaces Tessera reads, and whose commands it runs builds with. */
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** How an application builds with its own tools, and where its output goes (see findAppBuild). */
export interface AppBuild {
  /** A bash command run at the workspace root: `npx nx run web:build`, `cd apps/web && pnpm run build`. */
  command: string;
  /** Where the command came from, for tables and messages: `its Nx build target`, … */
  source: string;
  /** Output folders, workspace-relative, best first: the first that exists after the build is published. */
  outputs: string[];
  /** Where the first output came from. */
  outputSource: string;
}

/** One project of the workspace, discovered the way Nx does. Paths are workspace-relative, POSIX. */
export interface Project {
  name: string;
  root: string;
  sourceRoot: string;
  type: ProjectType;
  tags: string[];
  implicitDependencies: string[];
  /** Entry files of an application (empty for libraries). */
  entries: string[];
  /**
   * How far Tessera can prove an application's inputs: `file` (its entries are known and
   * every input is reached from them) or `project` (they are not: every file of its root and
   * of the workspace packages it depends on counts). Absent in snapshots written before it existed: `file`.
   */
  precision?: 'file' | 'project';
  /** How the entries were found, or why the app is at project level, for its reasons. */
  entrySource?: string;
  /** The framework that builds the app, when Tessera recognised one (`vite`, `next`, ...). */
  framework?: string;
  /**
   * npm packages that build this app (its Nx build executor's package, its framework's
   * compiler, the workspace's Nx and Nx plugins): a lockfile move among them, or among what
   * they depend on, affects the app even though none of its files imports them.
   */
  buildTools?: string[];
  /**
   * The app's bundler and framework config files (`vite.config.ts`, `next.config.mjs`,
   * `tailwind.config.ts`, …): read by its build, not part of its bundle. The graph follows
   * them like entries, so a workspace plugin or preset they import is an input of the app.
   */
  buildConfigs?: string[];
  /** Its package.json `name`, when it has one: what other packages import it by. */
  packageName?: string;
  /** Names of the workspace projects its package.json depends on (`dependencies`, `devDependencies`, ...). */
  dependsOn?: string[];
  /** How the app builds itself (its Nx target, its package's build script), when it does; applications only. */
  build?: AppBuild;
  /** The file that declares the project (project.json or package.json). */
  configFile: string;
}

/** Returns the project whose root contains `path` most closely (nested roots win), or undefined. */
export function findOwningProject<T extends { root: string }>(projects: readonly T[], path: string): T | undefined {
  let best: T | undefined;
  for (const project of projects) {
    const root = project.root;
    if (root === '' || root === '.' || path === root || path.startsWith(root + '/')) {
      if (!best || root.length > best.root.length) best = project;
    }
  }
  return best;
}
