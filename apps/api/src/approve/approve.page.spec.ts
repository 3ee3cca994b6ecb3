import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { decisionHeadline, escapeHtml, PAGE_CSP, relativeTime, renderApprovalPage, renderDecidedPage, renderErrorPage, type ApprovalPageView } from './approve.page.js';

const now = new Date('2026-11-23T09:00:00.000Z');
const view = (over: Partial<ApprovalPageView> = {}): ApprovalPageView => ({
  id: 'appr_01jb2m4c8q3r5s7t9v1w3x5y7z',
  orgSlug: 'acme',
  agentId: 'agt_1',
  connectorName: 'demo',
  toolName: 'send_email',
  argsSummary: { to: '[REDACTED:email]', body: 'hello' },
  credentialId: 'key_1',
  credentialName: null,
  reason: 'matched rule 0 of policy "prod"',
  createdAt: now,
  expiresAt: new Date(now.getTime() + 15 * 60_000),
  ...over,
});
const token = `apt_${'a'.repeat(43)}`;

describe('approve page', () => {
  it('shows what is asked and a script-free form with the duration picker, once preselected', () => {
    const html = renderApprovalPage(view(), { linkToken: token, csrfToken: 'csrf-value', now });
    for (const text of ['acme', 'agt_1', 'demo', 'send_email', 'key_1', 'matched rule 0 of policy &#34;prod&#34;', '2026-11-23 09:15:00 UTC', 'in 15 minutes']) {
      expect(html).toContain(text);
    }
    expect(html).toContain(`<form method="post" action="${token}">`);
    expect(html).toContain('<input type="hidden" name="csrf_token" value="csrf-value">');
    expect(html.match(/type="radio" name="duration"/g)).toHaveLength(4);
    expect(html).toContain('value="once" checked');
    expect(html).not.toMatch(/value="(1h|8h|24h)" checked/);
    expect(html).toContain('name="action" value="approve"');
    expect(html).toContain('name="action" value="deny"');
    expect(html).not.toMatch(/<script|onclick|onload|javascript:/i);
  });

  it('escapes everything that comes from data, the argument summary as pretty JSON', () => {
    const evil = '<img src=x onerror=alert(1)>"\'&';
    const html = renderApprovalPage(
      view({ connectorName: evil, toolName: `</code>${evil}`, reason: evil, orgSlug: evil, agentId: evil, credentialName: evil, argsSummary: { html: '</pre><script>alert(1)</script>' } }),
      { linkToken: token, csrfToken: '"><script>', now },
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;&#34;&#39;&#38;');
    expect(html).toContain('{\n  &#34;html&#34;: &#34;&#60;/pre&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#34;\n}');
  });

  it('allows its one inline stylesheet by hash and nothing else', () => {
    const html = renderDecidedPage({ id: 'appr_1', status: 'denied', connectorName: 'd', toolName: 't', credentialId: 'k', duration: null, grantExpiresAt: null });
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256').update(styles[0]).digest('base64');
    expect(PAGE_CSP).toBe(`default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`);
  });

  it('confirms the decision in words', () => {
    expect(decisionHeadline({ status: 'approved', duration: '1h' })).toBe('Approved for 1h');
    expect(decisionHeadline({ status: 'approved', duration: 'once' })).toBe('Approved once');
    expect(decisionHeadline({ status: 'denied', duration: null })).toBe('Denied');
    const html = renderDecidedPage({
      id: 'appr_1', status: 'approved', connectorName: 'demo', toolName: 'send_email', credentialId: 'key_1', duration: '8h',
      grantExpiresAt: new Date('2026-11-23T17:00:00.000Z'),
    });
    expect(html).toContain('Approved for 8h');
    expect(html).toContain('2026-11-23 17:00:00 UTC');
  });

  it('renders errors with status, escaped message, request id and retry hint', () => {
    const html = renderErrorPage({ status: 429, message: 'Too <many>', requestId: 'req_1', retryAfterSeconds: 7 });
    expect(html).toContain('Too many requests');
    expect(html).toContain('Too &#60;many&#62;');
    expect(html).toContain('Try again in 7 seconds');
    expect(html).toContain('req_1');
    expect(renderErrorPage({ status: 410, message: 'gone', requestId: 'r' })).toContain('This link can no longer be used');
  });

  it('says when something expires', () => {
    expect(relativeTime(new Date(now.getTime() + 30_000), now)).toBe('in 30 seconds');
    expect(relativeTime(new Date(now.getTime() + 3 * 3600_000), now)).toBe('in 3 hours');
    expect(relativeTime(new Date(now.getTime() - 1000), now)).toBe('now');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
