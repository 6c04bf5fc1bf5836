import { checkBranchOrTagRef } from '../git/check-ref-format.js';

/**
 * What a GitHub delivery asks of the service, decided from its event and payload alone.
 * Pure: the receiver calls it to learn the delivery's supersede key before answering, the
 * worker calls it again to know what to build.
 */

/** The all-zeros object id GitHub sends for a ref that did not exist (created) or no longer does (deleted). */
export const ZERO_SHA = '0000000000000000000000000000000000000000';

/** The repository a delivery is about, for commit statuses. */
export interface DeliveryRepo {
  owner: string;
  name: string;
}

/** Where the comparison starts: a commit (a push's `before`), else the merge-base with a branch. */
export type RangeBase =
  | { kind: 'commit'; sha: string; fallbackBranch: string }
  | { kind: 'merge-base'; branch: string };

/** The delivery builds the apps the range touches. */
export interface BuildWork {
  kind: 'build';
  /** Deliveries with the same key supersede each other: `push:<repo>:<ref>` or `pr:<repo>:<number>`. */
  key: string;
  trigger: 'webhook:push' | 'webhook:pull_request';
  repo: DeliveryRepo;
  /** The commit to build. */
  head: string;
  base: RangeBase;
  /** Refs to fetch besides the branches, so that `head` is present (a fork's PR head). */
  extraRefs: string[];
  /** The branch (push) or pull request number (pull_request), for logs and previews. */
  ref: string;
  pullRequest: number | null;
  /** A pushed ref that is the default branch: later stages publish from it. */
  defaultBranch: boolean;
  /**
   * A pull request whose head is in another repository than its base (a fork), or whose head
   * repository GitHub no longer knows: its code is untrusted. The head repository's full name
   * (or a description when it is gone); null for pushes and same-repository pull requests.
   */
  fork: string | null;
}

/** The delivery stops the work of its key and builds nothing (a deleted branch, a closed PR). */
export interface CancelWork {
  kind: 'cancel';
  key: string;
  reason: string;
  repo: DeliveryRepo | null;
  pullRequest: number | null;
}

/** Stored and not acted on. */
export interface IgnoreWork {
  kind: 'ignore';
  reason: string;
}

/** What {@link planDelivery} decides. */
export type DeliveryWork = BuildWork | CancelWork | IgnoreWork;

/**
 * What the service does with a pull request from a fork (`webhook.forks`): build it without
 * secrets, neither publishing nor previewing (`build`); the same, with a preview
 * (`build-and-preview`); or store the delivery as ignored (`skip`).
 */
export type ForkPolicy = 'build' | 'build-and-preview' | 'skip';
export const FORK_POLICIES: readonly ForkPolicy[] = ['build', 'build-and-preview', 'skip'];

