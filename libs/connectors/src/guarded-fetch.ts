import { lookup } from 'node:dns/promises';
import { checkUpstreamUrl, isForbiddenAddress } from './upstream-address.js';

export class UpstreamRefused extends Error {}

const MAX_REDIRECTS = 5;

type Fetch = typeof fetch;

/**
 * fetch for upstream MCP servers: every hop (the first request and each
 * redirect) is parsed, its host resolved, and refused if any address is
 * private, loopback or link-local — unless the operator allowed private
 * upstreams. Redirects are followed by hand so that none escapes the check.
 */
export function createGuardedFetch(allowPrivate: boolean, base: Fetch = fetch): Fetch {
  const assertAllowed = async (target: string): Promise<void> => {
    const check = checkUpstreamUrl(target, allowPrivate);
    if (!check.ok) throw new UpstreamRefused(`upstream URL ${check.reason}`);
    if (allowPrivate || check.literalAddress) return;
    const addresses = await lookup(check.url.hostname, { all: true, verbatim: true });
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad) throw new UpstreamRefused(`upstream host ${check.url.hostname} resolves to a private address (${bad.address})`);
  };

  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let request: RequestInit = { ...init, redirect: 'manual' };
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      await assertAllowed(url);
      const res = await base(url, request);
      if (res.status < 300 || res.status >= 400 || !res.headers.get('location')) return res;
      url = new URL(res.headers.get('location')!, url).href;
      if (res.status === 303) request = { ...request, method: 'GET', body: undefined };
    }
    throw new UpstreamRefused(`more than ${MAX_REDIRECTS} redirects`);
  };
  return guarded;
}
