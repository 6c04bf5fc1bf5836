import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../tools/src/workspace/read-workspace.js';
import { startService } from '../../tools/src/pipelines/start-service.js';
import { resolveWebhookSettings } from '../../tools/src/webhook/webhook-settings.js';
import { REPO_ROOT } from '../support/sample-repo.js';
import { createTinyRepo, eventually } from '../support/webhook-fixtures.js';

/** The `body=` and `curl` lines of a snippet: the part that posts the signed push. */
function readPostScript(markdown: string): string {
  const block = /```sh\n\s*(export TESSERA_WEBHOOK_SECRET=dev-secret[\s\S]*?)```/.exec(markdown)![1]!;
  const lines = block.split('\n').map((l) => l.replace(/^ {2}/, ''));
  const start = lines.findIndex((l) => l.trimStart().startsWith('body='));
  const end = lines.findIndex((l, i) => i > start && /-d "\$body"\s*$/.test(l));
  return lines.slice(start, end + 1).join('\n');
}

describe.each(['README.md', 'docs/webhook.md'])('the signed-push script of %s', (file) => {
  it('posts a push the service verifies, stores and builds', async () => {
    const script = readPostScript(readFileSync(join(REPO_ROOT, file), 'utf8'));
    expect(script).toContain('openssl dgst -sha256 -hmac');
    const repo = createTinyRepo();
    const home = mkdtempSync(join(tmpdir(), 'tessera-readme-'));
    repo.write('apps/beta/src/main.tsx', "export const page = 'changed';\n");
    const head = repo.commit('change beta');
    const settings = resolveWebhookSettings({
      config: readConfig(repo.dir), root: repo.dir, repoRoot: repo.dir,
      env: { TESSERA_WEBHOOK_SECRET: 'dev-secret', TESSERA_WEBHOOK_CLONE_DIR: join(home, 'clone'), TESSERA_WEBHOOK_DB: join(home, 'db'), TESSERA_WEBHOOK_POLL_MS: '50' },
      flags: { port: '0' },
    });
    const service = await startService({ settings, log: () => {} });
    try {
      // Not execFileSync: the service answers on this process's event loop.
      const { stdout: answer } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script.replaceAll('127.0.0.1:3000', `127.0.0.1:${service.port}`)], { cwd: repo.dir, env: { ...process.env, TESSERA_WEBHOOK_SECRET: 'dev-secret' }, encoding: 'utf8' });
      expect(JSON.parse(answer)).toMatchObject({ state: 'queued' });
      const [delivery] = service.deliveries.list();
      const done = await eventually(() => {
        const d = service.deliveries.read(delivery!.id);
        return d.state !== 'queued' && d.state !== 'running' && d;
      }, 'the delivery to finish');
      expect(done).toMatchObject({ state: 'done', runId: expect.any(String) });
      expect(done.notes.map((n) => n.text)).toContain(`comparing ${repo.git('rev-parse', 'HEAD~1')} .. ${head}`);
    } finally {
      await service.close();
      repo.cleanup();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
