import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { checkUpstreamUrl, isForbiddenAddress } from './upstream-address.js';

export class UpstreamRefused extends Error {}

type Fetch = typeof fetch;

/** How host names are resolved (dns.lookup's shape, every address); tests give their own. */
export type Resolve = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * The address check again at connect time, on the addresses the socket is
 * about to use: a host that resolved to a public address for the check and
 * to a private one a moment later (DNS rebinding) is refused here.
 */
export function checkedLookup(resolve: Resolve = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { family: options.family, hints: options.hints, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => isForbiddenAddress(a.address));
      if (bad || addresses.length === 0) {
        const refused: NodeJS.ErrnoException = new UpstreamRefused(
          bad ? `upstream host ${hostname} resolves to a private address (${bad.address})` : `upstream host ${hostname} has no address`,
        );
        refused.code = 'EUPSTREAMREFUSED';
        return callback(refused, '', 0);
      }
      // net asks for every address when it races IPv4 and IPv6 (autoSelectFamily).
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

let publicOnly: Agent | undefined;
/** One pooled dispatcher per process whose every connection goes through checkedLookup. */
function publicOnlyDispatcher(): Agent {
  publicOnly ??= new Agent({ connect: { lookup: checkedLookup() } });
  return publicOnly;
}

let anyAddress: Agent | undefined;
/**
 * The undici dispatcher for upstream requests: connect-time checked unless private upstreams are allowed (with
 * `resolve`, a dispatcher of its own that resolves names with it, checked alike).
 */
export function upstreamDispatcher(allowPrivate: boolean, resolve?: Resolve): Agent {
  if (!allowPrivate) return resolve ? new Agent({ connect: { lookup: checkedLookup(resolve) } }) : publicOnlyDispatcher();
  anyAddress ??= new Agent();
  return anyAddress;
}

/**
 * Refuses an upstream URL that is malformed or names a private address or a local host name (unless allowed),
 * without resolving it: enough for a request sent through `upstreamDispatcher`, which checks every address it
 * connects to.
 */
export function assertUpstreamUrl(target: string, allowPrivate: boolean): { url: URL; literalAddress: string | null } {
  const check = checkUpstreamUrl(target, allowPrivate);
  if (!check.ok) throw new UpstreamRefused(`upstream URL ${check.reason}`);
  return check;
}

/** Refuses an upstream URL that is malformed, or whose host resolves to a private address (unless allowed). */
export async function assertUpstreamAllowed(target: string, allowPrivate: boolean): Promise<void> {
  const check = assertUpstreamUrl(target, allowPrivate);
  if (allowPrivate || check.literalAddress) return;
  const addresses = await lookup(check.url.hostname, { all: true, verbatim: true });
  const bad = addresses.find((a) => isForbiddenAddress(a.address));
  if (bad) throw new UpstreamRefused(`upstream host ${check.url.hostname} resolves to a private address (${bad.address})`);
}

export const MAX_UPSTREAM_REDIRECTS = 5;

/**
 * fetch for upstream MCP servers: every hop (the first request and each
 * redirect) is parsed, its host resolved, and refused if any address is
 * private, loopback or link-local — unless the operator allowed private
 * upstreams. Redirects are followed by hand so that none escapes the check,
 * and the addresses are checked once more as each connection is made.
 */
export function createGuardedFetch(allowPrivate: boolean, base?: Fetch): Fetch {
  // With the real network, connections are checked again as they are made (see checkedLookup).
  const send: Fetch =
    base ?? (allowPrivate ? fetch : (input, init) => fetch(input, { ...init, dispatcher: publicOnlyDispatcher() }));
  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let request: RequestInit = { ...init, redirect: 'manual' };
    for (let hop = 0; hop <= MAX_UPSTREAM_REDIRECTS; hop++) {
      await assertUpstreamAllowed(url, allowPrivate);
      const res = await send(url, request).catch((err: unknown) => {
        // fetch wraps what the connect-time check said in "fetch failed"; say it plainly.
        const cause = err instanceof Error ? err.cause : undefined;
        throw cause instanceof UpstreamRefused ? cause : err;
      });
      if (res.status < 300 || res.status >= 400 || !res.headers.get('location')) return res;
      url = new URL(res.headers.get('location')!, url).href;
      if (res.status === 303) request = { ...request, method: 'GET', body: undefined };
    }
    throw new UpstreamRefused(`more than ${MAX_UPSTREAM_REDIRECTS} redirects`);
  };
  return guarded;
}
