import { describe, expect, it } from 'vitest';
import { checkReadToken, createReportLinks, deriveReportKey } from '../../../tools/src/webhook/report-access.js';

const RUN = '20261122-140501-3fa2';

describe('createReportLinks', () => {
  let clock = Date.parse('2026-11-22T14:00:00Z');
  const links = createReportLinks({ key: 'k'.repeat(32), ttlMs: 3_600_000, now: () => new Date(clock) });

  it('signs a link to one run that verifies until it expires', () => {
    const token = links.sign(RUN);
    expect(token).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    expect(links.verify(RUN, token)).toBe(true);
    clock += 3_599_000;
    expect(links.verify(RUN, token)).toBe(true);
    clock += 2_000;
    expect(links.verify(RUN, token)).toBe(false);
  });

  it('refuses another run, another key, a changed expiry or signature, and what is not a token', () => {
    const token = links.sign(RUN);
    expect(links.verify(`${RUN}x`, token)).toBe(false);
    expect(createReportLinks({ key: 'another key of 32 characters....', now: () => new Date(clock) }).verify(RUN, token)).toBe(false);
    const [expires, signature] = token.split('.') as [string, string];
    expect(links.verify(RUN, `${(parseInt(expires, 36) + 3600).toString(36)}.${signature}`)).toBe(false);
    expect(links.verify(RUN, `${expires}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    for (const bad of [undefined, null, 42, ['a'], '', 'x.y', `${expires}.`, `${expires}.${signature}=`]) expect(links.verify(RUN, bad)).toBe(false);
  });

  it('makes the URL of the report, token in the query', () => {
    expect(links.url('https://ci.example/', RUN)).toMatch(new RegExp(`^https://ci\\.example/runs/${RUN}\\?token=[0-9a-z]+\\.[\\w-]{43}$`));
  });
});

describe('deriveReportKey and checkReadToken', () => {
  it('derives a key of its own from the webhook secret, another for another secret', () => {
    expect(deriveReportKey('s1')).toBe(deriveReportKey('s1'));
    expect(deriveReportKey('s1')).not.toBe(deriveReportKey('s2'));
    expect(deriveReportKey('s1')).not.toContain('s1');
  });

  it('accepts exactly `Bearer <read token>`', () => {
    expect(checkReadToken('Bearer the-token', 'the-token')).toBe(true);
    expect(checkReadToken('bearer the-token', 'the-token')).toBe(true);
    for (const header of [undefined, '', 'the-token', 'Bearer the-token2', 'Bearer the-toke', 'Basic dGhlLXRva2Vu', 'Bearer']) expect(checkReadToken(header, 'the-token')).toBe(false);
    expect(checkReadToken('Bearer x', undefined)).toBe(false);
  });
});
