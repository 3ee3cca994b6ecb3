import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { bearer, connectMcp, createApiKey, createOrg, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

/**
 * The agent's credential is the gateway's business only: an upstream sees
 * the headers its connector was configured with, never the client's
 * Authorization or API key.
 */
describe('data plane: what an upstream sees of the client', () => {
  let t: TestApp;
  let org: TestOrg;
  let upstream: HttpServer;
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.headers);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
        const mcp = new McpServer({ name: 'header-spy', version: '1.0.0' });
        mcp.registerTool('whoami', { description: 'Answers ok', inputSchema: { n: z.number().optional() } }, () => ({ content: [{ type: 'text', text: 'ok' }] }));
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
        res.on('close', () => void transport.close().then(() => mcp.close()));
        void mcp.connect(transport).then(() => transport.handleRequest(req, res, body));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`;
    t = await startTestApp({ ALLOW_PRIVATE_UPSTREAMS: 'true' });
    org = await createOrg(t);
    await t.http
      .post('/api/connectors')
      .set(bearer(org.ownerKey))
      .send({ name: 'spy', type: 'mcp_http', config: { url, headers: { Authorization: 'Bearer upstream-service-token', 'X-Tenant': 'acme' } } })
      .expect(201);
    await t.http.post('/api/gateways').set(bearer(org.ownerKey)).send({ saved_name: 'main', servers_config: { servers: [{ saved_name: 'spy', server_version: 'v1' }] } }).expect(201);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    upstream?.close();
  }, 30_000);

  it('forwards tools/call with the connector’s headers and none of the client’s credentials', async () => {
    const key = await createApiKey(t, org, { scopes: ['mcp:call'] });
    seen.length = 0;
    const sessions: string[] = [];
    const variants: Record<string, string>[] = [{}, { 'X-API-Key': key.secret }];
    for (const headers of variants) {
      const { client, transport } = await connectMcp(t, org.slug, key.secret, { headers });
      sessions.push(transport.sessionId ?? '');
      const res = (await client.callTool({ name: 'spy__whoami', arguments: { n: 1 } })) as CallToolResult;
      expect(res.isError).toBeFalsy();
      await client.close();
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(sessions.every((sid) => sid.length > 0)).toBe(true);
    for (const h of seen) {
      expect(h.authorization).toBe('Bearer upstream-service-token');
      expect(h['x-tenant']).toBe('acme');
      expect(h['x-api-key']).toBeUndefined();
      expect(JSON.stringify(h)).not.toContain(key.secret);
      // Nor the client's gateway session.
      for (const sid of sessions) expect(JSON.stringify(h)).not.toContain(sid);
    }
  });
});
