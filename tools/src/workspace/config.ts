import type { ExecutorName } from '../records/run-record.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import type { Problem } from '../errors/tessera-error.js';
import { precompiledValidator } from './config-validator.js';

/**
 * CodeBuild on-demand prices, USD per build minute, Linux general1 in us-east-1. Billed per
 * started minute from the start of PROVISIONING to the end of the build. Overridden per
 * compute type by `codebuild.pricePerMinute` in tessera.config.json.
 */
export const CODEBUILD_PRICE_PER_MINUTE: Readonly<Record<string, number>> = { small: 0.005, medium: 0.01, large: 0.02, xlarge: 0.04, '2xlarge': 0.08 };

/** Per-app settings in tessera.config.json. */
export interface AppConfig {
  /** Entry file(s), relative to the workspace root. @default the build options, else the framework's entries, else `<sourceRoot>/main.tsx` (docs/affected.md, "Entries, and project level") */
  entry?: string | string[];
  /** CodeBuild compute type for this app's build. @default "small" */
  computeType?: 'small' | 'medium' | 'large' | 'xlarge' | '2xlarge';
  /**
   * The command that builds the app when there is no buildspec (run with bash at the workspace
   * root). @default its Nx `build` target through `nx run`, else its package.json `build` script
   * through the workspace's package manager @example "pnpm --filter web build"
   */
  build?: string;
  /** The folder its build writes, workspace-relative, published as the version. @default Nx `outputs`, the framework's, else the first of dist, build, out, .next under the app @example "apps/web/dist/client" */
  output?: string;
  /** URL path prefix the edge router serves the app under, optionally behind a host. @default "/<app>/" @example "/learn/catalog" or "shop.example.com/" */
  route?: string;
}

/** What people write in tessera.config.json (every key optional). See docs/configuration.md. */
export interface UserConfig {
  $schema?: string;
  /** Where caches, runs and the local store live. @default ".tessera" */
  cacheDir?: string;
  /** Globs of extra files whose change affects every app. @default [] */
  globalInputs?: string[];
  /** npm packages that are part of the build tool chain: a change to them affects every app. @default ["esbuild", "typescript", "tessera-build"] */
  buildToolPackages?: string[];
  /** Source files larger than this are not parsed (their apps are treated conservatively). @default 5000000 */
  maxFileBytes?: number;
  /** Per-app settings, keyed by app name. */
  apps?: Record<string, AppConfig>;
  /**
   * Which applications Tessera analyses, reports and builds, by name glob or `tag:` pattern
   * (as Nx's `--projects` / `--exclude`). Libraries are always read: apps import them.
   * @example { "exclude": ["legacy-*", "tag:deprecated"] }
   */
  projects?: { include?: string[]; exclude?: string[] };
  /** Where `--executor codebuild` builds, and what its minutes cost. */
  codebuild?: {
    /** The CodeBuild project builds start in. @default "tessera" */
    project?: string;
    /** Its region. @default the AWS SDK's own resolution (AWS_REGION, else the `region` of the profile in the shared config file) */
    region?: string;
    /**
     * How long a build may wait in CodeBuild's queue (the account's concurrent builds are at
     * their limit) before it ends TIMED_OUT: StartBuild's `queuedTimeoutInMinutesOverride`,
     * 5 to 480. @default the project's queued timeout (CodeBuild's default: 480)
     */
    queuedTimeoutMinutes?: number;
    /**
     * USD per build minute by compute type, merged over the defaults (Linux general1 on-demand,
     * us-east-1); the report's cost uses it. @example { "medium": 0.0125 }
     */
    pricePerMinute?: Record<string, number>;
  };
  /** A build that runs longer is stopped and recorded TIMED_OUT. @default 60 */
  timeoutMinutes?: number;
  /**
   * Where bundles are published: a directory (relative to the workspace) or `s3://bucket/prefix`;
   * or an object with the URL and S3 settings. @default "<cacheDir>/store"
   * @example "s3://my-bundles/web" or { "url": "s3://bundles", "endpoint": "http://127.0.0.1:7480", "forcePathStyle": true }
   */
  store?: string | { url: string; endpoint?: string; region?: string; forcePathStyle?: boolean };
  /** Graph snapshots shared through the store (docs/affected.md, "Graph snapshots in the store"). */
  graph?: {
    /**
     * Every analysis writes its graph snapshot to `store`, and one with no local snapshot starts
     * from the merge-base's or a recent ancestor's found there. TESSERA_GRAPH_SHARE overrides it. @default false
     */
    share?: boolean;
  };
  /** Releases (docs/release.md). */
  release?: {
    /** How long a version stays servable, and safe from `release prune`, after it stops being live. @default "24h" @example "7d" */
    retention?: string;
    /**
     * What `tessera serve` does with each new version a push to the default branch builds: start
     * it as a canary. Unset: versions are published and nothing else. @example { "weight": 10, "steps": [10, 50, 100], "interval": "15m" }
     */
    canary?: { weight?: number; steps?: number[]; interval?: string };
    /** How long the previews `tessera serve` sets for pull requests last. @default "7d" */
    previewTtl?: string;
  };
  /** `tessera serve`: the webhook service. See docs/webhook.md. */
  webhook?: WebhookConfig;
  /** What builds see. See docs/configuration.md, "What a build sees". */
  build?: {
    /**
     * The buildspec (CodeBuild's v0.2 grammar) every app builds with, or `false` for each app's
     * own build (its Nx `build` target, else its package's `build` script; `apps.<name>.build`
     * overrides). @default "buildspec.yml" when the workspace has one, else each app's own build
     */
    buildspec?: string | false;
    env?: {
      /**
       * Variables of the environment Tessera runs in that local builds get, by name (a build
       * starts from PATH, HOME, the locale, TMPDIR and CI only). Their values are masked in
       * stored logs. `tessera serve` reads this from its own configuration, never from a pushed
       * commit, and passes nothing to pull requests from forks. @default [] @example ["NPM_TOKEN"]
       */
      pass?: string[];
      /** More variables whose values are secrets: never given to a build, masked in stored logs. @default [] @example ["SENTRY_AUTH_TOKEN"] */
      secret?: string[];
    };
  };
}

