import { describe, expect, it } from 'vitest';
import { computeBase64Forms, createSecretMasker, MASK } from '../../../tools/src/executors/mask-secrets.js';
import { resolveBuildEnvironment } from '../../../tools/src/executors/resolve-build-env.js';
import { pickInheritedEnv } from '../../../tools/src/buildspec/build-environment.js';

const SECRET = 'ghp_S3cr3tT0kenValue1234567890';

/** Every way base64 can hold `text` at some offset: decoded from each of the four alignments. */
function decodedAnywhere(encoded: string): string {
  return [0, 1, 2, 3].map((skip) => Buffer.from(encoded.slice(skip).replace(/[^A-Za-z0-9+/]/g, ''), 'base64').toString('latin1')).join('\n');
}

describe('createSecretMasker', () => {
  const mask = createSecretMasker([SECRET, 'hunter22', undefined, '', 'ab']);

  it('masks the plain value wherever it is', () => {
    expect(mask(`token=${SECRET}; again ${SECRET}.`)).toBe(`token=${MASK}; again ${MASK}.`);
  });

  it.each([0, 1, 2, 3, 4, 5, 17])('masks the value inside base64 output, %i bytes after the start', (before) => {
    for (const after of ['', 'x', 'yz', '\nMORE=1']) {
      const text = `${'p'.repeat(before)}${SECRET}${after}`;
      const encoded = Buffer.from(text).toString('base64');
      const masked = mask(`B64 ${encoded} end`);
      expect(masked).toContain(MASK);
      // What is left of the encoding no longer decodes to the secret, at any alignment.
      expect(decodedAnywhere(masked)).not.toContain(SECRET);
      expect(decodedAnywhere(masked)).not.toContain(SECRET.slice(0, 12));
    }
  });

  it('catches the value in `env | base64 -w0` of a whole environment', () => {
    const env = Object.entries({ PATH: '/usr/bin:/bin', HOME: '/home/x', TOKEN: SECRET, OTHER: 'hunter22', Z: '1' }).map(([k, v]) => `${k}=${v}\n`).join('');
    const masked = mask(Buffer.from(env).toString('base64'));
    expect(decodedAnywhere(masked)).not.toContain(SECRET.slice(4, 20));
    expect(decodedAnywhere(masked)).not.toContain('hunter22');
  });

  it('masks base64url too, and each line of a multi-line secret', () => {
    const key = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END KEY-----';
    const m = createSecretMasker([key, '\u00ff\u00fe>>>???']);
    expect(m('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC')).toBe(MASK);
    const url = Buffer.from('\u00ff\u00fe>>>???').toString('base64url');
    expect(m(`jwt ${url}`)).toContain(MASK);
  });

  it('leaves short values and text without secrets alone, and masks a longer secret whole', () => {
    expect(mask('ab abc 1 yes')).toBe('ab abc 1 yes');
    const nested = createSecretMasker(['abcd', 'xxabcdyy']);
    expect(nested('xxabcdyy abcd')).toBe(`${MASK} ${MASK}`);
    expect(createSecretMasker([])('anything')).toBe('anything');
  });

  it('escapes values that look like regular expressions', () => {
    expect(createSecretMasker(['a.b*c(d)']) ('a.b*c(d) aXbbbcd')).toBe(`${MASK} aXbbbcd`);
  });

  it('gives three alignments of forms, none containing bytes from outside the value', () => {
    const forms = computeBase64Forms('0123456789');
    expect(forms).toHaveLength(3);
    for (const form of forms) expect(Buffer.from('..0123456789..').toString('base64') + Buffer.from('.0123456789').toString('base64') + Buffer.from('0123456789').toString('base64')).toContain(form);
  });
});

describe('resolveBuildEnvironment', () => {
  const env = { NPM_TOKEN: 'npm_abcdef', AWS_SECRET_ACCESS_KEY: 'aws-secret-key', SENTRY: 'sentry-token', GITHUB_TOKEN: 'service-token', PLAIN: 'x', EMPTY: '' };

  it('passes the named variables that are set, and masks every known and listed secret', () => {
    const built = resolveBuildEnvironment({ pass: ['NPM_TOKEN', 'MISSING', 'EMPTY'], secret: ['SENTRY'] }, env);
    expect(built.pass).toEqual({ NPM_TOKEN: 'npm_abcdef' });
    expect([...built.secrets].sort()).toEqual(['aws-secret-key', 'npm_abcdef', 'sentry-token', 'service-token']);
  });

  it('passes nothing to untrusted builds, and never a value that is one of the caller\'s own secrets', () => {
    expect(resolveBuildEnvironment({ pass: ['NPM_TOKEN'], secret: [] }, env, { untrusted: true }).pass).toEqual({});
    const service = resolveBuildEnvironment({ pass: ['GITHUB_TOKEN', 'NPM_TOKEN'], secret: [] }, env, { extraSecrets: ['service-token', 'derived-key'] });
    expect(service.pass).toEqual({ NPM_TOKEN: 'npm_abcdef' });
    expect(service.secrets).toContain('derived-key');
  });
});

describe('pickInheritedEnv', () => {
  it('keeps PATH, HOME, the locale, TMPDIR and CI, and nothing else', () => {
    const picked = pickInheritedEnv({ PATH: '/bin', HOME: '/h', LANG: 'C.UTF-8', LC_ALL: 'C', LC_CTYPE: 'C', TMPDIR: '/tmp', CI: '1', TESSERA_WEBHOOK_SECRET: 's', AWS_ACCESS_KEY_ID: 'k', NODE_OPTIONS: '--x', LCX: 'no', UNSET: undefined });
    expect(picked).toEqual({ PATH: '/bin', HOME: '/h', LANG: 'C.UTF-8', LC_ALL: 'C', LC_CTYPE: 'C', TMPDIR: '/tmp', CI: '1' });
  });
});
