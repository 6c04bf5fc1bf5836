import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../tools/src/cli/main.js';
import { createDeliveriesStore } from '../../tools/src/webhook/deliveries-store.js';
import { captureIo } from '../support/capture-io.js';
import { useTempDirs } from '../support/temp-dirs.js';
import { createTinyRepo, pushPayload, ZERO } from '../support/webhook-fixtures.js';

const tempDir = useTempDirs('cli-deliveries');

function workspaceWithDeliveries() {
  const dir = tempDir();
  const store = createDeliveriesStore(join(dir, '.tessera/tessera.db'));
  const payload = JSON.stringify(pushPayload({ ref: 'refs/heads/x', before: ZERO, after: 'a'.repeat(40) }));
  store.receive({ id: 'one', event: 'push', action: null, key: 'push:acme/tiny:refs/heads/x', payload, state: 'queued', reason: null, receivedAt: '2026-01-01T00:00:00.000Z' });
  store.receive({ id: 'two', event: 'issues', action: 'opened', key: null, payload: '{}', state: 'ignored', reason: 'not acted on', receivedAt: '2026-01-01T00:00:01.000Z' });
  const owner = 'elsewhere:1:x';
  store.claim(owner, 60_000, 5);
  store.addNote('one', 'comparing a .. b');
  store.finish('one', owner, { state: 'failed', error: 'TESSERA_WEBHOOK_FETCH_FAILED: gone' });
  store.close();
  return dir;
}

describe('tessera deliveries', () => {
  it('lists deliveries as a JSON array, newest first, in the documented shape', async () => {
    const dir = workspaceWithDeliveries();
    const io = captureIo(dir);
    expect(await main(['deliveries', 'list', '--json'], io)).toBe(0);
    const list = JSON.parse(io.out());
    expect(list).toEqual([
      { id: 'two', event: 'issues', state: 'ignored', receivedAt: '2026-01-01T00:00:01.000Z', action: 'opened', reason: 'not acted on', attempts: 0 },
      { id: 'one', event: 'push', state: 'failed', receivedAt: '2026-01-01T00:00:00.000Z', error: 'TESSERA_WEBHOOK_FETCH_FAILED: gone', attempts: 1 },
    ]);
    const text = captureIo(dir);
    expect(await main(['deliveries', '--state', 'failed'], text)).toBe(0);
    expect(text.out()).toMatch(/^one\s+failed\s+push/);
    expect(text.out()).not.toContain('two');
  });

  it('shows one delivery with its payload and notes, and replays it', async () => {
    const dir = workspaceWithDeliveries();
    const show = captureIo(dir);
    expect(await main(['deliveries', 'show', 'one', '--json'], show)).toBe(0);
    expect(JSON.parse(show.out())).toMatchObject({ id: 'one', key: 'push:acme/tiny:refs/heads/x', payload: { ref: 'refs/heads/x' }, notes: [{ text: 'comparing a .. b' }] });
    const replay = captureIo(dir);
    expect(await main(['deliveries', 'replay', 'one', '--json'], replay)).toBe(0);
    expect(JSON.parse(replay.out())).toEqual({ id: 'one', event: 'push', state: 'queued', receivedAt: '2026-01-01T00:00:00.000Z', attempts: 0 });
  });

  it('names the missing delivery and the next command', async () => {
    const dir = workspaceWithDeliveries();
    const io = captureIo(dir);
    expect(await main(['deliveries', 'show', 'nope'], io)).toBe(2);
    expect(io.err()).toContain('TESSERA_WEBHOOK_DELIVERY_NOT_FOUND');
    expect(io.err()).toContain('tessera deliveries list');
  });
});

describe('tessera serve', () => {
  it('refuses to start without a secret', async () => {
    const repo = createTinyRepo();
    try {
      const io = captureIo(repo.dir, {});
      expect(await main(['serve', '--port', '0'], io)).toBe(2);
      expect(io.err()).toContain('TESSERA_WEBHOOK_SECRET_MISSING');
    } finally {
      repo.cleanup();
    }
  });

  it('--json prints one document once listening, and the interrupt names what it stops', async () => {
    const repo = createTinyRepo();
    const controller = new AbortController();
    try {
      const io = captureIo(repo.dir, { TESSERA_WEBHOOK_SECRET: 's' }, controller.signal);
      const served = main(['serve', '--role', 'receive', '--port', '0', '--json'], io);
      while (!io.err().includes('tessera serve: listening')) await new Promise((r) => setTimeout(r, 10));
      const doc = JSON.parse(io.out()) as { listening: string; role: string; database: string; source: string | null };
      expect(doc).toMatchObject({ listening: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), role: 'receive', source: null });
      expect(doc.database).toContain(repo.dir);
      expect((await fetch(`${doc.listening}/healthz`)).status).toBe(200);
      controller.abort('SIGTERM');
      expect(await served).toBe(0);
      expect(JSON.parse(io.out())).toEqual(doc); // still one document: nothing more on stdout
      expect(io.err()).toContain('SIGTERM: stopping the webhook service (press Ctrl-C again to exit at once)');
      expect(io.err()).not.toContain('every started build');
    } finally {
      repo.cleanup();
    }
  });

  it('rejects an invalid port, quoting it', async () => {
    const repo = createTinyRepo();
    try {
      const io = captureIo(repo.dir, { TESSERA_WEBHOOK_SECRET: 's' });
      expect(await main(['serve', '--port', 'eighty'], io)).toBe(2);
      expect(io.err()).toContain('received "eighty"');
    } finally {
      repo.cleanup();
    }
  });
});
