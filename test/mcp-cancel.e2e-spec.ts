import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { baseUrl, bearer, connectMcp, createApiKey, createOrg, createStdioGateway, startTcpProxy, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

/**
 * notifications/cancelled is its own POST, so it may reach another api
 * process than the one running the call: it must still stop the call (and
 * the upstream is told), and nobody else's session can cancel it.
 */
describe('data plane: cancellation across api processes', () => {
  let a: TestApp;
  let b: TestApp;
  let org: TestOrg;
  let key: string;
  let upstreamLog: () => { tool?: string; cancelled?: number }[];

  beforeAll(async () => {
    const env = { STDIO_ALLOWLIST: process.execPath, UPSTREAM_CALL_TIMEOUT_MS: '20000' };
    a = await startTestApp(env);
    b = await startTestApp(env, { migrate: false });
    org = await createOrg(a);
    const { calls } = await createStdioGateway(a, org, 'local', [{ name: 'hang', description: 'Never answers', inputSchema: { type: 'object', properties: {} } }]);
    upstreamLog = () => calls().map((line) => JSON.parse(line) as { tool?: string; cancelled?: number });
    key = (await createApiKey(a, org, { scopes: ['mcp:call'] })).secret;
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  }, 30_000);

  const post = (t: TestApp, sessionId: string, message: object, credential = key) =>
    postMcp(t, org.slug, credential, sessionId, message, { protocolVersion: '2025-06-18' });

  it('a cancellation sent to another api process stops the call in seconds, not at the upstream timeout', async () => {
    const { client, transport } = await connectMcp(a, org.slug, key);
    const sessionId = transport.sessionId ?? '';
    const started = Date.now();
    const call = post(a, sessionId, { jsonrpc: '2.0', id: 4242, method: 'tools/call', params: { name: 'local__hang', arguments: {} } });
    await new Promise((r) => setTimeout(r, 500));

    // Another credential of the same org cannot cancel it: the session is not theirs.
    const intruder = (await createApiKey(a, org, { scopes: ['mcp:call'] })).secret;
    const refused = await post(b, sessionId, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 4242, reason: 'x' } }, intruder);
    expect(refused.status).toBe(404);

    const cancelled = await post(b, sessionId, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 4242, reason: 'user stopped it' } });
    expect(cancelled.status).toBe(202);
    const res = await call;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(10_000);
    const body = (await res.json()) as { id: number; result: { isError: boolean; content: { text: string }[] } };
    expect(body.id).toBe(4242);
    expect(body.result.isError).toBe(true);
    expect(body.result.content[0].text).toMatch(/call cancelled/);
    // The upstream was told, for the request the gateway had sent it.
    let log = upstreamLog();
    for (let i = 0; i < 50 && !log.some((l) => l.cancelled !== undefined); i++) {
      await new Promise((r) => setTimeout(r, 100));
      log = upstreamLog();
    }
    expect(log).toEqual([expect.objectContaining({ tool: 'hang' }), { cancelled: expect.any(Number), pid: expect.any(Number) }]);
    await client.close();
  }, 30_000);

  it('a client gone while its session was still being looked up gets nothing run for it', async () => {
    // The third api process reaches Redis through a proxy that can hold its commands.
    const proxy = await startTcpProxy(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'));
    const c = await startTestApp({ STDIO_ALLOWLIST: process.execPath, REDIS_URL: proxy.url }, { migrate: false });
    try {
      const o = await createOrg(a);
      const { callLog } = await createStdioGateway(a, o, 'logged', [{ name: 'note', description: 'Notes a call', inputSchema: { type: 'object', properties: {} } }]);
      const k = (await createApiKey(a, o, { scopes: ['mcp:call'] })).secret;
      const { client, transport } = await connectMcp(a, o.slug, k);
      const callOnC = (id: number, signal?: AbortSignal) =>
        postMcp(c, o.slug, k, transport.sessionId ?? '', { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'logged__note', arguments: { id } } }, { signal });

      proxy.hold();
      const gone = new AbortController();
      const call = callOnC(1, gone.signal);
      await new Promise((r) => setTimeout(r, 300));
      gone.abort();
      await expect(call).rejects.toThrow();
      proxy.release();
      await new Promise((r) => setTimeout(r, 1500));
      expect(existsSync(callLog) ? readFileSync(callLog, 'utf8') : '').toBe('');

      // The same call from a client that waits is made: the setup would have shown the first one.
      expect((await callOnC(2)).status).toBe(200);
      expect(readFileSync(callLog, 'utf8')).toContain('"id":2');
      expect(readFileSync(callLog, 'utf8')).not.toContain('"id":1');
      await client.close();
    } finally {
      proxy.release();
      await c.close();
      await proxy.close();
    }
  }, 30_000);

  it('a cancellation that arrives while the call is still being decided stops it before it reaches the upstream', async () => {
    // The gateway decides a tools/call (catalog, policy) before the MCP server dispatches it. A fourth api process
    // reaches Postgres through a proxy that can hold its queries, so that deciding waits; the cancellation arrives then.
    const proxy = await startTcpProxy(new URL(process.env.DATABASE_URL!));
    const d = await startTestApp({ STDIO_ALLOWLIST: process.execPath, DATABASE_URL: proxy.url }, { migrate: false });
    try {
      const o = await createOrg(a);
      const { callLog } = await createStdioGateway(a, o, 'logged', [{ name: 'note', description: 'Notes a call', inputSchema: { type: 'object', properties: {} } }]);
      const k = (await createApiKey(a, o, { scopes: ['mcp:call'] })).secret;
      const { client, transport } = await connectMcp(d, o.slug, k);
      const onD = (message: object) => postMcp(d, o.slug, k, transport.sessionId ?? '', message);
      // Warm: the credential and the catalog are known to d; what the call still waits for is its audit entry.
      expect((await onD({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} })).status).toBe(200);

      proxy.hold();
      const call = onD({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'logged__note', arguments: { id: 2 } } });
      await new Promise((r) => setTimeout(r, 300));
      const cancelled = await onD({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2, reason: 'changed my mind' } });
      expect(cancelled.status).toBe(202);
      proxy.release();
      const body = (await (await call).json()) as { id: number; result: { isError: boolean; content: { text: string }[] } };
      expect(body.id).toBe(2);
      expect(body.result.isError).toBe(true);
      expect(body.result.content[0].text).toMatch(/call cancelled/);
      await new Promise((r) => setTimeout(r, 500));
      expect(existsSync(callLog) ? readFileSync(callLog, 'utf8') : '').toBe('');
      await client.close();
    } finally {
      proxy.release();
      await d.close();
      await proxy.close();
    }
  }, 30_000);

  it('a client that goes away before the answer stops its call (audited at once, not at the upstream timeout)', async () => {
    const { id: credentialId, secret: key } = await createApiKey(a, org, { scopes: ['mcp:call'] });
    const { client, transport } = await connectMcp(a, org.slug, key);
    const started = Date.now();
    const gone = new AbortController();
    const call = postMcp(a, org.slug, key, transport.sessionId ?? '', { jsonrpc: '2.0', id: 77, method: 'tools/call', params: { name: 'local__hang', arguments: {} } }, {
      signal: gone.signal,
    });
    await new Promise((r) => setTimeout(r, 500));
    gone.abort();
    await expect(call).rejects.toThrow();
    type Entry = { kind: string; credential_id: string; success: boolean | null; error_code: string | null };
    let entry: Entry | undefined;
    while (Date.now() - started < 10_000 && entry?.success == null) {
      await new Promise((r) => setTimeout(r, 100));
      const entries = ((await a.http.get('/api/audit?limit=20').set(bearer(org.ownerKey)).expect(200)).body as { entries: Entry[] }).entries;
      entry = entries.find((e) => e.kind === 'call' && e.credential_id === credentialId);
    }
    expect(entry).toMatchObject({ success: false, error_code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(10_000);
    await client.close();
  }, 30_000);
});

/** One MCP message POSTed in a session, with the headers a streamable HTTP client sends. */
function postMcp(
  t: TestApp,
  slug: string,
  credential: string,
  sessionId: string,
  message: object,
  opts: { signal?: AbortSignal; protocolVersion?: string } = {},
): Promise<Response> {
  return fetch(`${baseUrl(t)}/mcp/${slug}`, {
    method: 'POST',
    headers: {
      ...bearer(credential),
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'Mcp-Session-Id': sessionId,
      ...(opts.protocolVersion ? { 'Mcp-Protocol-Version': opts.protocolVersion } : {}),
    },
    body: JSON.stringify(message),
    signal: opts.signal,
  });
}
