import { createHash } from 'node:crypto';

/**
 * The HTML of the public approve/deny links: plain server-rendered pages, no
 * script at all, one inline stylesheet allowed by its hash. Everything that
 * comes from data is escaped here, in one place.
 */

const CSS = `
:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.45}
body{margin:0;background:#f4f5f7;color:#1d2129}
main{max-width:42rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:10px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 .75rem}
h2{font-size:1rem;margin:1.25rem 0 .5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0}
dt{font-weight:600;color:#555}
dd{margin:0;overflow-wrap:anywhere}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f0f1f3;padding:.75rem;border-radius:6px;overflow:auto;max-height:24rem;white-space:pre-wrap;overflow-wrap:anywhere}
fieldset{border:1px solid #ccd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
fieldset label{display:inline-block;margin:.25rem 1rem .25rem 0}
.note,.meta{color:#555;font-size:.9rem}
.actions{display:flex;gap:.75rem;margin-top:1rem}
button{font:inherit;padding:.55rem 1.4rem;border-radius:6px;border:1px solid transparent;cursor:pointer}
.approve{background:#1a7f37;color:#fff}
.deny{background:#fff;color:#b42318;border-color:#b42318}
.status-approved{color:#1a7f37}
.status-denied,.status-error{color:#b42318}
@media (prefers-color-scheme:dark){body{background:#111318;color:#e6e6e6}main{background:#1b1e24}dt,.note,.meta{color:#aab}pre{background:#262a31}.deny{background:#1b1e24}}
`;

const STYLE_HASH = `sha256-${createHash('sha256').update(CSS).digest('base64')}`;

/** No scripts, no frames, forms only to ourselves, the one stylesheet above. */
export const PAGE_CSP = `default-src 'none'; style-src '${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

/** Sent with every answer of the approve links, pages and JSON alike. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': PAGE_CSP,
  'X-Frame-Options': 'DENY',
  // The link token is in the URL: never leak it to another site, never keep the page.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Robots-Tag': 'noindex, nofollow',
};

export const DURATION_LABELS = { once: 'This call only', '1h': '1 hour', '8h': '8 hours', '24h': '24 hours' } as const;
type Duration = keyof typeof DURATION_LABELS;

/** What the page shows of a pending approval. */
export interface ApprovalPageView {
  id: string;
  orgSlug: string | null;
  agentId: string | null;
  connectorName: string;
  toolName: string;
  argsSummary: unknown;
  credentialId: string;
  credentialName: string | null;
  reason: string;
  createdAt: Date;
  expiresAt: Date;
}

/** What the confirmation shows of a decided approval. */
export interface DecidedView {
  id: string;
  status: string;
  connectorName: string;
  toolName: string;
  credentialId: string;
  duration: string | null;
  grantExpiresAt: Date | null;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The redacted argument summary, pretty-printed; escaped by the caller like any other text. */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value ?? {}, null, 2) ?? 'null';
  } catch {
    return '(arguments could not be shown)';
  }
}

export function relativeTime(to: Date, now: Date): string {
  const seconds = Math.round((to.getTime() - now.getTime()) / 1000);
  if (seconds <= 0) return 'now';
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return `in ${hours} hour${hours === 1 ? '' : 's'}`;
}

function utc(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function time(d: Date): string {
  return `<time datetime="${d.toISOString()}">${utc(d)}</time>`;
}

function layout(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)} · Gatehouse</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    `<body><main>${body}</main></body>`,
    '</html>',
    '',
  ].join('\n');
}

function row(label: string, valueHtml: string): string {
  return `<dt>${escapeHtml(label)}</dt><dd>${valueHtml}</dd>`;
}

const code = (s: string): string => `<code>${escapeHtml(s)}</code>`;

/**
 * The decision page. The form posts back to the link itself (a relative
 * action, so a path prefix in front of the api keeps working) with the CSRF
 * value; Approve is the first button, so Enter approves once.
 */
export function renderApprovalPage(a: ApprovalPageView, opts: { linkToken: string; csrfToken: string; now: Date }): string {
  const who = a.credentialName ? `${escapeHtml(a.credentialName)} (${code(a.credentialId)})` : code(a.credentialId);
  const radios = (Object.keys(DURATION_LABELS) as Duration[])
    .map(
      (d) =>
        `<label><input type="radio" name="duration" value="${d}"${d === 'once' ? ' checked' : ''}> ${escapeHtml(DURATION_LABELS[d])}</label>`,
    )
    .join('\n');
  const body = `
