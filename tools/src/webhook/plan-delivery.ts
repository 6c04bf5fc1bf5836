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

/** Options of {@link planDelivery}. */
export interface PlanDeliveryOptions {
  /** Build pushed tags (`webhook.tags`). @default false */
  tags?: boolean;
  /** The default branch when the payload does not say (`repository.default_branch`). @default "main" */
  defaultBranch?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const isSha = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{40}$/.test(v);

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
  if (event === 'pull_request') return planPullRequest(payload, repo);
  return { kind: 'ignore', reason: `event "${event}" is not one Tessera acts on (push, pull_request)` };
}

function planPush(payload: Json, repo: DeliveryRepo | null, defaultBranch: string, options: PlanDeliveryOptions): DeliveryWork {
  const ref = str(payload.ref);
  if (!ref || !repo) return { kind: 'ignore', reason: 'push payload without `ref` or `repository`' };
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
  return { kind: 'build', key, trigger: 'webhook:push', repo, head: after, base, extraRefs: [], ref: name, pullRequest: null, defaultBranch: !isTag && name === defaultBranch };
}

function planPullRequest(payload: Json, repo: DeliveryRepo | null): DeliveryWork {
  const action = str(payload.action) ?? '(none)';
  const pr = payload.pull_request;
  const number = typeof payload.number === 'number' ? payload.number : isObject(pr) && typeof pr.number === 'number' ? pr.number : null;
  if (!repo || !isObject(pr) || number === null) return { kind: 'ignore', reason: 'pull_request payload without `repository` or `pull_request`' };
  const key = `pr:${repo.owner}/${repo.name}:${number}`;
  if (action === 'closed') return { kind: 'cancel', key, reason: `pull request #${number} was closed`, repo, pullRequest: number };
  if (!PR_BUILD_ACTIONS.has(action)) return { kind: 'ignore', reason: `pull_request action "${action}" (only opened, reopened, synchronize and closed are acted on)` };
  const head = isObject(pr.head) ? pr.head : {};
  const baseSide = isObject(pr.base) ? pr.base : {};
  if (!isSha(head.sha)) return { kind: 'ignore', reason: 'pull_request payload whose head.sha is not a commit id' };
  const baseBranch = str(baseSide.ref) ?? 'main';
  // GitHub publishes every PR head, a fork's too, as refs/pull/N/head of the base repository.
  return {
    kind: 'build', key, trigger: 'webhook:pull_request', repo, head: head.sha, base: { kind: 'merge-base', branch: baseBranch },
    extraRefs: [`+refs/pull/${number}/head:refs/remotes/origin/pull/${number}`], ref: `pr-${number}`, pullRequest: number, defaultBranch: false,
  };
}

/** The supersede key of a delivery, or null when it has none (ignored events). */
export function computeWorkKey(work: DeliveryWork): string | null {
  return work.kind === 'ignore' ? null : work.key;
}
