import { describe, expect, it } from '@jest/globals';
import { connect, createServer, type AddressInfo } from 'node:net';
import { checkedLookup, createGuardedFetch, UpstreamRefused } from './guarded-fetch.js';

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

describe('connect-time address check (DNS rebinding)', () => {
  type Answer = { address: string; family: number }[];
  const resolver = (answer: Answer) => (_host: string, _opts: object, cb: (err: NodeJS.ErrnoException | null, a: Answer) => void) => cb(null, answer);
  const run = (answer: Answer, all: boolean) =>
    new Promise<{ err: Error | null; result: unknown }>((resolve) => {
      checkedLookup(resolver(answer))('rebind.example', { all }, (err: Error | null, address: unknown) => resolve({ err, result: address }));
    });

  it('lets public addresses through, one or all', async () => {
    expect(await run([{ address: '93.184.216.34', family: 4 }], false)).toEqual({ err: null, result: '93.184.216.34' });
    const all = await run([{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 }], true);
    expect(all.err).toBeNull();
    expect(all.result).toHaveLength(2);
  });

  it('refuses a host that now resolves to a private address, even among public ones', async () => {
    for (const answer of [[{ address: '127.0.0.1', family: 4 }], [{ address: '93.184.216.34', family: 4 }, { address: '169.254.169.254', family: 4 }], []]) {
      const { err } = await run(answer, false);
      expect(err).toBeInstanceOf(UpstreamRefused);
    }
  });

  it('stops a real socket before it connects to a rebound address', async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: 'rebind.example', port, lookup: checkedLookup(resolver([{ address: '127.0.0.1', family: 4 }])) });
      socket.once('connect', () => resolve('connected'));
      socket.once('error', (err) => resolve(err.message));
    });
    server.close();
    expect(outcome).toMatch(/private address \(127\.0\.0\.1\)/);
  });
});
