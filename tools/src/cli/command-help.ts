import pc from 'picocolors';
import type { Command } from './command.js';

/** One flag's help: its argument, what it does, its default and its environment variable. */
export interface FlagHelp {
  arg?: string;
  text: string;
  default?: string;
  env?: string;
}

/** A command's help beyond its usage line: every flag (a test holds this to the command's options) and examples. */
export interface CommandHelp {
  flags: Record<string, FlagHelp>;
  examples: string[];
}

const cwd: FlagHelp = { arg: 'DIR', text: 'run against the workspace in DIR', default: 'the current directory', env: 'TESSERA_CWD' };
const store: FlagHelp = { arg: 'URL', text: 'the bundle store: a directory or s3://bucket/prefix', default: 'tessera.config.json `store`, else .tessera/store', env: 'TESSERA_STORE' };
const json: FlagHelp = { text: 'print one JSON document on stdout' };
const range = {
  base: { arg: 'REF', text: 'base revision; changes count from the merge-base of base and head', default: 'nx.json defaultBase, else main', env: 'TESSERA_BASE, then NX_BASE, TURBO_SCM_BASE' },
  head: { arg: 'REF', text: 'head revision', default: 'the working tree (committed, uncommitted and untracked changes)', env: 'TESSERA_HEAD, then NX_HEAD, TURBO_SCM_HEAD' },
  files: { arg: 'F,...', text: 'exactly these files, as if modified in the working tree' },
  deepen: { text: 'on a shallow clone, fetch more history until the merge-base appears', env: 'TESSERA_DEEPEN' },
  projects: { arg: 'P,...', text: 'only these apps: names, globs (shop-*), tags (tag:scope:web), !P to leave one out' },
  exclude: { arg: 'P,...', text: 'leave these apps out (same patterns)' },
} satisfies Record<string, FlagHelp>;
const projectSource: FlagHelp = { arg: 'tessera|nx', text: "where the project list comes from: Tessera's own discovery, or the workspace's Nx (for projects only Nx plugins infer)", default: 'tessera', env: 'TESSERA_PROJECT_SOURCE' };

