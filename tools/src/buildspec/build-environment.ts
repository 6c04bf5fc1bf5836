/**
 * What a build inherits from the process that starts it: the few variables a shell and a
 * tool chain need to work, and nothing else. The service's own environment holds its
 * secrets (the webhook secret, the GitHub token, AWS keys); a buildspec anyone can change in
 * a pull request must not see them. Everything else a build gets it declares itself (the
 * buildspec's `env.variables`), is given as a job variable (TESSERA_APP, ...), or the user
 * passes by name (`build.env.pass`, docs/configuration.md).
 */

/** Inherited by name. */
const INHERITED = new Set(['PATH', 'HOME', 'LANG', 'TMPDIR', 'CI']);
/** Inherited by pattern: the locale's categories (LC_ALL, LC_CTYPE, ...). */
const INHERITED_PATTERN = /^LC_[A-Z]+$/;

/** True when a build inherits the variable `name` from the environment it starts in. */
export function isInheritedName(name: string): boolean {
  return INHERITED.has(name) || INHERITED_PATTERN.test(name);
}

/**
 * The part of `env` a build starts from: PATH, HOME, LANG and LC_*, TMPDIR and CI. Pure; the
 * caller hands in `process.env`.
 */
export function pickInheritedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && isInheritedName(name)) picked[name] = value;
  return picked;
}
