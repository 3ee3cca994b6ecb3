import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { z } from 'zod';
import { UpstreamRefused, type Resolve } from './guarded-fetch.js';
import { parseJsonRpcMessage, STREAM_ENDED, StreamableHttpClientTransport, UpstreamHttpError } from './streamable-http.transport.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  );
});

async function serve(handler: Handler): Promise<{ url: URL; seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] }> {
  const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`), seen };
}

function transport(url: URL): { t: StreamableHttpClientTransport; received: JSONRPCMessage[] } {
  const t = new StreamableHttpClientTransport(url, { headers: { authorization: 'Bearer upstream-secret' }, allowPrivateUpstreams: true });
  const received: JSONRPCMessage[] = [];
  t.onmessage = (m) => received.push(m);
  return { t, received };
}

const ping = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, method: 'ping' });

describe('StreamableHttpClientTransport', () => {
  it('aborts the POST of a request once its cancellation has been sent, and leaves others running', async () => {
    const closed: string[] = [];
    const { url } = await serve((req, res, body) => {
      const m = JSON.parse(body) as { id?: number; method: string };
      if (m.method === 'notifications/cancelled') return void res.writeHead(202).end();
      // Requests are never answered: only an abort from the client ends them.
      res.on('close', () => closed.push(`${m.id}`));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
    });
    const { t } = transport(url);
    await t.send(ping(7));
    await t.send(ping(8));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toEqual([]);
    await t.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'timed out' } });
    for (let i = 0; i < 50 && closed.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(closed).toEqual(['7']);
    await t.close();
  });

  it('carries a real SDK client against a real MCP server answering JSON', async () => {
    const { url } = await serve((req, res, body) => {
      const mcp = new McpServer({ name: 'json-upstream', version: '1' });
      mcp.registerTool('echo', { inputSchema: { message: z.string() } }, ({ message }) => ({ content: [{ type: 'text', text: `echo ${message}` }] }));
      const t = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      void mcp.connect(t).then(() => t.handleRequest(req, res, JSON.parse(body)));
    });
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(new StreamableHttpClientTransport(url, { allowPrivateUpstreams: true }));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
    expect(await client.callTool({ name: 'echo', arguments: { message: 'hi' } })).toMatchObject({ content: [{ type: 'text', text: 'echo hi' }] });
    await client.close();
  });

  it('keeps the session id and protocol version it is given, and sends the connector headers', async () => {
    let n = 0;
    const { url, seen } = await serve((_req, res) => {
      n++;
      res.writeHead(200, { 'content-type': 'application/json', ...(n === 1 ? { 'mcp-session-id': 'sess-1' } : {}) });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: n, result: {} }));
    });
    const { t, received } = transport(url);
    await t.send(ping(1));
    t.setProtocolVersion('2025-06-18');
    await t.send(ping(2));
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }, { jsonrpc: '2.0', id: 2, result: {} }]);
    expect(t.sessionId).toBe('sess-1');
    expect(seen[0].headers['mcp-session-id']).toBeUndefined();
    expect(seen[1].headers).toMatchObject({ 'mcp-session-id': 'sess-1', 'mcp-protocol-version': '2025-06-18', authorization: 'Bearer upstream-secret' });
    expect(seen[1].headers.accept).toBe('application/json, text/event-stream');
  });

  it('reads SSE answers in any chunking, skipping comments and other events', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\r\n\r\nevent: other\r\ndata: {"x":1}\r\n\r\ndata: {"jsonrpc":"2.0","method":"notifications/message",');
      setTimeout(() => res.end('"params":{"level":"info","data":"x"}}\r\n\r\ndata: {"jsonrpc":"2.0","id":7,"result":{"ok":true}}\r\n\r\n'), 20);
    });
    const { t, received } = transport(url);
    await t.send(ping(7));
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } },
      { jsonrpc: '2.0', id: 7, result: { ok: true } },
    ]);
  });

  it('answers a request at once with an error when its stream ends or breaks before the answer', async () => {
    const { url } = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': working\n\n');
      setTimeout(() => (req.url === '/mcp' ? res.end() : res.destroy()), 20);
    });
    const { t, received } = transport(url);
    await t.send(ping(1));
    const broken = transport(new URL('/broken', url));
    await broken.t.send(ping(2));
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'the upstream ended the stream before answering', data: STREAM_ENDED } }]);
    expect(broken.received).toEqual([{ jsonrpc: '2.0', id: 2, error: { code: -32000, message: expect.stringMatching(/^the upstream stream broke: /) as unknown, data: STREAM_ENDED } }]);
  });

  it('closes a stream the upstream keeps open after answering, once a grace period is over', async () => {
    let closed = false;
    const { url } = await serve((_req, res) => {
      res.on('close', () => (closed = true));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"jsonrpc":"2.0","id":1,"result":{}}\n\n');
    });
    const t = new StreamableHttpClientTransport(url, { allowPrivateUpstreams: true, streamLingerMs: 50 });
    const received: JSONRPCMessage[] = [];
    t.onmessage = (m) => received.push(m);
    await t.send(ping(1));
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    expect(closed).toBe(true);
  });

  it('accepts a 202 for a notification and throws the status of a failed POST', async () => {
    const { url } = await serve((_req, res, body) => {
      if (body.includes('notifications/')) return void res.writeHead(202).end();
      res.writeHead(404, { 'content-type': 'text/plain' }).end('session not found');
    });
    const { t } = transport(url);
    await expect(t.send({ jsonrpc: '2.0', method: 'notifications/initialized' })).resolves.toBeUndefined();
    const err = await t.send(ping(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamHttpError);
    expect((err as UpstreamHttpError).status).toBe(404);
    expect((err as Error).message).toContain('session not found');
  });

  it('tells a lost session (404 or 400 to a request that carried one) from other refusals', async () => {
    let refused = 0;
    const { url } = await serve((req, res, body) => {
      if (!req.headers['mcp-session-id'] && !body.includes('"id":0')) {
        return void res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's-1' }).end('{"jsonrpc":"2.0","id":1,"result":{}}');
      }
      res.writeHead(refused++ === 1 ? 404 : 400, { 'content-type': 'text/plain' }).end('unknown session');
    });
    expect(await transport(url).t.send(ping(0)).catch((e: unknown) => e)).toMatchObject({ status: 400, sessionLost: false });
    const { t } = transport(url);
    await t.send(ping(1));
    expect(await t.send(ping(2)).catch((e: unknown) => e)).toMatchObject({ status: 404, sessionLost: true });
    expect(await t.send(ping(3)).catch((e: unknown) => e)).toMatchObject({ status: 400, sessionLost: true });
  });

  it('follows a same-origin 307 with the same body, and no other redirect', async () => {
    const { url, seen } = await serve((req, res) => {
      if (req.url === '/mcp') return void res.writeHead(307, { location: '/mcp2' }).end();
      if (req.url === '/mcp2') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{}}');
      if (req.url === '/moved') return void res.writeHead(302, { location: '/mcp2' }).end();
      res.writeHead(307, { location: 'http://127.0.0.2:1/mcp' }).end();
    });
    const { t, received } = transport(url);
    await t.send(ping(1));
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    expect(seen.map((s) => [s.url, s.method, s.body])).toEqual([
      ['/mcp', 'POST', JSON.stringify(ping(1))],
      ['/mcp2', 'POST', JSON.stringify(ping(1))],
    ]);
    await expect(transport(new URL('/moved', url)).t.send(ping(2))).rejects.toThrow(/Redirect not followed/);
    await expect(transport(new URL('/elsewhere', url)).t.send(ping(3))).rejects.toThrow(/Redirect not followed/);
  });

  it('refuses a private upstream unless private upstreams are allowed', async () => {
    const { url, seen } = await serve((_req, res) => res.writeHead(200).end());
    const t = new StreamableHttpClientTransport(url, { allowPrivateUpstreams: false });
    await expect(t.send(ping(1))).rejects.toBeInstanceOf(UpstreamRefused);
    expect(seen).toEqual([]);
  });

  it('refuses, as it connects, a host name that resolves to a private address, without a lookup of its own', async () => {
    const { url, seen } = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    const lookups: string[] = [];
    const resolve: Resolve = (host, _opts, cb) => {
      lookups.push(host);
      cb(null, [{ address: '127.0.0.1', family: 4 }]);
    };
    const t = new StreamableHttpClientTransport(new URL(`http://upstream.example:${url.port}/mcp`), { allowPrivateUpstreams: false, resolve });
    await expect(t.send(ping(1))).rejects.toThrow(/upstream host upstream.example resolves to a private address \(127.0.0.1\)/);
    expect(lookups).toEqual(['upstream.example']);
    expect(seen).toEqual([]);
  });

  it('aborts what is in flight when closed', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': held open\n\n');
    });
    const { t, received } = transport(url);
    let closed = false;
    t.onclose = () => (closed = true);
    await t.send(ping(1));
    await t.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(true);
    expect(received).toEqual([]);
    await expect(t.send(ping(2))).rejects.toThrow(/closed/);
  });
});

