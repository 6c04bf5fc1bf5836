/**
 * Fixtures for the webhook service: a tiny workspace in a real git repository with a bare
 * "GitHub" remote, signed deliveries, payloads shaped like GitHub's (the examples of
 * @octokit/webhooks-examples with the fields of the case at hand), and a recording fake of
 * GitHub's commit status API on 127.0.0.1.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyRepo, type TestRepo } from './sample-repo.js';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[];

/** The first example payload of `event` (with `action`, when given) from @octokit/webhooks-examples. */
export function examplePayload(event: string, action?: string): Record<string, unknown> {
  const found = examples.find((e) => e.name === event)?.examples.find((p) => action === undefined || p.action === action);
  if (!found) throw new Error(`no example payload for ${event}${action ? `.${action}` : ''}`);
  return structuredClone(found);
}

export const ZERO = '0000000000000000000000000000000000000000';
export const REPO_FULL_NAME = 'acme/tiny';

/**
 * A minimal workspace: apps `alpha` (uses lib `shared`) and `beta`, and a buildspec whose
 * build is `build` (a shell snippet; the default only echoes), so builds take milliseconds.
 */
export function createTinyRepo(build = 'echo "built $TESSERA_APP $TESSERA_VERSION"'): TestRepo {
  const repo = createEmptyRepo('tessera-webhook-');
  repo.write('package.json', JSON.stringify({ name: 'tiny', private: true }, null, 2));
  repo.write('nx.json', '{}\n');
  repo.write('.gitignore', 'node_modules\n.tessera\n');
  repo.write('libs/shared/project.json', JSON.stringify({ name: 'shared', projectType: 'library', sourceRoot: 'libs/shared/src' }));
  repo.write('libs/shared/src/greet.ts', "export const greet = (who: string): string => `hello ${who}`;\n");
  for (const app of ['alpha', 'beta']) {
    repo.write(`apps/${app}/project.json`, JSON.stringify({ name: app, projectType: 'application', sourceRoot: `apps/${app}/src` }));
    repo.write(`apps/${app}/src/main.tsx`, app === 'alpha' ? "import { greet } from '../../../libs/shared/src/greet';\nexport const page = greet('alpha');\n" : "export const page = 'beta';\n");
  }
  repo.write('buildspec.yml', `version: 0.2\nphases:\n  build:\n    commands:\n      - ${build}\n`);
  repo.commit('tiny workspace');
  return repo;
}

/** A bare repository playing GitHub's copy of `repo`, set as its `origin`, with `main` pushed. */
export function createRemote(repo: TestRepo): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-remote-'));
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
  repo.git('remote', 'add', 'origin', dir);
  repo.git('push', '-q', 'origin', 'main');
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** GitHub's signature of a body: `sha256=` HMAC, computed here independently of the service's verifier. */
export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Headers of a signed delivery. */
export function deliveryHeaders(secret: string, event: string, body: string, id: string = randomUUID()): Record<string, string> {
  return { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'x-hub-signature-256': sign(secret, body) };
}

function withRepository(payload: Record<string, unknown>): Record<string, unknown> {
  const repository = { ...(payload.repository as Record<string, unknown>), full_name: REPO_FULL_NAME, name: 'tiny', default_branch: 'main', owner: { login: 'acme', name: 'acme' } };
  return { ...payload, repository };
}

/** A push payload: the example's shape with this push's ref and commits. */
export function pushPayload(p: { ref: string; before: string; after: string; forced?: boolean }): Record<string, unknown> {
  const created = p.before === ZERO;
  const deleted = p.after === ZERO;
  return withRepository({ ...examplePayload('push'), ref: p.ref, before: p.before, after: p.after, created, deleted, forced: p.forced ?? false, base_ref: null });
}

/** The full name of the fork {@link pullRequestPayload} opens pull requests from. */
export const FORK_FULL_NAME = 'someone/tiny';

/**
 * A pull_request payload from the example of `action`, with this PR's number, head and base.
 * With `fork`, the head is in another repository, as GitHub describes a fork's pull request:
 * the examples have none, so the example's repository is adapted (another id, owner and full
 * name, `fork: true`).
 */
export function pullRequestPayload(action: string, p: { number: number; headSha: string; baseRef?: string; fork?: boolean }): Record<string, unknown> {
  const example = examplePayload('pull_request', action);
  const pr = example.pull_request as Record<string, Record<string, unknown>>;
  const own = pr.head!.repo as Record<string, unknown>;
  const baseRepo = { ...(pr.base!.repo as object), full_name: REPO_FULL_NAME, name: 'tiny', owner: { ...(own.owner as object), login: 'acme' } };
  const headRepo = p.fork
    ? { ...own, id: (own.id as number) + 1, node_id: 'R_fork', name: 'tiny', full_name: FORK_FULL_NAME, owner: { ...(own.owner as object), login: 'someone', id: 424242 }, fork: true }
    : baseRepo;
  const head = { ...pr.head, sha: p.headSha, ref: 'feature', label: `${p.fork ? 'someone' : 'acme'}:feature`, repo: headRepo };
  const base = { ...pr.base, ref: p.baseRef ?? 'main', repo: baseRepo };
  return withRepository({ ...example, number: p.number, pull_request: { ...pr, number: p.number, head, base } });
}

/** One commit status the fake GitHub received. */
export interface RecordedStatus {
  owner: string;
  repo: string;
  sha: string;
  state: string;
  context: string;
  description?: string;
  target_url?: string;
  authorization: string | undefined;
}

/** A recording fake of GitHub's `POST /repos/{owner}/{repo}/statuses/{sha}` on 127.0.0.1. */
export async function startFakeGitHub(): Promise<{ url: string; statuses: RecordedStatus[]; close(): Promise<void> }> {
  const statuses: RecordedStatus[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const m = /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]{40})$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      const data = JSON.parse(body) as Omit<RecordedStatus, 'owner' | 'repo' | 'sha' | 'authorization'>;
      statuses.push({ owner: m[1]!, repo: m[2]!, sha: m[3]!, ...data, authorization: req.headers.authorization });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: statuses.length, state: data.state, context: data.context }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, statuses, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Polls `check` until it returns a value (not undefined/false); fails after `attempts` tries. Never a timing assertion: only a bound on waiting. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, attempts = 600, everyMs = 50): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}
