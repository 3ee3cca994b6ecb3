import { APPROVAL_REQUESTED } from './webhook-signature.js';

/** What a notification says about an approval; the arguments are the stored, already redacted summary. */
export interface ApprovalNotice {
  id: string;
  org: { id: string; slug: string | null };
  connector: string;
  tool: string;
  agentId: string | null;
  credentialId: string;
  reason: string;
  arguments: unknown;
  expiresAt: Date;
  requestedAt: Date;
}

export interface ApprovalLinks {
  approve: string;
  deny: string;
}

export interface WebhookPayload {
  event: typeof APPROVAL_REQUESTED;
  approval: {
    id: string;
    org: { id: string; slug: string | null };
    connector: string;
    tool: string;
    agent_id: string | null;
    credential_id: string;
    reason: string;
    arguments: unknown;
    requested_at: string;
    expires_at: string;
  };
  links: ApprovalLinks;
}

export function webhookPayload(n: ApprovalNotice, links: ApprovalLinks): WebhookPayload {
  return {
    event: APPROVAL_REQUESTED,
    approval: {
      id: n.id,
      org: n.org,
      connector: n.connector,
      tool: n.tool,
      agent_id: n.agentId,
      credential_id: n.credentialId,
      reason: n.reason,
      arguments: n.arguments,
      requested_at: n.requestedAt.toISOString(),
      expires_at: n.expiresAt.toISOString(),
    },
    links,
  };
}

type SlackText = { type: 'mrkdwn' | 'plain_text'; text: string };
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; elements: { type: 'button'; text: SlackText; url: string; style?: 'primary' | 'danger'; action_id: string }[] };

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
  /** A link preview fetches the URL: it must never be what opens (or, for deny, uses) a link. */
  unfurl_links: false;
  unfurl_media: false;
}

/** Slack's section text limit is 3000 characters; the arguments get what is left after the fence. */
const MAX_ARGS_TEXT = 2800;

/** Slack mrkdwn treats &, < and > as control characters. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An incoming-webhook body: `text` is the fallback shown in notifications,
 * `blocks` the message (what is asked, by whom, until when) with the approve
 * and deny links as URL buttons, repeated as plain links for clients that do
 * not render buttons.
 */
export function slackPayload(n: ApprovalNotice, links: ApprovalLinks): SlackPayload {
  const call = `${n.connector}__${n.tool}`;
  const org = n.org.slug ?? n.org.id;
  let args = JSON.stringify(n.arguments ?? {}, null, 2);
  if (args.length > MAX_ARGS_TEXT) args = `${args.slice(0, MAX_ARGS_TEXT)}\n… (truncated)`;
  const expires = n.expiresAt.toISOString();
  return {
    unfurl_links: false,
    unfurl_media: false,
    text: `Approval needed in ${org}: ${call} (${n.id}), expires ${expires}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Approval needed' } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Organisation*\n${slackEscape(org)}` },
          { type: 'mrkdwn', text: `*Tool*\n\`${slackEscape(call)}\`` },
          { type: 'mrkdwn', text: `*Agent*\n${slackEscape(n.agentId ?? '—')}` },
          { type: 'mrkdwn', text: `*Credential*\n${slackEscape(n.credentialId)}` },
          { type: 'mrkdwn', text: `*Expires*\n<!date^${Math.floor(n.expiresAt.getTime() / 1000)}^{date_short_pretty} {time}|${expires}>` },
          { type: 'mrkdwn', text: `*Approval*\n${slackEscape(n.id)}` },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: `*Why*\n${slackEscape(n.reason)}` } },
      { type: 'section', text: { type: 'mrkdwn', text: `*Arguments* (redacted)\n\`\`\`${slackEscape(args)}\`\`\`` } },
      {
        type: 'actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Approve…' }, url: links.approve, style: 'primary', action_id: 'approve' },
          { type: 'button', text: { type: 'plain_text', text: 'Deny' }, url: links.deny, style: 'danger', action_id: 'deny' },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<${links.approve}|Approve> · <${links.deny}|Deny> — the links work once.` }] },
    ],
  };
}
