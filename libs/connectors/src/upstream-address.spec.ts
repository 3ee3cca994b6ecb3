import { describe, expect, it } from '@jest/globals';
import { checkUpstreamUrl, isForbiddenAddress } from './upstream-address.js';

describe('upstream address policy', () => {
  it.each([
    'http://127.0.0.1/', 'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.1/', 'http://0/',
    'http://10.1.2.3/', 'http://172.16.9.9/', 'http://192.168.1.1/', 'http://169.254.169.254/latest/meta-data',
    'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[::ffff:a9fe:a9fe]/', 'http://[fe80::1]/',
    'http://[fd00::1]/', 'http://localhost:3000/', 'http://api.localhost/', 'http://100.64.0.1/', 'http://[::]/',
  ])('refuses %s', (url) => {
    expect(checkUpstreamUrl(url, false)).toMatchObject({ ok: false });
  });

  it.each(['https://mcp.example.com/mcp', 'http://8.8.8.8/', 'http://[2606:4700::1111]/', 'https://93.184.216.34:8443/mcp'])('accepts %s', (url) => {
    expect(checkUpstreamUrl(url, false)).toMatchObject({ ok: true });
  });

  it('allows private targets when the operator says so', () => {
    expect(checkUpstreamUrl('http://127.0.0.1:3001/mcp', true)).toMatchObject({ ok: true, literalAddress: '127.0.0.1' });
  });

  it('refuses other schemes and embedded credentials', () => {
    expect(checkUpstreamUrl('file:///etc/passwd', true)).toMatchObject({ ok: false });
    expect(checkUpstreamUrl('gopher://x/', true)).toMatchObject({ ok: false });
    expect(checkUpstreamUrl('https://u:p@mcp.example.com/', true)).toMatchObject({ ok: false });
    expect(checkUpstreamUrl('not a url', true)).toMatchObject({ ok: false });
  });

  it('judges resolved addresses, including IPv4-mapped IPv6', () => {
    expect(isForbiddenAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isForbiddenAddress('::ffff:8.8.8.8')).toBe(false);
    expect(isForbiddenAddress('fe80::1%eth0')).toBe(true);
    expect(isForbiddenAddress('1.1.1.1')).toBe(false);
    expect(isForbiddenAddress('not-an-ip')).toBe(true);
  });
});
