import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunsStore } from '../../tools/src/runs/runs-store.js';
import { createDeliveriesStore } from '../../tools/src/webhook/deliveries-store.js';
import { REPO_ROOT } from '../support/sample-repo.js';
import { createSeededRandom } from '../support/seeded-random.js';
import { createRemote, createTinyRepo, deliveryHeaders, eventually, pushPayload, ZERO } from '../support/webhook-fixtures.js';

const SECRET = 'crash-secret';
const BIN = join(REPO_ROOT, 'tools/bin/tessera.js');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

interface Child {
  process: ChildProcess;
  url: Promise<string>;
  stderr: () => string;
}

function startChild(cwd: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1'], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`tessera serve exited (${code}) before listening:\n${text}`)));
  });
  url.catch(() => {});
  return { process: child, url, stderr: () => text };
}

function kill9(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGKILL');
  });
}

describe('tessera serve survives kill -9 at random points of the pipeline', () => {
  it('completes every accepted delivery exactly once, and never builds one version twice', async () => {
    // The build takes long enough for kills to land inside it, not only between deliveries.
    const repo = createTinyRepo('sleep 0.3; echo "built $TESSERA_APP $TESSERA_VERSION"');
    cleanups.push(() => repo.cleanup());
    const remote = createRemote(repo);
    cleanups.push(() => remote.cleanup());
    const home = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const env = {
      TESSERA_WEBHOOK_SECRET: SECRET, TESSERA_WEBHOOK_SOURCE: remote.dir, TESSERA_WEBHOOK_CLONE_DIR: join(home, 'clone'), TESSERA_WEBHOOK_DB: join(home, 'tessera.db'),
      TESSERA_WEBHOOK_POLL_MS: '50', TESSERA_WEBHOOK_LEASE_MS: '3000', TESSERA_WEBHOOK_MAX_ATTEMPTS: '100', CI: '1',
    };

    // Six branches, each changing both apps in its own way: twelve distinct versions.
    const pushes: { id: string; payload: unknown }[] = [];
    for (let i = 0; i < 6; i++) {
      repo.git('checkout', '-q', '-B', `b${i}`, 'main');
      repo.write('libs/shared/src/greet.ts', `export const greet = (who: string): string => \`v${i} \${who}\`;\n`);
      repo.write('apps/beta/src/main.tsx', `export const page = 'beta ${i}';\n`);
      const after = repo.commit(`branch ${i}`);
      repo.git('push', '-q', 'origin', `b${i}`);
      pushes.push({ id: `crash-${i}`, payload: pushPayload({ ref: `refs/heads/b${i}`, before: ZERO, after }) });
    }
    const send = async (url: string, p: { id: string; payload: unknown }) => {
      const body = JSON.stringify(p.payload);
      return (await fetch(`${url}/webhooks/github`, { method: 'POST', headers: deliveryHeaders(SECRET, 'push', body, p.id), body })).status;
    };

    const children: Child[] = [];
    const spawnChild = () => {
      const c = startChild(repo.dir, env);
      children.push(c);
      cleanups.push(() => kill9(c));
      return c;
    };

    let child = spawnChild();
    const accepted = new Set<string>();
    for (const p of pushes) if ((await send(await child.url, p)) === 202) accepted.add(p.id);
    expect(accepted.size).toBe(pushes.length);

    const random = createSeededRandom(7);
    const db = join(home, 'tessera.db');
    const doneCount = () => {
      const store = createDeliveriesStore(db);
      try {
        return store.list({ limit: 100 }).filter((d) => d.state === 'done').length;
      } finally {
        store.close();
      }
    };
    for (let round = 0; round < 4; round++) {
      // A random point: after a random amount of progress or a random moment, whichever is first.
      const target = Math.min(pushes.length - 1, doneCount() + Math.floor(random() * 2));
      const delay = 150 + Math.floor(random() * 1200);
      await Promise.race([
        new Promise((r) => setTimeout(r, delay)),
        eventually(() => doneCount() >= target, 'progress', 400).catch(() => undefined),
      ]);
      await kill9(child);
      child = spawnChild();
      // GitHub redelivers what it thinks failed: a repeated id is acknowledged and ignored.
      expect(await send(await child.url, pushes[round]!)).toBe(200);
    }

    await eventually(() => doneCount() === pushes.length, 'every delivery to be done', 1200);
    await kill9(child);

    const store = createDeliveriesStore(db);
    const runs = createRunsStore(db);
    cleanups.push(() => (store.close(), runs.close()));
    const deliveries = store.list({ limit: 100 });
    expect(deliveries.map((d) => [d.id, d.state]).sort()).toEqual(pushes.map((p) => [p.id, 'done']).sort());
    // The kills landed inside the pipeline: some delivery had to be resumed.
    expect(deliveries.some((d) => d.attempts > 1), JSON.stringify(deliveries.map((d) => d.attempts))).toBe(true);

    // Completed exactly once: each delivery was finished by exactly one worker.
    const finishes = children.flatMap((c) => [...c.stderr().matchAll(/ (crash-\d+): (done|failed)/g)].map((m) => m[1]!));
    for (const p of pushes) expect(finishes.filter((id) => id === p.id).length, p.id).toBeLessThanOrEqual(1);

    // No version built twice; every version of every branch built (or found built) once.
    const succeeded = new Map<string, number>();
    for (const summary of runs.listRuns({ limit: 1000 })) {
      for (const job of runs.readRun(summary.id).jobs) if (job.status === 'SUCCEEDED') succeeded.set(`${job.app}@${job.version}`, (succeeded.get(`${job.app}@${job.version}`) ?? 0) + 1);
    }
    expect([...succeeded.values()].every((n) => n === 1), JSON.stringify([...succeeded])).toBe(true);
    for (const d of deliveries) {
      const run = runs.readRun(d.runId!);
      expect(run.status, d.id).toBe('SUCCEEDED');
      expect(run.jobs.map((j) => j.app).sort()).toEqual(['alpha', 'beta']);
      for (const job of run.jobs) expect(succeeded.get(`${job.app}@${job.version}`), `${d.id} ${job.app}`).toBe(1);
    }
    expect(succeeded.size).toBe(pushes.length * 2);
  });
});
