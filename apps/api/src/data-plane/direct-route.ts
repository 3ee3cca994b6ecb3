import type { IncomingHttpHeaders } from 'node:http';

export type DirectRoute = { kind: 'check'; template: '/v1/check' } | { kind: 'mcp'; template: '/mcp/:orgSlug'; orgSlug: string };

const CHECK: DirectRoute = { kind: 'check', template: '/v1/check' };
const MCP_PATH = /^\/mcp\/([a-z0-9-]{1,64})$/;
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset\s*=\s*(?:utf-8|"utf-8")\s*)?$/i;

/**
 * The direct route a request takes, or null when Express's router and Nest's
 * pipeline must answer it. Only the data plane's one hot shape qualifies: a
 * POST to /v1/check or /mcp/<slug> (exact path, any query) with a non-empty,
 * unencoded, UTF-8 JSON body. Everything else — other methods, a trailing
 * slash or escaped slug, no body, another media type, gzip — keeps the Nest
 * route, which answers it exactly as before (415, 404, …).
 */
export function directRouteOf(method: string | undefined, url: string | undefined, headers: IncomingHttpHeaders): DirectRoute | null {
  if (method !== 'POST' || url === undefined) return null;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  let route: DirectRoute;
  if (path === '/v1/check') route = CHECK;
  else {
    const m = MCP_PATH.exec(path);
    if (!m) return null;
    route = { kind: 'mcp', template: '/mcp/:orgSlug', orgSlug: m[1] };
  }
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return null;
  const hasBody = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
  if (!hasBody || !PLAIN_JSON.test(headers['content-type'] ?? '')) return null;
  return route;
}