/**
 * The service's own secrets: masked in logs, and never passed to a build, not even by name
 * (validateConfig refuses them in `build.env.pass`).
 */
export const SERVICE_SECRET_NAMES: readonly string[] = ['TESSERA_WEBHOOK_SECRET', 'TESSERA_GITHUB_TOKEN', 'TESSERA_READ_TOKEN', 'TESSERA_REPORT_KEY'];

/** The bundle store's settings, complete. */
export interface StoreSettings {
  readonly url: string;
  /** S3 endpoint, overriding the AWS SDK's (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, `endpoint_url` in the shared config file, else AWS's). */
  readonly endpoint?: string;
  /** Region to sign for, overriding the AWS SDK's (AWS_REGION, else the profile's `region`). */
  readonly region?: string;
  readonly forcePathStyle: boolean;
}

/** `webhook` in tessera.config.json: settings of `tessera serve` (each also has a TESSERA_* variable, docs/webhook.md). */
export interface WebhookConfig {
  /** Port to listen on. @default 3000 */
  port?: number;
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /** The repository the service clones and fetches (URL or path). @default the repository of the workspace it starts in */
  source?: string;
  /** Where the service keeps its clone. @default "<cacheDir>/webhook/clone" */
  cloneDir?: string;
  /** The SQLite database of deliveries and runs (share it to run several services). @default "<cacheDir>/tessera.db" */
  database?: string;
  /** Build pushed tags too. @default false */
  tags?: boolean;
  /** Larger request bodies are refused with 413. @default 26214400 (GitHub caps payloads at 25 MB) */
  maxBodyBytes?: number;
  /** A worker's claim on a delivery lasts this long without a heartbeat. @default 60 */
  leaseSeconds?: number;
  /** A delivery whose pipeline was interrupted this many times is marked failed. @default 5 */
  maxAttempts?: number;
  /** Executor of the service's builds. @default "local" */
  executor?: ExecutorName;
  /** GitHub REST API base URL for commit statuses. @default "https://api.github.com" */
  githubApiUrl?: string;
  /** The service's public URL: commit statuses link to `<publicUrl>/runs/<id>?token=…`. */
  publicUrl?: string;
  /** Pull requests from forks: built without secrets and not published (`build`), also previewed (`build-and-preview`), or not built (`skip`). @default "build" */
  forks?: 'build' | 'build-and-preview' | 'skip';
  /**
   * A token that reads every run (`Authorization: Bearer <it>` on /runs). Prefer
   * TESSERA_READ_TOKEN: this file is committed, and builds can read it.
   */
  readToken?: string;
  /** The key that signs report links. Prefer TESSERA_REPORT_KEY. @default derived from TESSERA_WEBHOOK_SECRET */
  reportKey?: string;
  /** How long a signed report link works. @default "7d" */
  reportLinkTtl?: string;
}

