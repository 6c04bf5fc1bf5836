/**
 * Every error code Tessera can raise, with what it means and how to solve it.
 * docs/errors.md lists the same table; test/unit/errors/codes.test.ts keeps the two in step.
 * Retired codes stay here with `retired: true` and are never reused.
 */
export const ERROR_CODES = {
  TESSERA_USAGE: {
    title: 'Invalid command-line usage',
    solve: 'Run `tessera --help` (or `tessera <command> --help`) and correct the flag or argument named in the message.',
  },
  TESSERA_INTERNAL: {
    title: 'An unexpected error: a bug in Tessera',
    solve: 'Report it as a bug with the command you ran and the stack trace printed on stderr (under --json the error document names this code; the stack is on stderr).',
  },
  TESSERA_CONFIG_INVALID: {
    title: 'tessera.config.json is invalid',
    solve: 'Fix every problem listed (each names its key); the schema is documented in docs/configuration.md.',
  },
  TESSERA_WORKSPACE_NOT_FOUND: {
    title: 'No workspace at the given directory',
    solve: 'Run inside a workspace (a directory with nx.json, package.json or pnpm-workspace.yaml) or pass `--cwd DIR` naming an existing one.',
  },
  TESSERA_WORKSPACE_INVALID: {
    title: 'A workspace-wide file (nx.json, the root package.json, pnpm-workspace.yaml, lerna.json) cannot be read',
    solve: 'Fix every problem listed (each names its file and key), then run the command again. A problem in one project file is only a warning (TESSERA_WORKSPACE_PROJECT_SKIPPED).',
  },
  TESSERA_WORKSPACE_DUPLICATE_PROJECT: {
    title: 'Two projects share one name (retired: now the warning TESSERA_WORKSPACE_PROJECT_SKIPPED)',
    solve: 'Rename one of the projects (the `name` in its project.json or package.json); names must be unique.',
    retired: true,
  },
  TESSERA_WORKSPACE_NO_APPS: {
    title: 'The workspace has no applications',
    solve: 'Mark app projects with `"projectType": "application"` in project.json, place them under the apps directory (nx.json workspaceLayout.appsDir), or give each app package a framework config (vite.config.ts, next.config.js, ...) or a `build` script that runs one; `tessera graph --format json` lists the projects found and their types.',
  },
  TESSERA_UNKNOWN_APP: {
    title: 'No app of that name',
    solve: 'Run `tessera graph --format json` to list the apps of this workspace and use one of their names.',
  },
  TESSERA_NX_PROJECTS_FAILED: {
    title: "The workspace's own Nx could not list its projects",
    solve: 'Install the workspace dependencies (`npm ci`) so that `nx` is available, or drop `--project-source nx` to let Tessera discover projects itself.',
  },
  TESSERA_GIT_NOT_A_REPOSITORY: {
    title: 'The workspace is not inside a git repository',
    solve: 'Run `git init` and commit, or point `--cwd` at a git checkout.',
  },
  TESSERA_GIT_REF_NOT_FOUND: {
    title: 'A base or head revision does not exist',
    solve: 'Check the name (`git branch -a`, `git log`); in CI fetch it first, e.g. `git fetch origin main`.',
  },
  TESSERA_GIT_NO_MERGE_BASE: {
    title: 'Base and head share no history',
    solve: 'Pick a base on the same history as head, e.g. `--base origin/main`.',
  },
  TESSERA_GIT_SHALLOW_CLONE: {
    title: 'A shallow clone lacks the merge-base of base and head',
    solve: 'Rerun with `--deepen` to let Tessera fetch more history, run `git fetch --deepen=100`, or clone with full history (`fetch-depth: 0` in actions/checkout).',
  },
  TESSERA_GIT_FAILED: {
    title: 'A git command failed',
    solve: 'Read the git message quoted in the error; run the same git command by hand to see the problem.',
  },
  TESSERA_GRAPH_BUNDLER_FAILED: {
    title: 'esbuild could not analyse the apps',
    solve: 'Read the located esbuild messages; fix the files they name, or report a bug if they do not make sense.',
  },
  TESSERA_GRAPH_NOT_AN_INPUT: {
    title: 'The file is not an input of the app',
    solve: 'Name a file the app reaches, as a workspace-relative path (`tessera graph --app APP` lists its input files); a file the app does not import has no import chain to show.',
  },
  TESSERA_BUILDSPEC_NOT_FOUND: {
    title: 'buildspec.yml does not exist',
    solve: 'Point `build.buildspec` in tessera.config.json (or --buildspec) at the buildspec to use, create it (see docs/buildspec.md), or set `build.buildspec` to false to run each app\'s own build.',
  },
  TESSERA_BUILDSPEC_INVALID: {
    title: 'buildspec.yml is not valid YAML or not a valid v0.2 buildspec',
    solve: 'Fix every problem listed (each names its line and key); the supported grammar is in docs/buildspec.md.',
  },
  TESSERA_RUN_NOT_FOUND: {
    title: 'No run with that id',
    solve: 'Run `tessera runs list` to see the recorded runs and their ids.',
  },
  TESSERA_RUNS_DB_FAILED: {
    title: 'The runs database cannot be opened or written',
    solve: 'Check that `.tessera/tessera.db` is writable and not locked by another process; to start a fresh history, move it aside (`mv .tessera/tessera.db .tessera/tessera.db.old`) rather than deleting it.',
  },
  TESSERA_CODEBUILD_PROJECT_NOT_FOUND: {
    title: 'The CodeBuild project does not exist',
    solve: 'Create the project (docs/aws.md) or set `codebuild.project` in tessera.config.json to an existing project in the configured region.',
  },
  TESSERA_CODEBUILD_BUILD_NOT_FOUND: {
    title: 'CodeBuild no longer knows a build Tessera started (BatchGetBuilds listed it under buildsNotFound)',
    solve: 'Check that nothing deletes builds of the project while they run (BatchDeleteBuilds) and that the region and account have not changed during the run; the job ended FAULT and was retried once as a new build.',
  },
  TESSERA_CODEBUILD_LOCAL_STORE: {
    title: '`--executor codebuild` with a directory store: builds publish from CodeBuild, where the directory does not exist',
    solve: 'Set `store` in tessera.config.json (or --store / TESSERA_STORE) to an S3 bucket, `s3://bucket/prefix` (docs/aws.md). Against the local CodeBuild test server, whose builds run on this machine, set TESSERA_ALLOW_LOCAL_STORE_WITH_CODEBUILD=1.',
  },
  TESSERA_AWS_CREDENTIALS_MISSING: {
    title: 'No AWS credentials were found',
    solve: 'Provide credentials the standard way: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, or an instance role; and a region (AWS_REGION).',
  },
  TESSERA_AWS_REGION_MISSING: {
    title: 'No AWS region is configured',
    solve: 'Set AWS_REGION (or `region` in the AWS profile that AWS_PROFILE names), or `codebuild.region` (CodeBuild) or `store.region` (the S3 store) in tessera.config.json.',
  },
  TESSERA_AWS_REQUEST_FAILED: {
    title: 'An AWS API call failed for a reason that is not transient',
    solve: 'Read the AWS error quoted in the message (type and text); check permissions, the endpoint and the region.',
  },
  TESSERA_CACHE_UNWRITABLE: {
    title: 'The cache directory cannot be written',
    solve: 'Make `.tessera/` writable, or set `cacheDir` in tessera.config.json to a writable directory.',
  },
  TESSERA_BUNDLE_FAILED: {
    title: 'esbuild could not bundle the app',
    solve: 'Read the located esbuild messages (file:line:column); fix the code they name and run `tessera bundle --app APP` again. Nothing was published.',
  },
  TESSERA_BUNDLE_OUT_UNSAFE: {
    title: 'The bundle output directory holds something else',
    solve: 'The bundle replaces its output directory whole. Pass --out a new or empty directory, or one an earlier `tessera bundle` wrote (the default dist/apps/APP is always safe); nothing was written or deleted.',
  },
  TESSERA_BUNDLE_NOT_FOUND: {
    title: 'The directory to publish holds no bundle',
    solve: 'Run `tessera bundle --app APP` first (it writes dist/apps/APP with its manifest.json), or pass `--dir` pointing at that directory.',
  },
  TESSERA_BUILD_OUTPUT_NOT_FOUND: {
    title: 'An app\'s own build wrote nothing where its output was expected',
    solve: 'The message lists the folders looked in. Check the build\'s log; if it writes elsewhere, set `apps.APP.output` in tessera.config.json to that folder (workspace-relative). Nothing was published.',
  },
  TESSERA_APP_BUILD_UNKNOWN: {
    title: 'An app has no build Tessera can run',
    solve: 'Give it a `build` script in its package.json or an Nx `build` target, or set `apps.APP.build` in tessera.config.json to the command that builds it (or build with a buildspec: `build.buildspec`).',
  },
  TESSERA_VERSION_CONFLICT: {
    title: 'A different bundle is already published under this version',
    solve: 'Versions are immutable. The bundle is not reproducible, or the store holds files of another build: compare the manifests (`tessera versions APP --json`) and find what differs; nothing in the store was changed.',
  },
  TESSERA_STORE_UNREACHABLE: {
    title: 'The bundle store cannot be reached',
    solve: 'Check the endpoint named in the message (`store` in tessera.config.json, TESSERA_STORE, AWS_ENDPOINT_URL_S3), the network and the credentials, then run the command again.',
  },
  TESSERA_STORE_FAILED: {
    title: 'The bundle store refused a request or cannot be written',
    solve: 'Read the error quoted in the message: check the bucket exists and is writable (S3) or the directory is writable (file system).',
  },
  TESSERA_UNSAFE_NAME: {
    title: 'An app name or version is not safe as a path',
    solve: 'App names and versions may only hold letters, digits, `.`, `_` and `-` (no `/`, no `..`, at most 128 characters).',
  },
  TESSERA_RELEASE_INVALID: {
    title: 'The release action does not apply to the app\'s current release state',
    solve: 'Run `tessera release status APP` to see the live version, the candidate and the previews, then pick an action that fits (the message names the key).',
  },
  TESSERA_VERSION_NOT_PUBLISHED: {
    title: 'The version is not published in the store',
    solve: 'Publish it first (`tessera build` publishes what it builds), or pick one that `tessera versions APP` lists.',
  },
  TESSERA_RELEASE_CONFLICT: {
    title: 'Another release changed the app at the same time, and the action no longer applies',
    solve: 'Run `tessera release status APP` to see what the other change did, then repeat the action if it still makes sense.',
  },
  TESSERA_RELEASE_MANIFEST_CORRUPT: {
    title: 'A release manifest in the store is not valid',
    solve: 'Fix or restore `releases/<app>.json` in the store (every problem is listed with its key); the edge keeps serving the last good manifest meanwhile.',
  },
  TESSERA_EDGE_PORT_IN_USE: {
    title: 'The edge router cannot listen on the port',
    solve: 'Stop whatever listens there, or pass another `--port` (TESSERA_EDGE_PORT).',
  },
  TESSERA_WEBHOOK_SECRET_MISSING: {
    title: '`tessera serve` has no webhook secret',
    solve: 'Set TESSERA_WEBHOOK_SECRET to the secret of the GitHub webhook (repository Settings → Webhooks); the service refuses unsigned deliveries and will not start without one.',
  },
  TESSERA_WEBHOOK_DELIVERY_NOT_FOUND: {
    title: 'No webhook delivery with that id',
    solve: 'Run `tessera deliveries list` to see the stored deliveries and their ids.',
  },
  TESSERA_WEBHOOK_FETCH_FAILED: {
    title: 'The service could not fetch its clone of the repository',
    solve: 'Check `webhook.source` (URL or path) and the network or credentials it needs; the delivery stays visible with `tessera deliveries show ID` and can be run again with `tessera deliveries replay ID`.',
  },
  TESSERA_WEBHOOK_COMMIT_NOT_FOUND: {
    title: 'A commit named by a delivery is not in the fetched repository',
    solve: 'The commit was probably force-pushed away or the pull request\'s head is not published as refs/pull/N/head; replay the delivery once it is fetchable, or ignore it.',
  },
  TESSERA_WEBHOOK_LISTEN_FAILED: {
    title: '`tessera serve` cannot listen on its port',
    solve: 'Pick a free port with `--port` (TESSERA_WEBHOOK_PORT) or stop the process that holds it.',
  },
  TESSERA_REPORT_WRITE_FAILED: {
    title: 'A report file cannot be written',
    solve: 'Check that the directory named in the message exists and is writable, or pick another with `--out FILE`.',
  },
} as const satisfies Record<string, { title: string; solve: string; retired?: boolean }>;

