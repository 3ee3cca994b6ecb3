import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, type RequestInfo } from '@modelcontextprotocol/sdk/types.js';
import { JsonResponseTransport, singleMessageOf } from './json-response.transport.js';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/**
 * An MCP server whose tool reports the request info its handler was given,
 * served by a fresh server and transport per request as McpHttpService
 * does: ours for the first request, the SDK's for the second.
 */
async function serve(): Promise<string> {
  let served = 0;
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const kind = served++ === 0 ? 'json' : 'sdk';
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      void (async () => {
        const body: unknown = JSON.parse(raw);
        const server = new Server({ name: 't', version: '1' }, { capabilities: { tools: {} } });
        server.setRequestHandler(CallToolRequestSchema, (_req, extra) => {
          const info = extra.requestInfo as RequestInfo;
          return { content: [{ type: 'text', text: JSON.stringify({ headers: info.headers, url: info.url?.href }) }] };
        });
        const single = singleMessageOf(req, body);
        if (kind === 'json' && single) {
          const transport = new JsonResponseTransport(req, res);
          await server.connect(transport);
          transport.dispatch(single);
        } else {
          const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
          await server.connect(transport);
          await transport.handleRequest(req, res, body);
        }
      })();
    });
  });
  servers.push(http);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp/org?x=1`;
}

async function requestInfo(url: string): Promise<{ headers: Record<string, string>; url: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'X-Custom': 'a', 'MCP-Protocol-Version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: {} } }),
  });
  expect(res.status).toBe(200);
  const answer = (await res.json()) as { id: number; result: { content: { text: string }[] } };
  expect(answer.id).toBe(7);
  return JSON.parse(answer.result.content[0].text) as { headers: Record<string, string>; url: string };
}

describe('JsonResponseTransport', () => {
  it('gives handlers the same request info (headers, URL) as the SDK transport does', async () => {
    const url = await serve();
    const ours = await requestInfo(url);
    const sdk = await requestInfo(url);
    expect(ours).toEqual(sdk);
    expect(ours.url).toBe(url);
    expect(ours.headers['x-custom']).toBe('a');
  });
});
