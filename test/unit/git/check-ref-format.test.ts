import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkBranchOrTagRef, checkRefFormat } from '../../../tools/src/git/check-ref-format.js';

/** What the git binary says of a full ref name (`git check-ref-format`), and of a branch name (`--branch`). */
const gitAccepts = (...args: string[]) => spawnSync('git', ['check-ref-format', ...args], { encoding: 'utf8' }).status === 0;

const REFS = [
  'refs/heads/main', 'refs/heads/feature/x-1', 'refs/tags/v1.2.3', 'refs/heads/a.b', 'refs/heads/ünïcode', 'refs/heads/a@b', 'refs/heads/x.lockx',
  'refs/heads/a..b', 'refs/heads/a b', 'refs/heads/', 'refs/heads//x', '/refs/heads/x', 'refs/heads/x.', 'refs/heads/.x', 'refs/heads/x.lock',
  'refs/heads/a~1', 'refs/heads/a^', 'refs/heads/a:b', 'refs/heads/a?', 'refs/heads/a*', 'refs/heads/a[b', 'refs/heads/a\\b', 'refs/heads/a@{1}',
  'refs/heads/tab\there', 'refs/heads/new\nline', 'refs/heads/del\x7f', 'refs/heads/nul\x00x', 'main', '@', '', 'refs/heads/x/.hidden/y',
];

describe('checkRefFormat', () => {
  it.each(REFS)('agrees with git check-ref-format on %j', (ref) => {
    // git cannot be given a NUL in an argument; the rule is the same as for any control character.
    const expected = ref.includes('\0') ? false : gitAccepts(ref);
    const problem = checkRefFormat(ref);
    expect(problem === null, problem ?? 'valid').toBe(expected);
  });

  it('says what is wrong', () => {
    expect(checkRefFormat('refs/heads/a..b')).toBe('it contains ..');
    expect(checkRefFormat('refs/heads/a b')).toBe('it contains a space');
    expect(checkRefFormat('refs/heads/')).toBe('it begins or ends with /');
    expect(checkRefFormat('refs/heads/x.lock')).toBe('its component "x.lock" ends with .lock');
  });
});

describe('checkBranchOrTagRef', () => {
  it.each(['main', '-x', 'HEAD', 'a..b', 'feature/-x', '--force', 'ok-name'])('agrees with git check-ref-format --branch on %j', (name) => {
    const problem = checkBranchOrTagRef(`refs/heads/${name}`);
    expect(problem === null, problem ?? 'valid').toBe(gitAccepts('--branch', name));
  });

  it('refuses a tag whose name reads as an option, and says why', () => {
    expect(checkBranchOrTagRef('refs/tags/-v1')).toBe('the tag name begins with -');
    expect(checkBranchOrTagRef('refs/heads/-x')).toBe('the branch name begins with -');
    expect(checkBranchOrTagRef('refs/tags/v1')).toBeNull();
  });
});
