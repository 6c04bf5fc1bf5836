import type { PackageManager } from '../workspace/project.js';

/** How each package manager installs a workspace exactly as its lockfile says, on a machine that has only Node. */
const INSTALL: Readonly<Record<PackageManager, string>> = {
  npm: 'npm ci --no-audit --no-fund',
  // Corepack ships with Node and installs the version package.json `packageManager` pins.
  pnpm: '(corepack enable && pnpm install --frozen-lockfile)',
  // Yarn berry reads --frozen-lockfile as its --immutable; classic as itself.
  yarn: '(corepack enable && yarn install --frozen-lockfile)',
  bun: '((command -v bun >/dev/null || npm install -g bun) && bun install --frozen-lockfile)',
};

export interface RenderOwnBuildspecOptions {
  packageManager: PackageManager;
  /** How the build runs Tessera to publish: `npx tessera` where it is installed as a package. */
  tessera: string;
}

/**
 * The buildspec (CodeBuild's v0.2 grammar) of "each app builds itself": install as the
 * lockfile says (skipped when node_modules is there, as the local executor links it), run the
 * app's own build command, publish the folder it wrote. The per-app parts come from the job's
 * environment, so one buildspec serves every app: TESSERA_BUILD_COMMAND (the app's build, run
 * at the workspace root) and TESSERA_OUTPUT_DIRS (where it writes, `:`-separated, first found
 * wins). `tessera init` writes the same text, for CodeBuild. Pure.
 */
export function renderOwnBuildspec(options: RenderOwnBuildspecOptions): string {
  return `# The build of ONE app (TESSERA_APP), in AWS CodeBuild's buildspec v0.2 grammar.
# \`tessera build\` runs it once per app (locally or on CodeBuild) with the app's own build
# command in TESSERA_BUILD_COMMAND and its output folders in TESSERA_OUTPUT_DIRS
# (see \`tessera init\` for the table of both).
version: 0.2

env:
  shell: bash
  variables:
    # An Nx daemon would outlive the build's working directory.
    NX_DAEMON: "false"

phases:
  install:
    commands:
      - test -d node_modules || ${INSTALL[options.packageManager]}
  build:
    commands:
      - 'echo "Building $TESSERA_APP: $TESSERA_BUILD_COMMAND"'
      # In a subshell: a cd in the command must not move the commands after it.
      - (eval "$TESSERA_BUILD_COMMAND")
  post_build:
    commands:
      # Only a successful build publishes (post_build also runs after a failed one).
      - test "$CODEBUILD_BUILD_SUCCEEDING" != 1 || ${options.tessera} publish --app "$TESSERA_APP"
`;
}
