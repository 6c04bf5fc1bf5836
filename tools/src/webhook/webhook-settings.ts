import type { ExecutorName } from '../records/run-record.js';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type BuildEnvironment, resolveBuildEnvironment } from '../executors/resolve-build-env.js';
import { parseDuration } from '../release/parse-duration.js';
import { FORK_POLICIES, type ForkPolicy } from './plan-delivery.js';
import { DEFAULT_LINK_TTL_MS, deriveReportKey } from './report-access.js';
import { resolveReportFile } from '../report/write-report.js';
import { TesseraError } from '../errors/tessera-error.js';
import { resolveStoreUrl } from '../store/open-store.js';
import type { ResolvedConfig, StoreSettings } from '../workspace/config.js';

/** GitHub caps webhook payloads at 25 MB. */
export const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

/** Everything `tessera serve` runs with, resolved from flags, TESSERA_* variables, config and defaults. */
export interface WebhookSettings {
  secret: string;
  /** `both` receives and works; `receive` only stores deliveries; `work` only processes them (no HTTP). */
  role: 'both' | 'receive' | 'work';
  port: number;
  host: string;
  /** The repository to clone: a URL or a path. */
  source: string;
  cloneDir: string;
  database: string;
  tags: boolean;
  maxBodyBytes: number;
  leaseMs: number;
  maxAttempts: number;
  executor: ExecutorName;
  concurrency: number | undefined;
  githubApiUrl: string;
  githubToken: string | undefined;
  publicUrl: string;
  fetchAttempts: number;
  fetchBackoffMs: number;
  busyTimeoutMs: number;
  pollMs: number;
  /** The service workspace's store: builds publish there, and releases and previews are set there. */
  store: StoreSettings;
  /** `store.url` made absolute (a directory) for the jobs, which run in the clone's worktrees. */
  storeUrl: string;
  /** `release` of tessera.config.json: canaries for the default branch, previews' lifetime. */
  release: ResolvedConfig['release'];
  /** The workspace the service started in (relative store paths resolve against it). */
  root: string;
  /** Where the clone's builds write their HTML reports (served at /runs/:id). */
  reportsDir: string;
  /** Pull requests from forks (`webhook.forks`, TESSERA_WEBHOOK_FORKS). */
  forks: ForkPolicy;
  /** `Authorization: Bearer <it>` reads every run on /runs (`webhook.readToken`, TESSERA_READ_TOKEN); unset, only signed links do. */
  readToken: string | undefined;
  /** The key report links are signed with (TESSERA_REPORT_KEY, `webhook.reportKey`), else one derived from the secret. */
  reportKey: string;
  /** How long a signed report link works (`webhook.reportLinkTtl`, TESSERA_REPORT_LINK_TTL). */
  reportLinkTtlMs: number;
  /**
   * What trusted builds get from this process (`build.env.pass` of the configuration the
   * service started with, never a pushed commit's) and the values masked in every build's
   * output: the service's own secrets first of all.
   */
  buildEnv: BuildEnvironment;
  /** The same for builds of untrusted code (pull requests from forks): nothing passed, the same values masked. */
  untrustedBuildEnv: BuildEnvironment;
}

/** What {@link resolveWebhookSettings} reads besides the config. */
export interface WebhookSettingsInput {
  config: ResolvedConfig;
  /** The workspace the service starts in. */
  root: string;
  /** The root of its git repository: the default source. */
  repoRoot: string;
  env: Record<string, string | undefined>;
  flags: { port?: string; host?: string; role?: string };
}

function readNumber(value: string | number | undefined, name: string, fallback: number, min: number, integer = true): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new TesseraError('TESSERA_USAGE', `${name} must be ${integer ? 'a whole number' : 'a number'} of at least ${min}; received "${value}"`);
  }
  return n;
}

const pick = (...values: (string | undefined)[]) => values.find((v) => v !== undefined && v !== '');
const within = (root: string, path: string) => (isAbsolute(path) ? path : resolve(root, path));

/**
 * Resolves the service's settings; pure (the environment comes in as data). Throws
 * TESSERA_WEBHOOK_SECRET_MISSING without a secret: an unsigned endpoint that starts builds
 * is a remote build trigger for anyone.
 */
