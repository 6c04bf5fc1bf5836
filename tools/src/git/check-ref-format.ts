/**
 * The rules of git-check-ref-format(1), as a pure function: a webhook payload's ref is
 * checked before anything is stored as work, without a git process per delivery.
 * test/unit/git/check-ref-format.test.ts compares it with the git binary.
 */

/**
 * Why `ref` (a full name such as `refs/heads/main`) is not a valid git ref name, or null
 * when it is. The rules, in the order of the manual page: no component starting with `.`
 * or ending with `.lock`; at least one `/`; no `..`; no control character, space, `~`, `^`
 * or `:`; no `?`, `*` or `[`; no leading, trailing or doubled `/`; no trailing `.`; no
 * `@{`; not `@`; no `\`.
 */
export function checkRefFormat(ref: string): string | null {
  if (ref === '') return 'it is empty';
  if (ref === '@') return 'it is the single character @';
  if (!ref.includes('/')) return 'it has no / (refs/heads/<name>, refs/tags/<name>)';
  if (ref.startsWith('/') || ref.endsWith('/')) return 'it begins or ends with /';
  if (ref.includes('//')) return 'it contains //';
  if (ref.endsWith('.')) return 'it ends with .';
  if (ref.includes('..')) return 'it contains ..';
  if (ref.includes('@{')) return 'it contains @{';
  // Control characters are bytes below 0x20 and 0x7f; in JavaScript strings, the same code units.
  // eslint-disable-next-line no-control-regex
  const bad = /[\x00-\x20\x7f~^:?*[\\]/.exec(ref);
  if (bad) return `it contains ${describeChar(bad[0])}`;
  for (const component of ref.split('/')) {
    if (component.startsWith('.')) return `its component "${component}" begins with .`;
    if (component.endsWith('.lock')) return `its component "${component}" ends with .lock`;
  }
  return null;
}

/**
 * Why the branch or tag `ref` names is not one git lets a user create, or null. On top of
 * {@link checkRefFormat}, the rules of `git check-ref-format --branch` (and `git tag`): the
 * short name is not empty, does not begin with `-` (it would read as an option), and a
 * branch is not `HEAD`.
 */
export function checkBranchOrTagRef(ref: string): string | null {
  const problem = checkRefFormat(ref);
  if (problem) return problem;
  const kind = ref.startsWith('refs/heads/') ? 'branch' : ref.startsWith('refs/tags/') ? 'tag' : null;
  if (!kind) return null;
  const name = ref.slice(kind === 'branch' ? 11 : 10);
  if (name.startsWith('-')) return `the ${kind} name begins with -`;
  if (kind === 'branch' && name === 'HEAD') return 'the branch name is HEAD';
  return null;
}

function describeChar(char: string): string {
  const code = char.charCodeAt(0);
  if (char === ' ') return 'a space';
  if (code < 0x20 || code === 0x7f) return `the control character 0x${code.toString(16).padStart(2, '0')}`;
  return `"${char}"`;
}