/** The complete, read-only configuration the code sees. */
export interface ResolvedConfig {
  readonly cacheDir: string;
  readonly globalInputs: readonly string[];
  readonly buildToolPackages: readonly string[];
  readonly maxFileBytes: number;
  readonly apps: Readonly<Record<string, AppConfig>>;
  readonly projects: { readonly include: readonly string[]; readonly exclude: readonly string[] };
  readonly codebuild: { readonly project: string; readonly region?: string; readonly queuedTimeoutMinutes?: number; readonly pricePerMinute: Readonly<Record<string, number>> };
  readonly timeoutMinutes: number;
  readonly store: StoreSettings;
  readonly graph: { readonly share: boolean };
  readonly release: {
    readonly retention: string;
    readonly canary: { readonly weight?: number; readonly steps?: readonly number[]; readonly interval?: string } | null;
    readonly previewTtl: string;
  };
  readonly webhook: Readonly<WebhookConfig>;
  /** `buildspec`: the file, false for each app's own build, null for "buildspec.yml when there is one". */
  readonly build: { readonly buildspec: string | false | null; readonly env: { readonly pass: readonly string[]; readonly secret: readonly string[] } };
  /** The file the config came from, or null when defaults apply. */
  readonly file: string | null;
}

/** The config file's name at the workspace root. */
export const CONFIG_FILE = 'tessera.config.json';

/** A duration such as `15m`, `24h` or `7d` (see parseDuration). */
const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$';

/** An environment variable's name. */
const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

