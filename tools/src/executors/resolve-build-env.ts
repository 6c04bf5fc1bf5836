import { SERVICE_SECRET_NAMES, type ResolvedConfig } from '../workspace/config.js';

/**
 * Variables whose values are secrets wherever Tessera runs: the service's own, the tokens CI
 * systems set, and AWS credentials. Their values are masked in what builds print, and the
 * service's own are never passed to a build.
 */
export const KNOWN_SECRET_NAMES: readonly string[] = [...SERVICE_SECRET_NAMES, 'GITHUB_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

/** What builds get from the environment Tessera runs in, beyond PATH, HOME, the locale, TMPDIR and CI. */
export interface BuildEnvironment {
  /** Variables passed to local builds by name (`build.env.pass`), with their values. */
  readonly pass: Readonly<Record<string, string>>;
  /** Values masked in the builds' logs, phase messages and errors. */
  readonly secrets: readonly string[];
}

/** Options of {@link resolveBuildEnvironment}. */
export interface ResolveBuildEnvironmentOptions {
  /**
   * Secret values of the caller that are not in a variable of `env` under a known name (the
   * service's derived report key, a token read from its config): masked, and never passed,
   * whatever name holds them.
   */
  extraSecrets?: readonly string[];
  /** Untrusted code (a pull request from a fork): nothing is passed. @default false */
  untrusted?: boolean;
}

/**
 * Resolves `build.env` against an environment. Pure: `env` is the caller's (process.env in a
 * command). A name in `pass` that `env` does not set is left out; one whose value is a secret
 * of the caller (`extraSecrets`) is refused, so the service's own token cannot reach a build
 * under another name (GITHUB_TOKEN, say).
 */
export function resolveBuildEnvironment(settings: ResolvedConfig['build']['env'], env: Readonly<Record<string, string | undefined>>, options: ResolveBuildEnvironmentOptions = {}): BuildEnvironment {
  const own = new Set(options.extraSecrets ?? []);
  const pass: Record<string, string> = {};
  if (!options.untrusted) {
    for (const name of settings.pass) {
      const value = env[name];
      if (value !== undefined && value !== '' && !own.has(value)) pass[name] = value;
    }
  }
  const secrets = new Set<string>(own);
  for (const name of [...KNOWN_SECRET_NAMES, ...settings.secret, ...settings.pass]) {
    const value = env[name];
    if (value) secrets.add(value);
  }
  return { pass, secrets: [...secrets] };
}
