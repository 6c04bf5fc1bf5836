import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Who may read a run's report, its log sidecars and its record on `/runs`: whoever holds a
 * link the service handed out (a commit status's target_url, a line of the service's log),
 * which carries an HMAC-signed, expiring token for that one run; or whoever sends the read
 * token (`Authorization: Bearer <it>`), which reads every run. Logs show the code and output
 * of private repositories; the port being reachable is not a credential.
 */

/** The query parameter a signed link carries its token in. */
export const LINK_TOKEN_PARAM = 'token';

/** How long a signed link works unless configured (`webhook.reportLinkTtl`). */
export const DEFAULT_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The link-signing key when none is configured: derived from the webhook secret, so the
 * secret itself never signs anything else, and rotating the secret retires every link.
 */
export function deriveReportKey(webhookSecret: string): string {
  return createHmac('sha256', webhookSecret).update('tessera report links v1').digest('base64url');
}

/** Signs and checks report links. */
export interface ReportLinks {
  /** The token of a link to `runId`, valid until now + the lifetime. */
  sign(runId: string): string;
  /** True when `token` was signed for exactly `runId` and has not expired. Constant time in the signature. */
  verify(runId: string, token: unknown): boolean;
  /** `<publicUrl>/runs/<runId>?token=…`. */
  url(publicUrl: string, runId: string): string;
}

/** Options of {@link createReportLinks}. */
export interface ReportLinksOptions {
  key: string;
  /** @default 7 days */
  ttlMs?: number;
  /** @default () => new Date() */
  now?: () => Date;
}

const signature = (key: string, runId: string, expires: string) => createHmac('sha256', key).update(`tessera-run\0${runId}\0${expires}`).digest();

/**
 * Report links for one key. A token is `<expiry, Unix seconds in base 36>.<HMAC-SHA256 of the
 * run id and the expiry, base64url>`: bound to one run, so a link to one report opens no other.
 */
export function createReportLinks(options: ReportLinksOptions): ReportLinks {
  const ttlMs = options.ttlMs ?? DEFAULT_LINK_TTL_MS;
  const now = options.now ?? (() => new Date());
  const sign = (runId: string) => {
    const expires = Math.ceil((now().getTime() + ttlMs) / 1000).toString(36);
    return `${expires}.${signature(options.key, runId, expires).toString('base64url')}`;
  };
  return {
    sign,
    verify(runId, token) {
      if (typeof token !== 'string') return false;
      const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!match) return false;
      const [, expires, given] = match as unknown as [string, string, string];
      if (parseInt(expires, 36) * 1000 <= now().getTime()) return false;
      return timingSafeEqual(Buffer.from(given, 'base64url'), signature(options.key, runId, expires));
    },
    url: (publicUrl, runId) => `${publicUrl.replace(/\/$/, '')}/runs/${encodeURIComponent(runId)}?${LINK_TOKEN_PARAM}=${sign(runId)}`,
  };
}

/**
 * True when an `Authorization` header is `Bearer <readToken>`. Both sides are hashed first, so
 * the comparison takes the same time whatever the length or content of what was sent.
 */
export function checkReadToken(authorization: unknown, readToken: string | undefined): boolean {
  if (!readToken || typeof authorization !== 'string') return false;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (!match) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]!), digest(readToken));
}
