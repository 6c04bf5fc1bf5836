import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, validateConfig } from '../../../tools/src/workspace/config.js';
import { resolveWebhookSettings } from '../../../tools/src/webhook/webhook-settings.js';
import { deriveReportKey } from '../../../tools/src/webhook/report-access.js';

const base = { root: '/ws', repoRoot: '/ws', flags: {} };

describe('resolveWebhookSettings', () => {
  it('refuses to resolve without a secret', () => {
    expect(() => resolveWebhookSettings({ ...base, config: DEFAULT_CONFIG, env: {} })).toThrow(expect.objectContaining({ code: 'TESSERA_WEBHOOK_SECRET_MISSING' }));
  });

  it('defaults: port 3000 on 127.0.0.1, the workspace repository, clone and database under the cache dir', () => {
    expect(resolveWebhookSettings({ ...base, config: DEFAULT_CONFIG, env: { TESSERA_WEBHOOK_SECRET: 's' } })).toMatchObject({
      port: 3000, host: '127.0.0.1', role: 'both', source: '/ws', cloneDir: '/ws/.tessera/webhook/clone', database: '/ws/.tessera/tessera.db', tags: false,
      maxBodyBytes: 25 * 1024 * 1024, leaseMs: 60_000, maxAttempts: 5, executor: 'local', githubApiUrl: 'https://api.github.com', githubToken: undefined, publicUrl: 'http://127.0.0.1:3000',
    });
  });

  it('flag beats variable beats config', () => {
    const { config } = validateConfig({ webhook: { port: 4000, host: '0.0.0.0', leaseSeconds: 2, cloneDir: 'clones/a', tags: true, githubApiUrl: 'http://ghe.local/api/v3' } });
    const env = { TESSERA_WEBHOOK_SECRET: 's', TESSERA_WEBHOOK_PORT: '5000', TESSERA_GITHUB_TOKEN: 't' };
    expect(resolveWebhookSettings({ ...base, config: config!, env })).toMatchObject({ port: 5000, host: '0.0.0.0', leaseMs: 2000, cloneDir: '/ws/clones/a', tags: true, githubApiUrl: 'http://ghe.local/api/v3', githubToken: 't' });
    expect(resolveWebhookSettings({ ...base, config: config!, env, flags: { port: '6000', role: 'work' } })).toMatchObject({ port: 6000, role: 'work' });
  });

  it.each([['port', { TESSERA_WEBHOOK_PORT: '70000' }], ['lease', { TESSERA_WEBHOOK_LEASE_MS: 'soon' }], ['role', { TESSERA_WEBHOOK_ROLE: 'boss' }]])('rejects a bad %s, quoting it', (_, env) => {
    expect(() => resolveWebhookSettings({ ...base, config: DEFAULT_CONFIG, env: { TESSERA_WEBHOOK_SECRET: 's', ...env } })).toThrow(/received "/);
  });

  it('the config schema checks the webhook keys, each located', () => {
    const { errors } = validateConfig({ webhook: { port: 'x', executor: 'cloud', secret: 'no' } });
    expect(errors.map((e) => e.location?.key).sort()).toEqual(['webhook.executor', 'webhook.port', 'webhook.secret']);
  });

  it('forks build by default, links last 7 days, signed with a key derived from the secret; a read token and a key of its own when given', () => {
    const defaults = resolveWebhookSettings({ ...base, config: DEFAULT_CONFIG, env: { TESSERA_WEBHOOK_SECRET: 's' } });
    expect(defaults).toMatchObject({ forks: 'build', readToken: undefined, reportKey: deriveReportKey('s'), reportLinkTtlMs: 7 * 86_400_000 });
    const { config } = validateConfig({ webhook: { forks: 'skip', reportLinkTtl: '12h', readToken: 'config-read-token-123' } });
    const env = { TESSERA_WEBHOOK_SECRET: 's', TESSERA_WEBHOOK_FORKS: 'build-and-preview', TESSERA_REPORT_KEY: 'k'.repeat(16) };
    expect(resolveWebhookSettings({ ...base, config: config!, env })).toMatchObject({ forks: 'build-and-preview', readToken: 'config-read-token-123', reportKey: 'k'.repeat(16), reportLinkTtlMs: 12 * 3_600_000 });
    expect(() => resolveWebhookSettings({ ...base, config: DEFAULT_CONFIG, env: { TESSERA_WEBHOOK_SECRET: 's', TESSERA_WEBHOOK_FORKS: 'always' } })).toThrow(/received "always"/);
    expect(() => resolveWebhookSettings({ ...base, config: DEFAULT_CONFIG, env: { TESSERA_WEBHOOK_SECRET: 's', TESSERA_REPORT_LINK_TTL: 'soon' } })).toThrow(/received "soon"/);
    expect(() => resolveWebhookSettings({ ...base, config: DEFAULT_CONFIG, env: { TESSERA_WEBHOOK_SECRET: 's', TESSERA_READ_TOKEN: 'short' } })).toThrow(/at least 16 characters/);
  });

  it('builds get build.env of this config, never one of the service\'s own values, and forks nothing; all of them are masked', () => {
    const { config } = validateConfig({ build: { env: { pass: ['NPM_TOKEN', 'GITHUB_TOKEN'] } } });
    const env = { TESSERA_WEBHOOK_SECRET: 'hook-secret', GITHUB_TOKEN: 'service-token', NPM_TOKEN: 'npm-token', TESSERA_READ_TOKEN: 'read-token-of-16-chars' };
    const settings = resolveWebhookSettings({ ...base, config: config!, env });
    expect(settings.buildEnv.pass).toEqual({ NPM_TOKEN: 'npm-token' });
    expect(settings.untrustedBuildEnv.pass).toEqual({});
    for (const value of ['hook-secret', 'service-token', 'npm-token', 'read-token-of-16-chars', settings.reportKey]) {
      expect(settings.buildEnv.secrets).toContain(value);
      expect(settings.untrustedBuildEnv.secrets).toContain(value);
    }
  });
});
