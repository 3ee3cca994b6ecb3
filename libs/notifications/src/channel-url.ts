/**
 * How a channel's URL is shown in API answers. A Slack incoming-webhook URL
 * is itself the credential (whoever has it can post), and webhook URLs often
 * carry tokens in the path or query, so answers keep only what identifies
 * the endpoint: scheme, host, port, the first path segment and the last four
 * characters. The full URL is only ever sent to, never read back.
 */
export function maskChannelUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '…';
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const rest = segments.slice(1).join('/') + url.search;
  const head = segments[0] ? `/${segments[0]}` : '';
  if (!rest) return `${url.origin}${head}`;
  const tail = rest.length > 12 ? rest.slice(-4) : '';
  return `${url.origin}${head}/…${tail}`;
}