/** The JSON Schema of tessera.config.json, which validateConfig checks a parsed config against. */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    cacheDir: { type: 'string', minLength: 1 },
    globalInputs: { type: 'array', items: { type: 'string', minLength: 1 } },
    buildToolPackages: { type: 'array', items: { type: 'string', minLength: 1 } },
    maxFileBytes: { type: 'integer', minimum: 1024 },
    apps: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          entry: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }] },
          computeType: { enum: ['small', 'medium', 'large', 'xlarge', '2xlarge'] },
          build: { type: 'string', minLength: 1 },
          output: { type: 'string', minLength: 1, not: { pattern: '(^/|^\\.\\.(/|$)|/\\.\\.(/|$))' } },
          route: { type: 'string', pattern: '^([A-Za-z0-9.-]+)?/' },
        },
      },
    },
    projects: {
      type: 'object',
      additionalProperties: false,
      properties: {
        include: { type: 'array', items: { type: 'string', minLength: 1 } },
        exclude: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
    codebuild: {
      type: 'object',
      additionalProperties: false,
      properties: {
        project: { type: 'string', minLength: 1 },
        region: { type: 'string', minLength: 1 },
        queuedTimeoutMinutes: { type: 'integer', minimum: 5, maximum: 480 },
        pricePerMinute: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
      },
    },
    timeoutMinutes: { type: 'number', exclusiveMinimum: 0 },
    store: {
      anyOf: [
        { type: 'string', minLength: 1 },
        {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: { url: { type: 'string', minLength: 1 }, endpoint: { type: 'string', pattern: '^https?://' }, region: { type: 'string', minLength: 1 }, forcePathStyle: { type: 'boolean' } },
        },
      ],
    },
    graph: { type: 'object', additionalProperties: false, properties: { share: { type: 'boolean' } } },
    release: {
      type: 'object',
      additionalProperties: false,
      properties: {
        retention: { type: 'string', pattern: DURATION_PATTERN },
        previewTtl: { type: 'string', pattern: DURATION_PATTERN },
        canary: {
          type: 'object',
          additionalProperties: false,
          properties: {
            weight: { type: 'integer', minimum: 0, maximum: 100 },
            steps: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 100 }, minItems: 1 },
            interval: { type: 'string', pattern: DURATION_PATTERN },
          },
        },
      },
    },
    webhook: {
      type: 'object',
      additionalProperties: false,
      properties: {
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        host: { type: 'string', minLength: 1 },
        source: { type: 'string', minLength: 1 },
        cloneDir: { type: 'string', minLength: 1 },
        database: { type: 'string', minLength: 1 },
        tags: { type: 'boolean' },
        maxBodyBytes: { type: 'integer', minimum: 1024 },
        leaseSeconds: { type: 'number', exclusiveMinimum: 0 },
        maxAttempts: { type: 'integer', minimum: 1 },
        executor: { enum: ['local', 'codebuild'] },
        githubApiUrl: { type: 'string', pattern: '^https?://' },
        publicUrl: { type: 'string', pattern: '^https?://' },
        forks: { enum: ['build', 'build-and-preview', 'skip'] },
        readToken: { type: 'string', minLength: 16 },
        reportKey: { type: 'string', minLength: 16 },
        reportLinkTtl: { type: 'string', pattern: DURATION_PATTERN },
      },
    },
    build: {
      type: 'object',
      additionalProperties: false,
      properties: {
        buildspec: { anyOf: [{ type: 'string', minLength: 1 }, { const: false }] },
        env: {
          type: 'object',
          additionalProperties: false,
          properties: {
            pass: { type: 'array', items: { type: 'string', pattern: ENV_NAME_PATTERN } },
            secret: { type: 'array', items: { type: 'string', pattern: ENV_NAME_PATTERN } },
          },
        },
      },
    },
  },
} as const;

let compiled: ValidateFunction | undefined;
/** How the schema is compiled, here and ahead of time by tools/build.mjs (the same options, or the two could disagree). */
export const AJV_OPTIONS = { allErrors: true, strict: false } as const;
/** The schema validator: the built CLI's precompiled one, else compiled on first use (a workspace without a config file never loads ajv). */
function getValidator(): ValidateFunction {
  if (!compiled) {
    compiled = precompiledValidator;
    if (!compiled) {
      const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
      compiled = new Ajv(AJV_OPTIONS).compile(CONFIG_SCHEMA);
    }
  }
  return compiled;
}

