import { describe, expect, it } from 'vitest';
import { planDelivery } from '../../../tools/src/webhook/plan-delivery.js';
import { examplePayload, pullRequestPayload, pushPayload, ZERO } from '../../support/webhook-fixtures.js';

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
    ['PR synchronize from a fork builds too (its head is refs/pull/N/head)', pullRequestPayload('synchronize', { number: 8, headSha: B, fork: true }), { kind: 'build', key: 'pr:acme/tiny:8' }],
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
});