<h1>Approval requested</h1>
<p>An agent${a.orgSlug ? ` of <strong>${escapeHtml(a.orgSlug)}</strong>` : ''} wants to call ${code(a.toolName)} on ${code(a.connectorName)}.</p>
<dl>
${row('Organisation', a.orgSlug ? escapeHtml(a.orgSlug) : '—')}
${row('Agent', a.agentId ? code(a.agentId) : '—')}
${row('Connector', code(a.connectorName))}
${row('Tool', code(a.toolName))}
${row('Asked by', `credential ${who}`)}
${row('Policy reason', escapeHtml(a.reason))}
${row('Requested', time(a.createdAt))}
${row('Expires', `${time(a.expiresAt)} (${relativeTime(a.expiresAt, opts.now)})`)}
${row('Approval', code(a.id))}
</dl>
<h2>Arguments (redacted summary)</h2>
<pre>${escapeHtml(prettyJson(a.argsSummary))}</pre>
<form method="post" action="${escapeHtml(encodeURIComponent(opts.linkToken))}">
<input type="hidden" name="csrf_token" value="${escapeHtml(opts.csrfToken)}">
<fieldset>
<legend>If approved, allow</legend>
${radios}
</fieldset>
<p class="note">Any choice other than “this call only” lets the same credential call ${code(a.toolName)} on ${code(a.connectorName)} without asking until it ends.</p>
<div class="actions">
<button type="submit" name="action" value="approve" class="approve">Approve</button>
<button type="submit" name="action" value="deny" class="deny">Deny</button>
</div>
</form>`;
  return layout(`Approve ${a.toolName} on ${a.connectorName}?`, body);
}

/** The headline of a decision: "Approved for 1h", "Approved once", "Denied". */
export function decisionHeadline(d: Pick<DecidedView, 'status' | 'duration'>): string {
  if (d.status !== 'approved') return 'Denied';
  return !d.duration || d.duration === 'once' ? 'Approved once' : `Approved for ${d.duration}`;
}

export function renderDecidedPage(d: DecidedView): string {
  const headline = decisionHeadline(d);
  const call = `${code(d.toolName)} on ${code(d.connectorName)}`;
  const detail =
    d.status !== 'approved'
      ? `The call to ${call} was denied and will not be made.`
      : d.grantExpiresAt
        ? `The held call to ${call} goes ahead, and credential ${code(d.credentialId)} may call it without asking until ${time(d.grantExpiresAt)}.`
        : `The held call to ${call} goes ahead, this once.`;
  const body = `
<h1 class="status-${d.status === 'approved' ? 'approved' : 'denied'}">${escapeHtml(headline)}</h1>
<p>${detail}</p>
<p class="meta">Approval ${code(d.id)}. This link cannot be used again; you can close this page.</p>`;
  return layout(headline, body);
}

const ERROR_TITLES: Record<number, string> = {
  400: 'This request is not valid',
  403: 'This request was refused',
  410: 'This link can no longer be used',
  413: 'This request is too large',
  415: 'This request is not valid',
  429: 'Too many requests',
};

export function renderErrorPage(e: { status: number; message: string; requestId: string; retryAfterSeconds?: number }): string {
  const title = ERROR_TITLES[e.status] ?? (e.status >= 500 ? 'Something went wrong' : 'This request could not be completed');
  const body = `
<h1 class="status-error">${escapeHtml(title)}</h1>
<p>${escapeHtml(e.message)}</p>
${e.retryAfterSeconds ? `<p>Try again in ${e.retryAfterSeconds} second${e.retryAfterSeconds === 1 ? '' : 's'}.</p>` : ''}
<p class="meta">HTTP ${e.status} · request ${code(e.requestId)}</p>`;
  return layout(title, body);
}