/** The defaults, also used when there is no config file. */
export const DEFAULT_CONFIG: ResolvedConfig = Object.freeze({
  cacheDir: '.tessera',
  globalInputs: [],
  buildToolPackages: ['esbuild', 'typescript', 'tessera-build'],
  maxFileBytes: 5_000_000,
  apps: {},
  projects: { include: [], exclude: [] },
  codebuild: { project: 'tessera', pricePerMinute: CODEBUILD_PRICE_PER_MINUTE },
  timeoutMinutes: 60,
  store: { url: '.tessera/store', forcePathStyle: false },
  graph: { share: false },
  release: { retention: '24h', canary: null, previewTtl: '7d' },
  webhook: {},
  build: { buildspec: null, env: { pass: [], secret: [] } },
  file: null,
});

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return `unknown key "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  if (error.keyword === 'enum') return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return error.message ?? 'is invalid';
}

/** The store settings a user config gives: a bare URL, an object, or the default under cacheDir. */
function resolveStoreSettings(user: UserConfig): StoreSettings {
  const store = user.store;
  if (store === undefined) return { url: `${user.cacheDir ?? DEFAULT_CONFIG.cacheDir}/store`, forcePathStyle: false };
  if (typeof store === 'string') return { url: store, forcePathStyle: false };
  return { url: store.url, ...(store.endpoint ? { endpoint: store.endpoint } : {}), ...(store.region ? { region: store.region } : {}), forcePathStyle: store.forcePathStyle ?? false };
}

/** `build.env.pass` cannot hand a build the service's own secrets, nor a name `build.env.secret` calls secret. */
function checkBuildEnv(user: UserConfig, file: string): Problem[] {
  const secret = new Set(user.build?.env?.secret ?? []);
  return (user.build?.env?.pass ?? []).flatMap((name, i): Problem[] => {
    const why = SERVICE_SECRET_NAMES.includes(name) ? 'is a secret of tessera serve, which never reaches a build' : secret.has(name) ? 'is also listed in build.env.secret' : null;
    return why ? [{ text: `build.env.pass.${i} "${name}" ${why}`, location: { file, key: `build.env.pass.${i}` } }] : [];
  });
}

/**
 * Validates parsed tessera.config.json content. Pure: returns every problem at once,
 * each located by key, and never throws.
 */
export function validateConfig(json: unknown, file: string = CONFIG_FILE): { config: ResolvedConfig | null; errors: Problem[] } {
  const validate = getValidator();
  if (!validate(json)) {
    const errors = (validate.errors ?? [])
      .filter((e) => e.keyword !== 'anyOf')
      .map((e) => {
        const key = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : '';
        return { text: `${key || '(root)'} ${describe(e)}`, location: { file, key: [key, extra].filter(Boolean).join('.') || '(root)' } };
      });
    return { config: null, errors };
  }
  const user = json as UserConfig;
  const buildEnvErrors = checkBuildEnv(user, file);
  if (buildEnvErrors.length) return { config: null, errors: buildEnvErrors };
  return {
    config: Object.freeze({
      cacheDir: user.cacheDir ?? DEFAULT_CONFIG.cacheDir,
      globalInputs: user.globalInputs ?? DEFAULT_CONFIG.globalInputs,
      buildToolPackages: user.buildToolPackages ?? DEFAULT_CONFIG.buildToolPackages,
      maxFileBytes: user.maxFileBytes ?? DEFAULT_CONFIG.maxFileBytes,
      apps: user.apps ?? {},
      projects: { include: user.projects?.include ?? [], exclude: user.projects?.exclude ?? [] },
      codebuild: {
        project: user.codebuild?.project ?? DEFAULT_CONFIG.codebuild.project,
        ...(user.codebuild?.region ? { region: user.codebuild.region } : {}),
        ...(user.codebuild?.queuedTimeoutMinutes !== undefined ? { queuedTimeoutMinutes: user.codebuild.queuedTimeoutMinutes } : {}),
        pricePerMinute: { ...DEFAULT_CONFIG.codebuild.pricePerMinute, ...user.codebuild?.pricePerMinute },
      },
      timeoutMinutes: user.timeoutMinutes ?? DEFAULT_CONFIG.timeoutMinutes,
      store: resolveStoreSettings(user),
      graph: { share: user.graph?.share ?? DEFAULT_CONFIG.graph.share },
      release: {
        retention: user.release?.retention ?? DEFAULT_CONFIG.release.retention,
        canary: user.release?.canary ?? null,
        previewTtl: user.release?.previewTtl ?? DEFAULT_CONFIG.release.previewTtl,
      },
      webhook: user.webhook ?? DEFAULT_CONFIG.webhook,
      build: { buildspec: user.build?.buildspec ?? null, env: { pass: [...new Set(user.build?.env?.pass ?? [])], secret: [...new Set(user.build?.env?.secret ?? [])] } },
      file,
    }),
    errors: [],
  };
}