/** Options of {@link planDelivery}. */
export interface PlanDeliveryOptions {
  /** Build pushed tags (`webhook.tags`). @default false */
  tags?: boolean;
  /** Pull requests from forks (`webhook.forks`). @default "build" */
  forks?: ForkPolicy;
  /** The default branch when the payload does not say (`repository.default_branch`). @default "main" */
  defaultBranch?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const isSha = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{40}$/.test(v);
/** A ref the payload names, unless git would refuse it: the reason, for the ignored delivery. */
const badRef = (ref: string, what: string): IgnoreWork | null => {
  const problem = checkBranchOrTagRef(ref);
  return problem ? { kind: 'ignore', reason: `${what} ${JSON.stringify(ref)} is not a valid git ref name: ${problem}` } : null;
};

function readRepo(payload: Json): DeliveryRepo | null {
  const repo = payload.repository;
  if (!isObject(repo)) return null;
  const full = str(repo.full_name);
  if (full?.includes('/')) {
    const [owner, name] = full.split('/') as [string, string];
    return { owner, name };
  }
  const owner = isObject(repo.owner) ? (str(repo.owner.login) ?? str(repo.owner.name)) : null;
  const name = str(repo.name);
  return owner && name ? { owner, name } : null;
}

const PR_BUILD_ACTIONS = new Set(['opened', 'reopened', 'synchronize']);

/** Decides what a delivery of `event` with `payload` asks for. Never throws: malformed payloads are ignored, with the reason. */
export function planDelivery(event: string, payload: unknown, options: PlanDeliveryOptions = {}): DeliveryWork {
  if (!isObject(payload)) return { kind: 'ignore', reason: 'the payload is not a JSON object' };
  const repo = readRepo(payload);
  const defaultBranch = (isObject(payload.repository) ? str(payload.repository.default_branch) : null) ?? options.defaultBranch ?? 'main';
  if (event === 'push') return planPush(payload, repo, defaultBranch, options);
  if (event === 'pull_request') return planPullRequest(payload, repo, options);
  return { kind: 'ignore', reason: `event "${event}" is not one Tessera acts on (push, pull_request)` };
}

function planPush(payload: Json, repo: DeliveryRepo | null, defaultBranch: string, options: PlanDeliveryOptions): DeliveryWork {
  const ref = str(payload.ref);
  if (!ref || !repo) return { kind: 'ignore', reason: 'push payload without `ref` or `repository`' };
  const invalid = badRef(ref, 'the pushed ref') ?? badRef(`refs/heads/${defaultBranch}`, 'the default branch');
  if (invalid) return invalid;
  const isTag = ref.startsWith('refs/tags/');
  if (!ref.startsWith('refs/heads/') && !isTag) return { kind: 'ignore', reason: `push to ${ref}, which is neither a branch nor a tag` };
  if (isTag && !options.tags) return { kind: 'ignore', reason: `push of tag ${ref.slice(10)} (tags are built only with webhook.tags)` };
  const key = `push:${repo.owner}/${repo.name}:${ref}`;
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  if (payload.deleted === true || payload.after === ZERO_SHA) return { kind: 'cancel', key, reason: `${isTag ? 'tag' : 'branch'} ${name} was deleted`, repo, pullRequest: null };
  const after = payload.after;
  if (!isSha(after)) return { kind: 'ignore', reason: 'push payload whose `after` is not a commit id' };
  const before = payload.before;
  const created = payload.created === true || before === ZERO_SHA || !isSha(before);
  // A forced push's `before` may be gone from every clone; a new branch has none. Both
  // compare with where the branch left the default branch instead.
  const base: RangeBase = created || payload.forced === true || isTag
    ? { kind: 'merge-base', branch: defaultBranch }
    : { kind: 'commit', sha: before as string, fallbackBranch: defaultBranch };
  return { kind: 'build', key, trigger: 'webhook:push', repo, head: after, base, extraRefs: [], ref: name, pullRequest: null, defaultBranch: !isTag && name === defaultBranch, fork: null };
}

/**
 * The head repository of a pull request when it is not the base repository: compared by id
 * and by full name, both when the payload has them; a head repository that is missing (a
 * deleted fork) or that cannot be compared counts as a fork. Null for the same repository.
 */
function readFork(pr: Json, repository: unknown): string | null {
  const head = isObject(pr.head) && isObject(pr.head.repo) ? pr.head.repo : null;
  const base = isObject(pr.base) && isObject(pr.base.repo) ? pr.base.repo : isObject(repository) ? repository : null;
  if (!head) return 'a repository that no longer exists';
  const headName = str(head.full_name);
  if (!base) return headName ?? 'an unknown repository';
  const baseName = str(base.full_name);
  const ids = typeof head.id === 'number' && typeof base.id === 'number';
  const names = headName !== null && baseName !== null;
  if (!ids && !names) return 'an unknown repository';
  if ((ids && head.id !== base.id) || (names && headName!.toLowerCase() !== baseName!.toLowerCase())) return headName ?? `the repository with id ${String(head.id)}`;
  return null;
}

function planPullRequest(payload: Json, repo: DeliveryRepo | null, options: PlanDeliveryOptions): DeliveryWork {
  const action = str(payload.action) ?? '(none)';
  const pr = payload.pull_request;
  const number = typeof payload.number === 'number' ? payload.number : isObject(pr) && typeof pr.number === 'number' ? pr.number : null;
  if (!repo || !isObject(pr) || number === null) return { kind: 'ignore', reason: 'pull_request payload without `repository` or `pull_request`' };
  // The number goes into a refspec (refs/pull/N/head) and the preview key.
  if (!Number.isSafeInteger(number) || number < 1) return { kind: 'ignore', reason: `pull_request payload whose number (${number}) is not a positive whole number` };
  const key = `pr:${repo.owner}/${repo.name}:${number}`;
  if (action === 'closed') return { kind: 'cancel', key, reason: `pull request #${number} was closed`, repo, pullRequest: number };
  if (!PR_BUILD_ACTIONS.has(action)) return { kind: 'ignore', reason: `pull_request action "${action}" (only opened, reopened, synchronize and closed are acted on)` };
  const head = isObject(pr.head) ? pr.head : {};
  const baseSide = isObject(pr.base) ? pr.base : {};
  if (!isSha(head.sha)) return { kind: 'ignore', reason: 'pull_request payload whose head.sha is not a commit id' };
  const baseBranch = str(baseSide.ref) ?? 'main';
  const invalid = badRef(`refs/heads/${baseBranch}`, 'the base branch');
  if (invalid) return invalid;
  const fork = readFork(pr, payload.repository);
  if (fork && options.forks === 'skip') return { kind: 'ignore', reason: `pull request #${number} comes from ${fork}, and webhook.forks is "skip"` };
  // GitHub publishes every PR head, a fork's too, as refs/pull/N/head of the base repository.
  return {
    kind: 'build', key, trigger: 'webhook:pull_request', repo, head: head.sha, base: { kind: 'merge-base', branch: baseBranch },
    extraRefs: [`+refs/pull/${number}/head:refs/remotes/origin/pull/${number}`], ref: `pr-${number}`, pullRequest: number, defaultBranch: false, fork,
  };
}

/** The supersede key of a delivery, or null when it has none (ignored events). */
export function computeWorkKey(work: DeliveryWork): string | null {
  return work.kind === 'ignore' ? null : work.key;
}
