import { describe, expect, it } from '@jest/globals';
import { createGuardedFetch, UpstreamRefused } from './guarded-fetch.js';

/** A stand-in for the network: answers from a table, records what was asked. */
function fakeNetwork(routes: Record<string, () => Response>) {
  const asked: string[] = [];
  const fetchLike = (input: string | URL | Request): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    asked.push(url);
    const route = routes[url];
    return Promise.resolve(route ? route() : new Response('not found', { status: 404 }));
  };
  return { fetch: fetchLike, asked };
}

const redirect = (location: string, status = 302) => () => new Response(null, { status, headers: { location } });

describe('guarded fetch', () => {
  it('refuses a redirect to a private address without requesting it', async () => {
    const net = fakeNetwork({ 'https://93.184.216.34/mcp': redirect('http://169.254.169.254/latest/meta-data/') });
    await expect(createGuardedFetch(false, net.fetch)('https://93.184.216.34/mcp')).rejects.toThrow(UpstreamRefused);
    expect(net.asked).toEqual(['https://93.184.216.34/mcp']);
  });

  it('refuses decimal and IPv6-mapped spellings of loopback', async () => {
    const net = fakeNetwork({});
    for (const url of ['http://2130706433/', 'http://[::ffff:7f00:1]/']) {
      await expect(createGuardedFetch(false, net.fetch)(url)).rejects.toThrow(UpstreamRefused);
    }
    expect(net.asked).toEqual([]);
  });

  it('follows public redirects, turning a 303 into a GET', async () => {
    const net = fakeNetwork({
      'https://93.184.216.34/a': redirect('/b', 303),
      'https://93.184.216.34/b': () => new Response('ok', { status: 200 }),
    });
    const res = await createGuardedFetch(false, net.fetch)('https://93.184.216.34/a', { method: 'POST', body: 'x' });
    expect(await res.text()).toBe('ok');
    expect(net.asked).toEqual(['https://93.184.216.34/a', 'https://93.184.216.34/b']);
  });

  it('stops redirect loops', async () => {
    const net = fakeNetwork({ 'https://93.184.216.34/loop': redirect('/loop') });
    await expect(createGuardedFetch(false, net.fetch)('https://93.184.216.34/loop')).rejects.toThrow(/redirects/);
  });

  it('lets private targets through when the operator allows them', async () => {
    const net = fakeNetwork({ 'http://127.0.0.1:3001/mcp': () => new Response('ok') });
    expect((await createGuardedFetch(true, net.fetch)('http://127.0.0.1:3001/mcp')).status).toBe(200);
  });
});