/** Every command's flags and examples, shown by `tessera <command> --help` and `tessera help <command>`. */
export const COMMAND_HELP: Record<string, CommandHelp> = {
  affected: {
    flags: {
      ...range,
      uncommitted: { text: 'only uncommitted changes to tracked files, against HEAD' },
      untracked: { text: 'only untracked (not ignored) files' },
      why: { arg: 'APP', text: 'every reason for APP, with every import chain from its entries' },
      json: { text: 'the report as one JSON document (with --why: that app\'s reasons and chains)' },
      format: { arg: 'F', text: 'text, json, matrix (a GitHub Actions matrix) or md (a Markdown table)', default: 'text', env: 'TESSERA_FORMAT' },
      'project-source': projectSource,
      verbose: { text: 'every warning; without it, warnings are grouped by code' },
    },
    examples: ['tessera affected --base origin/main', 'tessera affected --base HEAD~1 --head HEAD --why checkout', 'tessera affected --base origin/main --format matrix --exclude tag:legacy'],
  },
  graph: {
    flags: {
      app: { arg: 'NAME', text: 'only this app' },
      format: { arg: 'json|dot|html', text: 'the graph as JSON, Graphviz dot, or a self-contained interactive HTML page', default: 'json', env: 'TESSERA_FORMAT' },
      json: { text: 'the graph (or with --cycles, the cycles) as one JSON document: --format json' },
      cycles: { text: 'list import cycles instead' },
      'project-source': projectSource,
      why: { arg: 'APP', text: 'with --format html and --file: highlight the import chain from APP\'s entry to the file' },
      file: { arg: 'PATH', text: 'the file --why APP leads to (workspace-relative, or relative to the current directory)' },
      push: { text: "write HEAD's graph snapshot to the store (for a main-branch CI job; docs/affected.md) instead of printing the graph" },
    },
    examples: ['tessera graph --format html > graph.html', 'tessera graph --format html --why checkout --file libs/i18n/src/messages/en.json > why.html', 'tessera graph --app profile --format dot | dot -Tsvg > profile.svg', 'tessera graph --cycles', 'tessera graph --push'],
  },
  init: {
    flags: {
      'dry-run': { text: 'print the table and the files it would write (on stdout), write nothing' },
      force: { text: 'replace an existing buildspec.yml and workflow (keeping each as <file>.bak), and add $schema to an existing tessera.config.json' },
      json,
    },
    examples: ['npx tessera init --dry-run', 'npx tessera init'],
  },
  build: {
    flags: {
      affected: { text: 'build the apps `tessera affected` reports for the range' },
      ...range,
      // Builds run at a commit: the range ends at HEAD unless --uncommitted builds the working tree.
      head: { ...range.head, default: 'HEAD (with --uncommitted: the working tree)' },
      executor: { arg: 'local|codebuild', text: 'where builds run', default: 'local', env: 'TESSERA_EXECUTOR' },
      buildspec: { arg: 'FILE|none', text: 'the buildspec every app builds with; `none`: each app\'s own build (its Nx build target, else its package\'s build script)', default: 'build.buildspec, else buildspec.yml when there is one, else none', env: 'TESSERA_BUILDSPEC' },
      concurrency: { arg: 'N', text: 'builds in flight at once', default: 'nx.json parallel, else the cores (local); 20 (codebuild)', env: 'TESSERA_CONCURRENCY' },
      'fail-fast': { text: 'stop the other builds when one fails', env: 'TESSERA_FAIL_FAST' },
      'dry-run': { text: 'print the plan (versions, expected durations) and build nothing' },
      uncommitted: { text: 'build the working tree as it is, uncommitted changes included' },
      logs: { arg: 'stream|grouped|failed', text: 'build logs: as they come, per app at the end, or only of failed builds', default: 'failed', env: 'TESSERA_LOGS' },
      json,
      store,
      verbose: { text: 'every warning' },
    },
    examples: ['tessera build --affected --base origin/main', 'tessera build profile search --concurrency 2', 'tessera build catalog --buildspec none', 'tessera build --affected --dry-run --json'],
  },
  runs: {
    flags: { json: { text: 'one JSON document: the list, the run, or the link with its expiry' }, limit: { arg: 'N', text: 'how many runs `runs list` shows', default: '20' }, expires: { arg: 'DURATION', text: 'how long the signed report link of `runs link ID` is valid', default: 'webhook.reportLinkTtl, else 7d' } },
    examples: ['tessera runs list', 'tessera runs show latest', 'tessera runs link latest --expires 1d'],
  },
  bundle: {
    flags: {
      app: { arg: 'APP', text: 'the app to bundle', env: 'TESSERA_APP' },
      out: { arg: 'DIR', text: 'where the bundle is written', default: 'dist/<app>', env: 'TESSERA_OUT' },
      json,
    },
    examples: ['tessera bundle --app checkout'],
  },
  publish: {
    flags: {
      app: { arg: 'APP', text: 'the app the bundle belongs to', env: 'TESSERA_APP' },
      dir: { arg: 'DIR', text: 'what to upload: a bundle `tessera bundle` wrote, or any folder an app\'s own build wrote (its files as they are)', default: 'the first of TESSERA_OUTPUT_DIRS (:-separated, set by `tessera build` for own builds) that exists, else dist/apps/<app>', env: 'TESSERA_BUNDLE_DIR' },
      store,
      json,
    },
    examples: ['tessera publish --app checkout --store s3://bundles/web', 'tessera publish --app web --dir apps/web/dist'],
  },
  versions: {
    flags: { store, json },
    examples: ['tessera versions checkout'],
  },
  release: {
    flags: {
      json,
      all: { text: 'every history entry (status); without it, the newest three' },
      weight: { arg: 'N', text: 'canary weight in percent (start, shift)', default: 'release.canary.weight, else 10' },
      steps: { arg: '10,50,100', text: 'weights `release advance` moves the canary through (start)' },
      interval: { arg: 'DURATION', text: 'time between steps (start), e.g. 15m' },
      replace: { text: 'replace a canary in progress (start)' },
      to: { arg: 'VERSION', text: 'the version to roll back to (rollback)', default: 'the previous live version' },
      key: { arg: 'KEY', text: 'the preview key, e.g. pr-12 (preview, unpreview)' },
      ttl: { arg: 'DURATION', text: 'how long a preview lasts (preview)', default: 'release.previewTtl, else 7d' },
      'health-command': { arg: 'CMD', text: 'a command that judges each canary (advance); non-zero exit aborts it', env: 'TESSERA_HEALTH_COMMAND' },
      'dry-run': { text: 'say what would be deleted (prune)' },
      retention: { arg: 'DURATION', text: 'how long a version stays safe after it stops being live (prune)', default: 'release.retention, else 24h', env: 'TESSERA_RETENTION' },
      store,
    },
    examples: ['tessera release start checkout 3f2a9c1 --weight 10', 'tessera release promote checkout', 'tessera release rollback checkout', 'tessera release prune --dry-run'],
  },
  edge: {
    flags: {
      port: { arg: 'N', text: 'port to listen on', default: '8080', env: 'TESSERA_EDGE_PORT' },
      host: { arg: 'HOST', text: 'address to listen on', default: '127.0.0.1', env: 'TESSERA_EDGE_HOST' },
      store,
      upstream: { arg: 'URL', text: 'where requests for no released app go' },
      domain: { arg: 'DOMAIN', text: 'the domain previews are served under (<key>.<app>.<domain>)', env: 'TESSERA_EDGE_DOMAIN' },
      poll: { arg: 'DURATION', text: 'how often release manifests are re-read', default: '2s', env: 'TESSERA_EDGE_POLL' },
      json: { text: 'once listening, one JSON document on stdout ({ listening, store, routes, … }); no events follow, the log stays on stderr' },
    },
    examples: ['tessera edge --port 8080 --store s3://bundles/web'],
  },
  serve: {
    flags: {
      port: { arg: 'N', text: 'port to listen on', default: 'webhook.port, else 3000', env: 'TESSERA_WEBHOOK_PORT' },
      host: { arg: 'HOST', text: 'address to listen on', default: 'webhook.host, else 127.0.0.1', env: 'TESSERA_WEBHOOK_HOST' },
      role: { arg: 'both|receive|work', text: 'receive deliveries, work them, or both', default: 'both', env: 'TESSERA_WEBHOOK_ROLE' },
      json: { text: 'once listening, one JSON document on stdout ({ listening, role, database, … }); no events follow, the log stays on stderr' },
    },
    examples: ['TESSERA_WEBHOOK_SECRET=… tessera serve --port 3000'],
  },
  deliveries: {
    flags: { json, limit: { arg: 'N', text: 'how many deliveries `list` shows', default: '20' }, state: { arg: 'STATE', text: 'only deliveries in this state (queued, running, done, failed, ignored)' } },
    examples: ['tessera deliveries list --state failed', 'tessera deliveries replay 12'],
  },
  report: {
    flags: {
      format: { arg: 'html|trace|md|json', text: 'an HTML timeline, a Chrome trace, Markdown or JSON', default: 'html', env: 'TESSERA_REPORT_FORMAT' },
      out: { arg: 'FILE', text: 'where to write it', default: '.tessera/reports/<run>.html (html), else stdout', env: 'TESSERA_OUT' },
      open: { text: 'open the HTML report in a browser' },
      'report-url': { arg: 'URL', text: 'the URL the report is served at, for its links', env: 'TESSERA_REPORT_URL' },
      json: { text: 'one JSON document: the run (alone), or what was written (with --format html, or --out)' },
    },
    examples: ['tessera report latest --open', 'tessera report latest --format md >> "$GITHUB_STEP_SUMMARY"'],
  },
};

