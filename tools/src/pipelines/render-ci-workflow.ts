import type { PackageManager } from '../workspace/project.js';

/** How a GitHub Actions job sets up and installs each package manager, and runs an installed binary. */
const SETUP: Readonly<Record<PackageManager, { steps: string; install: string; exec: string; cache: string | null }>> = {
  npm: { steps: '', install: 'npm ci --no-audit --no-fund', exec: 'npx', cache: 'npm' },
  // pnpm/action-setup reads the version from package.json `packageManager`.
  pnpm: { steps: '      - uses: pnpm/action-setup@v4\n', install: 'pnpm install --frozen-lockfile', exec: 'pnpm exec', cache: 'pnpm' },
  yarn: { steps: '      - run: corepack enable\n', install: 'yarn install --frozen-lockfile', exec: 'yarn', cache: 'yarn' },
  bun: { steps: '      - uses: oven-sh/setup-bun@v2\n', install: 'bun install --frozen-lockfile', exec: 'bunx', cache: null },
};

export interface RenderCiWorkflowOptions {
  packageManager: PackageManager;
  /** The branch pushes to which are built and published. @default "main" */
  defaultBranch?: string;
  /** `node-version-file` when the workspace pins Node (`.nvmrc`, `.node-version`); else Node 20. */
  nodeVersionFile?: string | null;
}

/**
 * The GitHub Actions workflow `tessera init` writes: one job works out the affected apps
 * (`tessera affected --format matrix`), one job per app builds it with its own build and
 * publishes it to the S3 store the repository variable TESSERA_STORE names, with AWS
 * credentials from the OIDC role in TESSERA_AWS_ROLE. Without TESSERA_STORE the builds still
 * run, and the job says the versions are not kept. Pure.
 */
export function renderCiWorkflow(options: RenderCiWorkflowOptions): string {
  const pm = SETUP[options.packageManager];
  const branch = options.defaultBranch ?? 'main';
  const node = options.nodeVersionFile ? `node-version-file: ${options.nodeVersionFile}` : 'node-version: 20';
  const setup = (checkout: string) => `${checkout}${pm.steps}      - uses: actions/setup-node@v4
        with:
          ${node}${pm.cache ? `\n          cache: ${pm.cache}` : ''}
      - run: ${pm.install}
`;
  const credentials = (extra: string) => `      - if: vars.TESSERA_STORE != ''
${extra}        uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: \${{ vars.TESSERA_AWS_ROLE }}
          aws-region: \${{ vars.AWS_REGION }}
`;
  return `# Written by \`tessera init\`. Builds only the apps a push or pull request touches: one job
# works out the affected apps (a matrix), then one job per app runs the app's own build and
# publishes what it wrote to the store.
#
# Repository variables (Settings → Secrets and variables → Actions → Variables):
#   TESSERA_STORE      s3://bucket/prefix the versions are published to (unset: built, not kept)
#   TESSERA_AWS_ROLE   ARN of an IAM role this repository may assume through GitHub's OIDC
#                      provider, allowed s3:GetObject, s3:PutObject and s3:ListBucket there
#   AWS_REGION         the bucket's region
# With a store, graph snapshots are shared through it too (docs/affected.md, "Graph snapshots in
# the store"): pushes write HEAD's, and pull requests start from their merge-base's.
name: tessera

on:
  push:
    branches: [${branch}]
  pull_request:

concurrency:
  # A newer push to the same branch or pull request cancels the older run.
  group: tessera-\${{ github.event.pull_request.number || github.ref }}
  cancel-in-progress: true

permissions:
  contents: read

jobs:
  affected:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write # to assume TESSERA_AWS_ROLE, for the graph snapshots in the store
    env:
      TESSERA_STORE: \${{ vars.TESSERA_STORE }}
      TESSERA_GRAPH_SHARE: \${{ vars.TESSERA_STORE != '' && '1' || '0' }}
    outputs:
      matrix: \${{ steps.affected.outputs.matrix }}
      any: \${{ steps.affected.outputs.any }}
    steps:
${setup(`      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # merge-bases need the history
`)}${credentials('        # Pull requests from forks get no OIDC token: they analyse on their own (a warning, not a failure).\n        continue-on-error: true\n')}      - id: affected
        env:
          EVENT: \${{ github.event_name }}
          PR_BASE: \${{ github.base_ref }}
          BEFORE: \${{ github.event.before }}
        run: |
          if [ "$EVENT" = pull_request ]; then
            base="origin/$PR_BASE"
          elif [ -n "$BEFORE" ] && [ "$BEFORE" != 0000000000000000000000000000000000000000 ] && git cat-file -e "$BEFORE^{commit}" 2>/dev/null; then
            base="$BEFORE"
          else
            base="HEAD~1" # a new or force-pushed branch: compare with the parent
          fi
          matrix=$(${pm.exec} tessera affected --base "$base" --head HEAD --format matrix)
          echo "matrix=$matrix" >> "$GITHUB_OUTPUT"
          if [ "$matrix" = '{"include":[]}' ]; then echo "any=false" >> "$GITHUB_OUTPUT"; else echo "any=true" >> "$GITHUB_OUTPUT"; fi
          ${pm.exec} tessera affected --base "$base" --head HEAD --format md >> "$GITHUB_STEP_SUMMARY"
      # The snapshot fresh runners start from (the analysis above wrote it already; here a failed
      # write is an error on ${branch}, not a warning).
      - if: github.event_name == 'push' && vars.TESSERA_STORE != ''
        run: ${pm.exec} tessera graph --push

  build:
    needs: affected
    if: needs.affected.outputs.any == 'true'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write # to assume TESSERA_AWS_ROLE
    strategy:
      fail-fast: false # one app's failure never stops another's
      matrix: \${{ fromJSON(needs.affected.outputs.matrix) }}
    name: build \${{ matrix.app }}
    env:
      TESSERA_STORE: \${{ vars.TESSERA_STORE }}
    steps:
${setup('      - uses: actions/checkout@v4\n')}${credentials('')}      - if: vars.TESSERA_STORE == ''
        run: echo "::warning::The repository variable TESSERA_STORE is not set; \${{ matrix.app }} is built into this runner's .tessera/store and not kept."
      - run: ${pm.exec} tessera build "\${{ matrix.app }}" --logs stream
`;
}
