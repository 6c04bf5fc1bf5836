import type { ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import type { Problem } from '../errors/tessera-error.js';
import { CODEBUILD_PRICE_PER_MINUTE } from '../plan/pricing.js';

/** Per-app settings in tessera.config.json. */
export interface AppConfig {
  /** Entry file(s), relative to the workspace root. @default project.json `targets.build.options.main`, else `<sourceRoot>/main.tsx` */
  entry?: string | string[];
  /** CodeBuild compute type for this app's build. @default "small" */
  computeType?: 'small' | 'medium' | 'large' | 'xlarge' | '2xlarge';
  /** URL path prefix the edge router serves the app under. @default "/<app>/" */
  route?: string;
}

/** What people write in tessera.config.json (every key optional). See docs/configuration.md. */
export interface UserConfig {
  $schema?: string;
  /** Where caches, runs and the local store live. @default ".tessera" */
  cacheDir?: string;
  /** Globs of extra files whose change affects every app. @default [] */
  globalInputs?: string[];
  /** npm packages that are part of the build tool chain: a change to them affects every app. @default ["esbuild", "typescript", "tessera"] */
  buildToolPackages?: string[];
  /** Source files larger than this are not parsed (their apps are treated conservatively). @default 5000000 */
  maxFileBytes?: number;
  /** Per-app settings, keyed by app name. */
  apps?: Record<string, AppConfig>;
  /** Where `--executor codebuild` builds, and what its minutes cost. */
  codebuild?: {
    /** The CodeBuild project builds start in. @default "tessera" */
    project?: string;
    /** Its region. @default the AWS SDK's (AWS_REGION, profile) */
    region?: string;
    /**
     * USD per build minute by compute type, merged over the defaults (Linux general1 on-demand,
     * us-east-1); the report's cost uses it. @example { "medium": 0.0125 }
     */
    pricePerMinute?: Record<string, number>;
  };
  /** A build that runs longer is stopped and recorded TIMED_OUT. @default 60 */
  timeoutMinutes?: number;
}

/** The complete, read-only configuration the code sees. */
export interface ResolvedConfig {
  readonly cacheDir: string;
  readonly globalInputs: readonly string[];
  readonly buildToolPackages: readonly string[];
  readonly maxFileBytes: number;
  readonly apps: Readonly<Record<string, AppConfig>>;
  readonly codebuild: { readonly project: string; readonly region?: string; readonly pricePerMinute: Readonly<Record<string, number>> };
  readonly timeoutMinutes: number;
  /** The file the config came from, or null when defaults apply. */
  readonly file: string | null;
}

/** The config file's name at the workspace root. */
export const CONFIG_FILE = 'tessera.config.json';

/** The JSON Schema of tessera.config.json (also written to docs/tessera.config.schema.json by a test). */
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
          route: { type: 'string', pattern: '^/' },
        },
      },
    },
    codebuild: {
      type: 'object',
      additionalProperties: false,
      properties: {
        project: { type: 'string', minLength: 1 },
        region: { type: 'string', minLength: 1 },
        pricePerMinute: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
      },
    },
    timeoutMinutes: { type: 'number', exclusiveMinimum: 0 },
  },
} as const;

let compiled: ValidateFunction | undefined;
/** The schema validator, compiled on first use: a workspace without a config file never loads ajv. */
function getValidator(): ValidateFunction {
  if (!compiled) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    compiled = new Ajv({ allErrors: true, strict: false }).compile(CONFIG_SCHEMA);
  }
  return compiled;
}

/** The defaults, also used when there is no config file. */
export const DEFAULT_CONFIG: ResolvedConfig = Object.freeze({
  cacheDir: '.tessera',
  globalInputs: [],
  buildToolPackages: ['esbuild', 'typescript', 'tessera'],
  maxFileBytes: 5_000_000,
  apps: {},
  codebuild: { project: 'tessera', pricePerMinute: CODEBUILD_PRICE_PER_MINUTE },
  timeoutMinutes: 60,
  file: null,
});

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return `unknown key "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  if (error.keyword === 'enum') return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return error.message ?? 'is invalid';
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
  return {
    config: Object.freeze({
      cacheDir: user.cacheDir ?? DEFAULT_CONFIG.cacheDir,
      globalInputs: user.globalInputs ?? DEFAULT_CONFIG.globalInputs,
      buildToolPackages: user.buildToolPackages ?? DEFAULT_CONFIG.buildToolPackages,
      maxFileBytes: user.maxFileBytes ?? DEFAULT_CONFIG.maxFileBytes,
      apps: user.apps ?? {},
      codebuild: {
        project: user.codebuild?.project ?? DEFAULT_CONFIG.codebuild.project,
        ...(user.codebuild?.region ? { region: user.codebuild.region } : {}),
        pricePerMinute: { ...DEFAULT_CONFIG.codebuild.pricePerMinute, ...user.codebuild?.pricePerMinute },
      },
      timeoutMinutes: user.timeoutMinutes ?? DEFAULT_CONFIG.timeoutMinutes,
      file,
    }),
    errors: [],
  };
}