/** `tessera <command> --help`: summary, usage, every flag with its default and variable, and examples. */
export function renderCommandHelp(name: string, command: Command, color: boolean): string {
  const c = pc.createColors(color);
  const help = COMMAND_HELP[name];
  const flags = Object.entries({ ...(help?.flags ?? {}), cwd });
  const labels = flags.map(([flag, h]) => `--${flag}${h.arg ? ` ${h.arg}` : ''}`);
  const width = Math.min(28, Math.max(...labels.map((l) => l.length)));
  const lines = [command.summary, '', `${c.bold('Usage:')} ${command.usage}`, '', c.bold('Options:')];
  flags.forEach(([, h], i) => {
    const extra = [h.default ? `default: ${h.default}` : '', h.env ? `env: ${h.env}` : ''].filter(Boolean).join('; ');
    const label = labels[i]!;
    const text = `${h.text}${extra ? c.dim(` (${extra})`) : ''}`;
    // A long flag gets its own line, its text below it, so the column stays readable.
    lines.push(label.length > width ? `  ${label}\n  ${''.padEnd(width)}  ${text}` : `  ${label.padEnd(width)}  ${text}`);
  });
  lines.push('  --help, -h'.padEnd(width + 4) + 'this help');
  if (help?.examples.length) lines.push('', c.bold('Examples:'), ...help.examples.map((e) => `  ${e}`));
  lines.push('', c.dim('More: docs/cli.md'));
  return lines.join('\n') + '\n';
}
