import { describe, expect, it } from '@jest/globals';
import { slackEscape, slackPayload, webhookPayload, type ApprovalNotice } from './approval-payload.js';

const notice: ApprovalNotice = {
  id: 'appr_01jb2m4c8q3r5s7t9v1w3x5y7z',
  org: { id: 'org_01jb2m4c8q3r5s7t9v1w3x5y7z', slug: 'acme' },
  connector: 'mail',
  tool: 'send_email',
  agentId: 'agent_01jb2m4c8q3r5s7t9v1w3x5y7z',
  credentialId: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z',
  reason: 'matched rule 0 of policy "<prod>"',
  arguments: { to: '[REDACTED:email]', subject: 'Q3 & Q4' },
  expiresAt: new Date('2026-11-23T09:15:00.000Z'),
  requestedAt: new Date('2026-11-23T09:00:00.000Z'),
};
const links = { approve: 'https://gh.example/v1/approve/apt_x?action=approve', deny: 'https://gh.example/v1/approve/apt_x?action=deny' };

describe('approval payloads', () => {
  it('webhook: the event, what is asked (arguments as the redacted summary) and both links', () => {
    expect(webhookPayload(notice, links)).toEqual({
      event: 'approval.requested',
      approval: {
        id: notice.id,
        org: { id: notice.org.id, slug: 'acme' },
        connector: 'mail',
        tool: 'send_email',
        agent_id: notice.agentId,
        credential_id: notice.credentialId,
        reason: notice.reason,
        arguments: { to: '[REDACTED:email]', subject: 'Q3 & Q4' },
        requested_at: '2026-11-23T09:00:00.000Z',
        expires_at: '2026-11-23T09:15:00.000Z',
      },
      links,
    });
  });

  it('slack: incoming-webhook shape with a fallback text, escaped fields and URL buttons, never unfurled', () => {
    const p = slackPayload(notice, links);
    expect(p.text).toContain('acme');
    expect(p.text).toContain('mail__send_email');
    expect(p.text).not.toContain('apt_x');
    expect(p).toMatchObject({ unfurl_links: false, unfurl_media: false });
    const actions = p.blocks.find((b) => b.type === 'actions');
    expect(actions).toEqual({
      type: 'actions',
      elements: [
        expect.objectContaining({ type: 'button', url: links.approve, style: 'primary' }),
        expect.objectContaining({ type: 'button', url: links.deny, style: 'danger' }),
      ],
    });
    const text = JSON.stringify(p.blocks);
    expect(text).toContain('&lt;prod&gt;');
    expect(text).toContain('Q3 &amp; Q4');
    expect(text).not.toContain('<prod>');
  });

  it('slack: long arguments are cut to fit a section', () => {
    const p = slackPayload({ ...notice, arguments: { blob: 'x'.repeat(10_000) } }, links);
    for (const block of p.blocks) {
      if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
    expect(JSON.stringify(p.blocks)).toContain('(truncated)');
  });

  it('escapes Slack control characters', () => {
    expect(slackEscape('<a> & <b>')).toBe('&lt;a&gt; &amp; &lt;b&gt;');
  });
});
