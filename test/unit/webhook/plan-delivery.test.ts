import { describe, expect, it } from 'vitest';
import { planDelivery } from '../../../tools/src/webhook/plan-delivery.js';
import { examplePayload, FORK_FULL_NAME, pullRequestPayload, pushPayload, ZERO } from '../../support/webhook-fixtures.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('planDelivery', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a branch update compares with before', pushPayload({ ref: 'refs/heads/feat', before: A, after: B }),
      { kind: 'build', key: 'push:acme/tiny:refs/heads/feat', head: B, base: { kind: 'commit', sha: A, fallbackBranch: 'main' }, defaultBranch: false, trigger: 'webhook:push' }],
    ['a new branch compares with the merge-base of the default branch', pushPayload({ ref: 'refs/heads/feat', before: ZERO, after: B }),
      { kind: 'build', head: B, base: { kind: 'merge-base', branch: 'main' } }],
    ['a forced push does too, since before may be gone', pushPayload({ ref: 'refs/heads/feat', before: A, after: B, forced: true }),
      { kind: 'build', base: { kind: 'merge-base', branch: 'main' } }],
    ['a push to the default branch is marked for publishing', pushPayload({ ref: 'refs/heads/main', before: A, after: B }), { kind: 'build', defaultBranch: true }],
    ['a deleted branch cancels its key', pushPayload({ ref: 'refs/heads/feat', before: A, after: ZERO }), { kind: 'cancel', key: 'push:acme/tiny:refs/heads/feat' }],
    ['a tag is ignored by default', pushPayload({ ref: 'refs/tags/v1', before: ZERO, after: B }), { kind: 'ignore' }],
    ['PR opened builds against the merge-base of its base branch', pullRequestPayload('opened', { number: 7, headSha: B, baseRef: 'develop' }),
      { kind: 'build', key: 'pr:acme/tiny:7', head: B, base: { kind: 'merge-base', branch: 'develop' }, pullRequest: 7, extraRefs: ['+refs/pull/7/head:refs/remotes/origin/pull/7'] }],
    ['PR synchronize from a fork builds too (its head is refs/pull/N/head), marked as a fork', pullRequestPayload('synchronize', { number: 8, headSha: B, fork: true }), { kind: 'build', key: 'pr:acme/tiny:8', fork: FORK_FULL_NAME }],
    ['PR from the same repository is not a fork', pullRequestPayload('opened', { number: 8, headSha: B }), { kind: 'build', fork: null }],
    ['a push is not a fork', pushPayload({ ref: 'refs/heads/feat', before: A, after: B }), { kind: 'build', fork: null }],
    ['PR reopened builds', pullRequestPayload('reopened', { number: 9, headSha: B }), { kind: 'build' }],
    ['PR closed cancels', pullRequestPayload('closed', { number: 9, headSha: B }), { kind: 'cancel', key: 'pr:acme/tiny:9', pullRequest: 9 }],
    ['PR labeled is stored and ignored', pullRequestPayload('labeled', { number: 9, headSha: B }), { kind: 'ignore' }],
  ])('%s', (_, payload, expected) => {
    const event = 'pull_request' in payload ? 'pull_request' : 'push';
    expect(planDelivery(event, payload)).toMatchObject(expected);
  });

  it('builds tags only when configured', () => {
    expect(planDelivery('push', pushPayload({ ref: 'refs/tags/v1', before: ZERO, after: B }), { tags: true })).toMatchObject({ kind: 'build', base: { kind: 'merge-base' } });
  });

  it('reads the examples of @octokit/webhooks-examples as they are', () => {
    expect(planDelivery('push', examplePayload('push'))).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('tag') });
    expect(planDelivery('pull_request', examplePayload('pull_request', 'opened'))).toMatchObject({ kind: 'build', key: 'pr:Codertocat/Hello-World:2' });
    expect(planDelivery('issues', examplePayload('issues'))).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('"issues"') });
  });

  it.each([null, [], 'text', { ref: 42 }, { ref: 'refs/heads/x', repository: { full_name: 'a/b' }, after: 'not-a-sha' }])('ignores a malformed payload (%j) without throwing', (payload) => {
    expect(planDelivery('push', payload).kind).toBe('ignore');
    expect(planDelivery('pull_request', payload).kind).toBe('ignore');
  });

  it.each(['refs/heads/a..b', 'refs/heads/-x', 'refs/heads/a b', 'refs/heads/', 'refs/heads/x.lock', 'refs/heads/a~1', 'refs/heads/new\nline', 'refs/tags/-v1'])('stores a push to %j, which git would refuse, as ignored with the reason', (ref) => {
    const work = planDelivery('push', pushPayload({ ref, before: A, after: B }), { tags: true });
    expect(work).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('is not a valid git ref name') });
    // Deleting such a ref is no work either: it cannot be a branch the service built.
    expect(planDelivery('push', pushPayload({ ref, before: A, after: ZERO })).kind).toBe('ignore');
  });

  it('ignores a pull request whose base branch git would refuse, or whose number is not a positive whole number', () => {
    expect(planDelivery('pull_request', pullRequestPayload('opened', { number: 3, headSha: B, baseRef: 'main..x' }))).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('the base branch "refs/heads/main..x"') });
    for (const number of [0, -4, 1.5]) expect(planDelivery('pull_request', pullRequestPayload('opened', { number, headSha: B })).kind).toBe('ignore');
  });

  it('tells a fork by the head repository: another id, another name, or none at all (a deleted fork)', () => {
    const payload = pullRequestPayload('opened', { number: 4, headSha: B }) as { pull_request: { head: { repo: Record<string, unknown> | null }; base: { repo: Record<string, unknown> } } };
    const variant = (repo: Record<string, unknown> | null) => planDelivery('pull_request', { ...payload, pull_request: { ...payload.pull_request, head: { ...payload.pull_request.head, repo } } });
    const base = payload.pull_request.base.repo;
    expect(variant({ ...base })).toMatchObject({ fork: null });
    expect(variant({ ...base, id: (base.id as number) + 1 })).toMatchObject({ fork: 'acme/tiny' });
    expect(variant({ ...base, full_name: 'acme/other' })).toMatchObject({ fork: 'acme/other' });
    expect(variant({ ...base, full_name: 'ACME/Tiny' })).toMatchObject({ fork: null });
    expect(variant(null)).toMatchObject({ kind: 'build', fork: 'a repository that no longer exists' });
    expect(variant({ owner: {} })).toMatchObject({ fork: 'an unknown repository' });
  });

  it('skips pull requests from forks with webhook.forks "skip", and builds them otherwise', () => {
    const fork = pullRequestPayload('opened', { number: 5, headSha: B, fork: true });
    expect(planDelivery('pull_request', fork, { forks: 'skip' })).toMatchObject({ kind: 'ignore', reason: `pull request #5 comes from ${FORK_FULL_NAME}, and webhook.forks is "skip"` });
    expect(planDelivery('pull_request', fork, { forks: 'build-and-preview' })).toMatchObject({ kind: 'build', fork: FORK_FULL_NAME });
    expect(planDelivery('pull_request', pullRequestPayload('opened', { number: 5, headSha: B }), { forks: 'skip' })).toMatchObject({ kind: 'build', fork: null });
    // Closing a fork's pull request still cancels its work, whatever the policy.
    expect(planDelivery('pull_request', pullRequestPayload('closed', { number: 5, headSha: B, fork: true }), { forks: 'skip' })).toMatchObject({ kind: 'cancel' });
  });
});
