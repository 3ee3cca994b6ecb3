import { BlockList, isIP } from 'node:net';

/**
 * Addresses an upstream may never resolve to unless the operator allows
 * private upstreams: loopback, RFC 1918, CGNAT, link-local (cloud metadata),
 * unique-local, multicast, unspecified, documentation and benchmark ranges.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96], ['100::', 64],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** IPv4 inside IPv6 (`::ffff:a.b.c.d`, `::ffff:7f00:1`, `::a.b.c.d`) is judged as the IPv4 it carries. */
export function embeddedIpv4(ip: string): string | null {
  const lower = ip.toLowerCase();
  const dotted = /^(?:0*:)*(?:::)?(?:ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower.replace(/^::ffff:/, '::ffff:'));
  if (dotted && isIP(dotted[1]) === 4) return dotted[1];
  const hex = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

export function isForbiddenAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').split('%')[0];
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4) return blocked.check(v4, 'ipv4');
    return blocked.check(bare, 'ipv6');
  }
  return true; // not an address at all: refuse rather than guess
}

export type UpstreamUrlCheck = { ok: true; url: URL; literalAddress: string | null } | { ok: false; reason: string };

/**
 * Parses with the WHATWG parser, which already turns decimal (2130706433), hex
 * (0x7f.1) and octal (0177.0.0.1) IPv4 spellings into dotted form.
 */
export function checkUpstreamUrl(raw: string, allowPrivate: boolean): UpstreamUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'must use http or https' };
  if (url.username || url.password) return { ok: false, reason: 'must not embed credentials; use headers' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host) ? host : null;
  if (!allowPrivate) {
    if (literal && isForbiddenAddress(literal)) return { ok: false, reason: `targets a private, loopback or link-local address (${literal})` };
    if (!literal && (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local'))) {
      return { ok: false, reason: `targets a local host name (${host})` };
    }
  }
  return { ok: true, url, literalAddress: literal };
}