/** A stable error code, e.g. `TESSERA_GIT_REF_NOT_FOUND`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Warning codes: conditions Tessera handles by being conservative (the app is affected,
 * with the reason), reported in `--json` under `warnings` and on stderr.
 */
export const WARNING_CODES = {
  TESSERA_WORKSPACE_PROJECT_SKIPPED: {
    title: 'A project Tessera cannot read is left out',
    solve: 'Fix the file named in the warning (its JSON, or a project name used twice); until then its files are listed as unowned and no app depends on it.',
  },
  TESSERA_WORKSPACE_PROJECT_INVALID: {
    title: 'A key of a project file is invalid and was ignored',
    solve: 'Fix the key named in the warning; Tessera used the default it names instead (an inferred project type, the framework entries, project level).',
  },
  TESSERA_CONFIG_UNKNOWN_PROJECT: {
    title: 'tessera.config.json `projects` names a project the workspace does not have',
    solve: 'Fix the name (see `tessera graph` for the projects), use a glob (`shop-*`) or a `tag:` pattern, or remove the entry.',
  },
  TESSERA_GRAPH_UNPARSEABLE_FILE: {
    title: 'A source file cannot be parsed',
    solve: 'Fix the syntax error; until then every app that reaches the file is affected by the files its import strings name.',
  },
  TESSERA_GRAPH_FILE_TOO_LARGE: {
    title: 'A source file is larger than `maxFileBytes` and was not parsed',
    solve: 'Exclude generated files from the apps, or raise `maxFileBytes` in tessera.config.json.',
  },
  TESSERA_GRAPH_COMPUTED_IMPORT: {
    title: 'An `import()` or `require()` with a computed path',
    solve: 'Use a literal path or a template with a static prefix (`import(`./pages/${name}.tsx`)`) so the bundler can see the files.',
  },
  TESSERA_GRAPH_UNRESOLVED_IMPORT: {
    title: 'An import that the bundler cannot resolve',
    solve: 'Fix the import path, the tsconfig path alias, or install the package.',
  },
  TESSERA_GRAPH_PACKAGES_NOT_INSTALLED: {
    title: 'Imported packages are not installed',
    solve: "Nothing is missed: a package's version comes from the lockfile either way. Install the workspace's packages (`npm ci`, `pnpm install`, ...) so that imports are also followed through the packages' own files.",
  },
  TESSERA_GRAPH_SYMLINK_LOOP: {
    title: 'A symbolic link points back into itself',
    solve: 'Remove or fix the link named in the warning.',
  },
  TESSERA_LOCKFILE_UNREADABLE: {
    title: 'A changed lockfile cannot be read',
    solve: 'Fix the lockfile (run your package manager\'s install) or, for bun.lockb, write the text lockfile with `bun install --save-text-lockfile`; until then every app whose inputs import packages is affected.',
  },
  TESSERA_BUILDSPEC_UNKNOWN_KEY: {
    title: 'buildspec.yml has a key Tessera does not run',
    solve: 'Remove the key, or check its spelling against docs/buildspec.md; it is ignored.',
  },
  TESSERA_CACHE_CORRUPT: {
    title: 'A cache file was unreadable or inconsistent and was rebuilt',
    solve: 'Nothing to do; if it happens every run, delete `.tessera/cache`.',
  },
  TESSERA_APP_NO_BUILD: {
    title: 'An app has no build of its own',
    solve: 'Give it a `build` script in its package.json or an Nx `build` target, or set `apps.APP.build` in tessera.config.json; until then `tessera build` without a buildspec fails that app (TESSERA_APP_BUILD_UNKNOWN).',
  },
  TESSERA_GRAPH_SNAPSHOT_MISMATCH: {
    title: 'A graph snapshot in the store was written by another analysis version and was skipped',
    solve: 'Nothing to do: the graph is updated from another snapshot or analysed here. It happens when the runners disagree on the Tessera or esbuild version (or `--project-source`): install the same versions on every runner (a lockfile) so that their snapshots are reused.',
  },
  TESSERA_GRAPH_SNAPSHOT_CORRUPT: {
    title: 'A graph snapshot in the store failed its checksum and was skipped',
    solve: 'The graph is updated from another snapshot or analysed here. Delete the object named in the warning from the store (`graphs/…`) so that the next analysis of that commit writes a good one.',
  },
  TESSERA_GRAPH_SHARE_FAILED: {
    title: 'The store could not be reached or refused a request for graph snapshots',
    solve: 'The answer is still exact: the graph was analysed here. Check the store named in the warning (`store` in tessera.config.json or TESSERA_STORE, AWS_ENDPOINT_URL_S3, the credentials: reads need s3:GetObject and s3:ListBucket (without it S3 answers a missing snapshot with 403), writes s3:PutObject on `graphs/*`), or turn sharing off with TESSERA_GRAPH_SHARE=0.',
  },
  TESSERA_REPORT_NOT_WRITTEN: {
    title: "The run's HTML report could not be written",
    solve: 'The build itself is unaffected. Make `.tessera/reports` writable, then write the report again with `tessera report RUN_ID`.',
  },
} as const satisfies Record<string, { title: string; solve: string }>;

/** A stable warning code. */
export type WarningCode = keyof typeof WARNING_CODES;