describe('parseJsonRpcMessage', () => {
  /** The union's own answer: the parsed message, or that it throws. */
  const viaUnion = (raw: unknown) => {
    const r = JSONRPCMessageSchema.safeParse(raw);
    return r.success ? { ok: true, data: r.data } : { ok: false };
  };
  const ours = (raw: unknown) => {
    try {
      return { ok: true, data: parseJsonRpcMessage(raw) };
    } catch {
      return { ok: false };
    }
  };
  // Valid messages of each member of the union, and the same with one key removed, added or given another value.
  const id = fc.oneof(fc.integer(), fc.string());
  const text = fc.record({ content: fc.array(fc.record({ type: fc.constant('text'), text: fc.string() })) }, { requiredKeys: [] });
  const error = fc.record({ code: fc.integer(), message: fc.string(), data: fc.jsonValue() }, { requiredKeys: ['code', 'message'] });
  const params = fc.dictionary(fc.string(), fc.jsonValue());
  const valid = fc.oneof(
    fc.record({ jsonrpc: fc.constant('2.0'), id, result: fc.oneof(text, params) }),
    fc.record({ jsonrpc: fc.constant('2.0'), id, error }, { requiredKeys: ['jsonrpc', 'error'] }),
    fc.record({ jsonrpc: fc.constant('2.0'), id, method: fc.string(), params }, { requiredKeys: ['jsonrpc', 'id', 'method'] }),
    fc.record({ jsonrpc: fc.constant('2.0'), method: fc.string(), params }, { requiredKeys: ['jsonrpc', 'method'] }),
  );
  const mutated = fc
    .tuple(valid, fc.constantFrom('jsonrpc', 'id', 'method', 'params', 'result', 'error', 'extra'), fc.option(fc.jsonValue(), { nil: undefined }))
    .map(([m, key, v]) => {
      const copy: Record<string, unknown> = { ...m };
      if (v === undefined) delete copy[key];
      else copy[key] = v;
      return copy;
    });

  it('parses exactly as JSONRPCMessageSchema does, and fails where it fails', () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.oneof(valid, mutated, fc.jsonValue()), (raw) => {
        const expected = viaUnion(raw);
        if (expected.ok) parsed++;
        expect(ours(raw)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
    // The property covered both outcomes, not only failures.
    expect(parsed).toBeGreaterThan(600);
  });

  it('reads an answer, an error and a request', () => {
    const answer = { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hi' }] } };
    expect(parseJsonRpcMessage(answer)).toEqual(answer);
    const error = { jsonrpc: '2.0', id: 'a', error: { code: -32601, message: 'no' } };
    expect(parseJsonRpcMessage(error)).toEqual(error);
    const request = { jsonrpc: '2.0', id: 2, method: 'ping' };
    expect(parseJsonRpcMessage(request)).toEqual(request);
    expect(() => parseJsonRpcMessage({ jsonrpc: '2.0', id: 3, result: 'x' })).toThrow();
  });
});
