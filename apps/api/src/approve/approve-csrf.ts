import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Double-submit CSRF for the approve form: a random value in an HttpOnly,
 * SameSite=Lax cookie scoped to the links, and in the form an HMAC of it
 * bound to the one link, so a value seen on one page is useless on another
 * and the cookie itself never appears in the page. Lax, not Strict: links
 * are opened from chat or mail (a cross-site navigation), where a Strict
 * cookie is not sent, so each opened link would replace the cookie and break
 * the form of every other open page; cross-site posts still carry no Lax
 * cookie, and the Origin / Sec-Fetch-Site check refuses them anyway.
 */

export const CSRF_COOKIE = 'gh_approve_csrf';
export const CSRF_FIELD = 'csrf_token';
export const CSRF_COOKIE_PATH = '/v1/approve';
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newCsrfSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function isCsrfSecret(value: string | undefined): value is string {
  return value !== undefined && SECRET_SHAPE.test(value);
}

/** The hidden field's value for this cookie secret and this link. */
export function csrfFieldValue(key: Buffer, secret: string, linkToken: string): string {
  return createHmac('sha256', key).update('approve-form\0').update(secret).update('\0').update(linkToken).digest('base64url');
}

/** Constant-time comparison of the posted field with what the cookie implies. */
export function csrfMatches(key: Buffer, secret: string | undefined, linkToken: string, field: unknown): boolean {
  if (!isCsrfSecret(secret) || typeof field !== 'string') return false;
  const expected = Buffer.from(csrfFieldValue(key, secret, linkToken));
  const given = Buffer.from(field);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function csrfCookie(secret: string, secure: boolean): string {
  return `${CSRF_COOKIE}=${secret}; Path=${CSRF_COOKIE_PATH}; Max-Age=86400; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** One cookie's value out of a Cookie header; of duplicates the first wins (browsers send the most specific path first). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export type SiteCheck = { ok: true } | { ok: false; why: string };

/**
 * Is a form post coming from our own page? `Sec-Fetch-Site` when the browser
 * sends it; otherwise an `Origin` that is one of ours. `Origin: null` is what
 * a browser sends for a form post from a page with `Referrer-Policy:
 * no-referrer` (ours), so it only passes with `Sec-Fetch-Site: same-origin`
 * or, from browsers that send neither, on the strength of the CSRF token.
 */
export function checkSameSite(headers: { origin?: string; secFetchSite?: string }, ownOrigins: readonly string[]): SiteCheck {
  const site = headers.secFetchSite?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return { ok: false, why: `Sec-Fetch-Site is ${site}` };
  const origin = headers.origin;
  if (origin === undefined) return { ok: true };
  if (origin === 'null') return site === undefined || site === 'same-origin' ? { ok: true } : { ok: false, why: 'Origin is null' };
  return ownOrigins.includes(origin.toLowerCase()) ? { ok: true } : { ok: false, why: `Origin ${origin} is another site` };
}