export function resolveWebhookSettings(input: WebhookSettingsInput): WebhookSettings {
  const { config, root, env, flags } = input;
  const w = config.webhook;
  const secret = env.TESSERA_WEBHOOK_SECRET;
  if (!secret) {
    throw new TesseraError('TESSERA_WEBHOOK_SECRET_MISSING', 'tessera serve needs the webhook secret in TESSERA_WEBHOOK_SECRET; it is not set', {
      hint: 'Generate one (`openssl rand -hex 32`), set it as the secret of the GitHub webhook, and export TESSERA_WEBHOOK_SECRET=<it> before `tessera serve`.',
    });
  }
  const port = readNumber(pick(flags.port, env.TESSERA_WEBHOOK_PORT) ?? w.port, '--port (TESSERA_WEBHOOK_PORT)', 3000, 0);
  if (port > 65535) throw new TesseraError('TESSERA_USAGE', `--port must be at most 65535; received "${port}"`);
  const host = pick(flags.host, env.TESSERA_WEBHOOK_HOST, w.host) ?? '127.0.0.1';
  const executor = pick(env.TESSERA_EXECUTOR, w.executor) ?? 'local';
  if (executor !== 'local' && executor !== 'codebuild') throw new TesseraError('TESSERA_USAGE', `TESSERA_EXECUTOR must be one of local, codebuild; received "${executor}"`);
  const concurrency = pick(env.TESSERA_CONCURRENCY);
  const role = pick(flags.role, env.TESSERA_WEBHOOK_ROLE) ?? 'both';
  if (role !== 'both' && role !== 'receive' && role !== 'work') throw new TesseraError('TESSERA_USAGE', `--role must be one of both, receive, work; received "${role}"`);
  const forks = pick(env.TESSERA_WEBHOOK_FORKS, w.forks) ?? 'build';
  if (!(FORK_POLICIES as readonly string[]).includes(forks)) throw new TesseraError('TESSERA_USAGE', `TESSERA_WEBHOOK_FORKS must be one of ${FORK_POLICIES.join(', ')}; received "${forks}"`);
  const ttl = pick(env.TESSERA_REPORT_LINK_TTL, w.reportLinkTtl);
  const reportLinkTtlMs = ttl === undefined ? DEFAULT_LINK_TTL_MS : parseDuration(ttl);
  if (reportLinkTtlMs === null || reportLinkTtlMs <= 0) throw new TesseraError('TESSERA_USAGE', `TESSERA_REPORT_LINK_TTL must be a duration such as 12h or 7d; received "${ttl}"`);
  const readToken = pick(env.TESSERA_READ_TOKEN, w.readToken);
  const configuredKey = pick(env.TESSERA_REPORT_KEY, w.reportKey);
  // Guessable tokens would undo the point of having them (the config schema says the same of its keys).
  for (const [name, value] of [['TESSERA_READ_TOKEN (webhook.readToken)', readToken], ['TESSERA_REPORT_KEY (webhook.reportKey)', configuredKey]] as const) {
    if (value !== undefined && value.length < 16) throw new TesseraError('TESSERA_USAGE', `${name} must be at least 16 characters long; received ${value.length}`, { hint: 'Generate one with `openssl rand -hex 32`.' });
  }
  const reportKey = configuredKey ?? deriveReportKey(secret);
  const githubToken = pick(env.TESSERA_GITHUB_TOKEN, env.GITHUB_TOKEN);
  // Every value of the service's own: never passed to a build under any name, masked in all output.
  const own = [secret, githubToken, readToken, configuredKey, reportKey].filter((v): v is string => Boolean(v));
  const cacheDir = within(root, config.cacheDir);
  const cloneDir = within(root, pick(env.TESSERA_WEBHOOK_CLONE_DIR, w.cloneDir) ?? join(cacheDir, 'webhook', 'clone'));
  return {
    secret,
    role,
    port,
    host,
    source: pick(env.TESSERA_WEBHOOK_SOURCE, w.source) ?? input.repoRoot,
    cloneDir,
    database: within(root, pick(env.TESSERA_WEBHOOK_DB, w.database) ?? join(cacheDir, 'tessera.db')),
    tags: /^(1|true|yes)$/i.test(env.TESSERA_WEBHOOK_TAGS ?? '') || w.tags === true,
    maxBodyBytes: readNumber(pick(env.TESSERA_WEBHOOK_MAX_BODY_BYTES) ?? w.maxBodyBytes, 'TESSERA_WEBHOOK_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1024),
    leaseMs: readNumber(pick(env.TESSERA_WEBHOOK_LEASE_MS) ?? (w.leaseSeconds === undefined ? undefined : Math.round(w.leaseSeconds * 1000)), 'TESSERA_WEBHOOK_LEASE_MS', 60_000, 100),
    maxAttempts: readNumber(pick(env.TESSERA_WEBHOOK_MAX_ATTEMPTS) ?? w.maxAttempts, 'TESSERA_WEBHOOK_MAX_ATTEMPTS', 5, 1),
    executor,
    concurrency: concurrency === undefined ? undefined : readNumber(concurrency, 'TESSERA_CONCURRENCY', 1, 1),
    githubApiUrl: pick(env.TESSERA_GITHUB_API_URL, w.githubApiUrl) ?? 'https://api.github.com',
    githubToken,
    publicUrl: pick(env.TESSERA_PUBLIC_URL, w.publicUrl) ?? `http://${host}:${port}`,
    fetchAttempts: readNumber(pick(env.TESSERA_WEBHOOK_FETCH_ATTEMPTS), 'TESSERA_WEBHOOK_FETCH_ATTEMPTS', 5, 1),
    fetchBackoffMs: readNumber(pick(env.TESSERA_WEBHOOK_FETCH_BACKOFF_MS), 'TESSERA_WEBHOOK_FETCH_BACKOFF_MS', 500, 0),
    busyTimeoutMs: readNumber(pick(env.TESSERA_WEBHOOK_BUSY_TIMEOUT_MS), 'TESSERA_WEBHOOK_BUSY_TIMEOUT_MS', 5000, 0),
    pollMs: readNumber(pick(env.TESSERA_WEBHOOK_POLL_MS), 'TESSERA_WEBHOOK_POLL_MS', 1000, 10),
    store: config.store,
    storeUrl: resolveStoreUrl(root, pick(env.TESSERA_STORE) ?? config.store.url),
    release: config.release,
    root,
    reportsDir: dirname(resolveReportFile(cloneDir, config.cacheDir, 'run')),
    forks: forks as ForkPolicy,
    readToken,
    reportKey,
    reportLinkTtlMs,
    buildEnv: resolveBuildEnvironment(config.build.env, env, { extraSecrets: own }),
    untrustedBuildEnv: resolveBuildEnvironment(config.build.env, env, { extraSecrets: own, untrusted: true }),
  };
}
