/** Nx's two kinds of project. Only applications are built and deployed. */
export type ProjectType = 'application' | 'library';

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
  /** The file that declares the project (project.json or package.json). */
  configFile: string;
}

/** Returns the project whose root contains `path` most closely (nested roots win), or undefined. */
export function findOwningProject(projects: readonly Project[], path: string): Project | undefined {
  let best: Project | undefined;
  for (const project of projects) {
    const root = project.root;
    if (root === '' || root === '.' || path === root || path.startsWith(root + '/')) {
      if (!best || root.length > best.root.length) best = project;
    }
  }
  return best;
}
