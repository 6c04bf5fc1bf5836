import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, validateConfig } from '../../../tools/src/workspace/config.js';

describe('build.env in tessera.config.json', () => {
  it('defaults to passing nothing and listing no extra secret', () => {
    expect(DEFAULT_CONFIG.build).toEqual({ buildspec: null, env: { pass: [], secret: [] } });
    expect(validateConfig({}).config!.build).toEqual({ buildspec: null, env: { pass: [], secret: [] } });
  });

  it('reads the names to pass and the extra secrets, once each', () => {
    const { config, errors } = validateConfig({ build: { env: { pass: ['NPM_TOKEN', 'NPM_TOKEN', 'AWS_ACCESS_KEY_ID'], secret: ['SENTRY_AUTH_TOKEN'] } } });
    expect(errors).toEqual([]);
    expect(config!.build.env).toEqual({ pass: ['NPM_TOKEN', 'AWS_ACCESS_KEY_ID'], secret: ['SENTRY_AUTH_TOKEN'] });
  });

  it('refuses to pass the service\'s own secrets, or a name it also calls secret, each located', () => {
    const { config, errors } = validateConfig({ build: { env: { pass: ['NPM_TOKEN', 'TESSERA_WEBHOOK_SECRET', 'TESSERA_GITHUB_TOKEN', 'SENTRY'], secret: ['SENTRY'] } } });
    expect(config).toBeNull();
    expect(errors.map((e) => [e.location?.key, e.text])).toEqual([
      ['build.env.pass.1', 'build.env.pass.1 "TESSERA_WEBHOOK_SECRET" is a secret of tessera serve, which never reaches a build'],
      ['build.env.pass.2', 'build.env.pass.2 "TESSERA_GITHUB_TOKEN" is a secret of tessera serve, which never reaches a build'],
      ['build.env.pass.3', 'build.env.pass.3 "SENTRY" is also listed in build.env.secret'],
    ]);
  });

  it('refuses what is not a variable name, and unknown keys', () => {
    const { errors } = validateConfig({ build: { env: { pass: ['A-B', '1X'], secrets: [] }, shell: 'sh' } });
    expect(errors.map((e) => e.location?.key).sort()).toEqual(['build.env.pass.0', 'build.env.pass.1', 'build.env.secrets', 'build.shell']);
  });

  it('checks the webhook\'s fork policy, read token and link lifetime', () => {
    expect(validateConfig({ webhook: { forks: 'build-and-preview', readToken: 'r'.repeat(32), reportLinkTtl: '12h' } }).errors).toEqual([]);
    const { errors } = validateConfig({ webhook: { forks: 'always', readToken: 'short', reportKey: 'k', reportLinkTtl: 'forever' } });
    expect(errors.map((e) => e.location?.key).sort()).toEqual(['webhook.forks', 'webhook.readToken', 'webhook.reportKey', 'webhook.reportLinkTtl']);
  });
});
