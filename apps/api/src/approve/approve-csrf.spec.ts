import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { checkSameSite, csrfCookie, csrfFieldValue, csrfMatches, newCsrfSecret, readCookie } from './approve-csrf.js';

const key = randomBytes(32);
const link = `apt_${'b'.repeat(43)}`;

describe('approve form CSRF', () => {
  it('accepts the field made from the cookie for this link only', () => {
    const secret = newCsrfSecret();
    const field = csrfFieldValue(key, secret, link);
    expect(csrfMatches(key, secret, link, field)).toBe(true);
    expect(csrfMatches(key, secret, `apt_${'c'.repeat(43)}`, field)).toBe(false);
    expect(csrfMatches(key, newCsrfSecret(), link, field)).toBe(false);
    expect(csrfMatches(randomBytes(32), secret, link, field)).toBe(false);
    expect(csrfMatches(key, secret, link, undefined)).toBe(false);
    expect(csrfMatches(key, secret, link, ['x'])).toBe(false);
    expect(csrfMatches(key, undefined, link, field)).toBe(false);
    expect(csrfMatches(key, 'short', link, csrfFieldValue(key, 'short', link))).toBe(false);
    expect(csrfMatches(key, secret, link, field.slice(1))).toBe(false);
    expect(csrfMatches(key, secret, link, secret)).toBe(false);
  });

  it('sets an HttpOnly, SameSite=Lax cookie scoped to the links, Secure over https', () => {
    expect(csrfCookie('v', false)).toBe('gh_approve_csrf=v; Path=/v1/approve; Max-Age=86400; HttpOnly; SameSite=Lax');
    expect(csrfCookie('v', true)).toMatch(/; Secure$/);
    expect(readCookie('a=1; gh_approve_csrf=xyz; b=2', 'gh_approve_csrf')).toBe('xyz');
    expect(readCookie('gh_approve_csrf=first; gh_approve_csrf=second', 'gh_approve_csrf')).toBe('first');
    expect(readCookie(undefined, 'gh_approve_csrf')).toBeUndefined();
    expect(readCookie('xgh_approve_csrf=1', 'gh_approve_csrf')).toBeUndefined();
  });

  it('refuses form posts from other sites', () => {
    const own = ['http://127.0.0.1:8080', 'https://gatehouse.example.com'];
    expect(checkSameSite({}, own)).toEqual({ ok: true });
    expect(checkSameSite({ origin: 'http://127.0.0.1:8080', secFetchSite: 'same-origin' }, own)).toEqual({ ok: true });
    expect(checkSameSite({ origin: 'https://gatehouse.example.com' }, own)).toEqual({ ok: true });
    // Our pages say Referrer-Policy: no-referrer, so a browser posts their form with Origin: null.
    expect(checkSameSite({ origin: 'null', secFetchSite: 'same-origin' }, own)).toEqual({ ok: true });
    expect(checkSameSite({ origin: 'https://evil.example' }, own).ok).toBe(false);
    expect(checkSameSite({ origin: 'null', secFetchSite: 'cross-site' }, own).ok).toBe(false);
    expect(checkSameSite({ secFetchSite: 'cross-site' }, own).ok).toBe(false);
    expect(checkSameSite({ secFetchSite: 'same-site' }, own).ok).toBe(false);
    expect(checkSameSite({ origin: 'http://127.0.0.1:8080', secFetchSite: 'cross-site' }, own).ok).toBe(false);
  });
});
