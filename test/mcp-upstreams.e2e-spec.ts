import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RedisService } from '@gatehouse/redis';
import { baseUrl, bearer, connectMcp, createApiKey, createOrg, startEverythingHttp, startTestApp, waitUntil, type RunningUpstream, type TestApp, type TestOrg } from '@gatehouse/testing';

const text = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

describe('data plane: streamable HTTP upstream and the built-in PostgreSQL connector', () => {
  let t: TestApp;
  let org: TestOrg;
  let upstream: RunningUpstream;
  const db = `gh_dp_pg_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });

  beforeAll(async () => {
    [t, upstream] = await Promise.all([startTestApp({ ALLOW_PRIVATE_UPSTREAMS: 'true', DATA_PLANE_RATE_LIMIT_PER_CREDENTIAL: '40', REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}dpu:` }), startEverythingHttp('streamableHttp')]);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    const seed = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${db}` });
    await seed.connect();
    await seed.query('CREATE TABLE orders (id int primary key, total int); INSERT INTO orders VALUES (1, 10), (2, 20)');
    await seed.end();
    org = await createOrg(t);
    await t.http.post('/api/connectors').set(bearer(org.ownerKey)).send({ name: 'remote', type: 'mcp_http', config: { url: upstream.url } }).expect(201);
    await t.http
      .post('/api/connectors')
      .set(bearer(org.ownerKey))
      .send({ name: 'shop', type: 'postgresql', config: { host: '127.0.0.1', port: 5432, database: db, username: 'postgres' } })
      .expect(201);
    await t.http
      .post('/api/gateways')
      .set(bearer(org.ownerKey))
      .send({ saved_name: 'main', servers_config: { servers: [{ saved_name: 'remote', server_version: 'v1', tools: ['echo'] }, { saved_name: 'shop', server_version: 'v1' }] } })
      .expect(201);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await upstream.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  }, 30_000);

  it('proxies to a streamable HTTP upstream and queries the database read-only', async () => {
    const key = (await createApiKey(t, org, { scopes: ['mcp:call'] })).secret;
    const { client } = await connectMcp(t, org.slug, key);
    expect((await client.listTools()).tools.map((x) => x.name).sort()).toEqual(['remote__echo', 'shop__describe_table', 'shop__list_tables', 'shop__query']);
    expect(text((await client.callTool({ name: 'remote__echo', arguments: { message: 'over http' } })) as CallToolResult)).toContain('over http');
    const rows = (await client.callTool({ name: 'shop__query', arguments: { sql: 'SELECT sum(total)::int AS s FROM orders' } })) as CallToolResult;
    expect(JSON.parse(text(rows))).toMatchObject({ rows: [{ s: 30 }] });
    const write = (await client.callTool({ name: 'shop__query', arguments: { sql: 'DELETE FROM orders' } })) as CallToolResult;
    expect(write.isError).toBe(true);
    const again = (await client.callTool({ name: 'shop__query', arguments: { sql: 'SELECT count(*)::int AS n FROM orders' } })) as CallToolResult;
    expect(JSON.parse(text(again))).toMatchObject({ rows: [{ n: 2 }] });
    await client.close();
  }, 30_000);

  it('starts a new upstream session, once, when a restarted upstream no longer knows the old one', async () => {
    const key = (await createApiKey(t, org, { scopes: ['mcp:call'] })).secret;
    const { client } = await connectMcp(t, org.slug, key);
    expect(text((await client.callTool({ name: 'remote__echo', arguments: { message: 'before' } })) as CallToolResult)).toContain('before');
    const port = Number(new URL(upstream.url).port);
    await upstream.stop();
    upstream = await startEverythingHttp('streamableHttp', port);
    const after = (await client.callTool({ name: 'remote__echo', arguments: { message: 'after the restart' } })) as CallToolResult;
    expect(after.isError).toBeFalsy();
    expect(text(after)).toContain('after the restart');

    // Calls in flight together when the upstream forgets the session: each one that finds it gone drops only the
    // session it used, never the new one another call just opened.
    await upstream.stop();
    upstream = await startEverythingHttp('streamableHttp', port);
    const together = (await Promise.all(
      Array.from({ length: 6 }, (_, i) => client.callTool({ name: 'remote__echo', arguments: { message: `together ${i}` } })),
    )) as CallToolResult[];
    expect(together.map((r) => (r.isError ? text(r) : 'ok'))).toEqual(Array(6).fill('ok'));
    await client.close();
  }, 30_000);

  it('keeps the calls in flight on a session when another call on it fails at the HTTP level', async () => {
    // An HTTP proxy in front of the upstream (as a load balancer would be) that answers one POST with a 502.
    const target = new URL(upstream.url);
    const blips: string[] = [];
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (body.includes('blip-502')) {
          blips.push(String(req.method));
          res.writeHead(502, { 'Content-Type': 'text/plain' }).end('Bad Gateway');
          return;
        }
        const forward = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forward.on('error', () => res.destroy());
        forward.end(body);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}`;
      await t.http.post('/api/connectors').set(bearer(org.ownerKey)).send({ name: 'flaky', type: 'mcp_http', config: { url } }).expect(201);
      await t.http
        .post('/api/gateways')
        .set(bearer(org.ownerKey))
        .send({ saved_name: 'flaky', servers_config: { servers: [{ saved_name: 'flaky', server_version: 'v1', tools: ['echo', 'trigger-long-running-operation'] }] } })
        .expect(201);
      const key = (await createApiKey(t, org, { scopes: ['mcp:call'] })).secret;
      const { client } = await connectMcp(t, org.slug, key, { headers: { 'X-MCP-Gateway': 'flaky' } });
      const echo = async (message: string) => (await client.callTool({ name: 'flaky__echo', arguments: { message } })) as CallToolResult;
      expect(text(await echo('warm'))).toContain('warm');

      // Five long calls in flight on the pooled session; one more call meets a 502.
      const long = Array.from({ length: 5 }, () =>
        client.callTool({ name: 'flaky__trigger-long-running-operation', arguments: { duration: 1.5, steps: 1 } }) as Promise<CallToolResult>,
      );
      await new Promise((r) => setTimeout(r, 300));
      const failed = await echo('blip-502');
      expect(text(failed)).toMatch(/^Upstream flaky failed \(upstream_error\): upstream failed: .*HTTP 502/);
      expect(blips).toEqual(['POST']);
      // The others were not cut off by it, and one failure did not pause the connector.
      const answers = await Promise.all(long);
      expect(answers.map((a) => (a.isError ? text(a) : 'ok'))).toEqual(Array(5).fill('ok'));
      expect(text(await echo('after'))).toContain('after');
      await client.close();
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  }, 30_000);

  /** The connector's sessions on a scratch database that are running a statement (the cursor's FETCH runs it). */
  const running = async (database: string): Promise<number> =>
    (
      await admin.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'gatehouse-connector' AND state = 'active' AND query LIKE 'FETCH%'`,
        [database],
      )
    ).rows.length;

  type Entry = { credential_id: string; tool_name: string; success: boolean | null; error_code: string | null };
  const auditOf = async (credentialId: string, settled: (e: Entry[]) => boolean): Promise<Entry[]> => {
    let mine: Entry[] = [];
    for (let i = 0; i < 60; i++) {
      const all = ((await t.http.get('/api/audit?limit=200').set(bearer(org.ownerKey)).expect(200)).body as { entries: Entry[] }).entries;
      mine = all.filter((e) => e.credential_id === credentialId);
      if (settled(mine)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return mine;
  };

  it('cancels the statement on the database when the agent cancels the call', async () => {
    const { id: credentialId, secret: key } = await createApiKey(t, org, { scopes: ['mcp:call'] });
    const { client } = await connectMcp(t, org.slug, key);
    const abort = new AbortController();
    const call = client.callTool({ name: 'shop__query', arguments: { sql: 'SELECT pg_sleep(4)' } }, undefined, { signal: abort.signal });
    call.catch(() => undefined);
    await waitUntil(async () => (await running(db)) === 1);
    // The SDK's client sends notifications/cancelled, which reaches the call and the database: the 4 s statement
    // stops well before its end (the waits below give up after 2 s).
    abort.abort();
    await expect(call).rejects.toThrow();
    await waitUntil(async () => (await running(db)) === 0, 2_000);
    const [entry] = await auditOf(credentialId, (e) => e.length === 1 && e[0].success !== null);
    expect(entry).toMatchObject({ tool_name: 'query', success: false, error_code: 'cancelled' });
    // The connector goes on serving calls.
    const after = (await client.callTool({ name: 'shop__query', arguments: { sql: 'SELECT count(*)::int AS n FROM orders' } })) as CallToolResult;
    expect(JSON.parse(text(after))).toMatchObject({ rows: [{ n: 2 }] });
    await client.close();
  }, 30_000);

  it('pauses calls to a database that keeps failing, and takes its tools out of the list', async () => {
    const vault = `gh_dp_vault_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${vault}`);
    try {
      await t.http
        .post('/api/connectors')
        .set(bearer(org.ownerKey))
        .send({ name: 'vault', type: 'postgresql', config: { host: '127.0.0.1', port: 5432, database: vault, username: 'postgres' } })
        .expect(201);
      await t.http
        .post('/api/gateways')
        .set(bearer(org.ownerKey))
        .send({ saved_name: 'vaulted', servers_config: { servers: [{ saved_name: 'vault', server_version: 'v1' }, { saved_name: 'remote', server_version: 'v1', tools: ['echo'] }] } })
        .expect(201);
      const key = (await createApiKey(t, org, { scopes: ['mcp:call'] })).secret;
      const { client } = await connectMcp(t, org.slug, key, { headers: { 'X-MCP-Gateway': 'vaulted' } });
      const query = async () => text((await client.callTool({ name: 'vault__query', arguments: { sql: 'SELECT 1 AS one' } })) as CallToolResult);
      expect(JSON.parse(await query())).toMatchObject({ rows: [{ one: 1 }] });
      expect((await client.listTools()).tools.map((x) => x.name)).toContain('vault__query');

      // The database goes away (its warm connection with it): five failures, then calls are paused without trying.
      await admin.query(`DROP DATABASE ${vault} WITH (FORCE)`);
      for (let i = 0; i < 5; i++) expect(await query()).toMatch(/^Upstream vault failed \(upstream_unreachable\): database unreachable: /);
      expect(await query()).toMatch(/^Upstream vault failed \(circuit_open\)/);
      expect((await client.listTools()).tools.map((x) => x.name)).toEqual(['remote__echo']);
      // Only that connector is paused: the gateway's other one still answers.
      expect(text((await client.callTool({ name: 'remote__echo', arguments: { message: 'still here' } })) as CallToolResult)).toContain('still here');
      await client.close();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${vault} WITH (FORCE)`);
    }
  }, 30_000);

  it('answers a refused statement, or a session the agent ended, without pausing the connector', async () => {
    const key = (await createApiKey(t, org, { scopes: ['mcp:call'] })).secret;
    const { client } = await connectMcp(t, org.slug, key);
    for (let i = 0; i < 6; i++) {
      const refused = (await client.callTool({ name: 'shop__query', arguments: { sql: 'SELECT * FROM no_such_table' } })) as CallToolResult;
      expect(text(refused)).toMatch(/^Upstream shop failed \(upstream_rejected\): the database refused the call: relation "no_such_table" does not exist/);
    }
    // An agent ending its own session, again and again, is not the database failing either.
    for (let i = 0; i < 6; i++) {
      const ended = (await client.callTool({ name: 'shop__query', arguments: { sql: 'SELECT pg_terminate_backend(pg_backend_pid())' } })) as CallToolResult;
      expect(text(ended)).toMatch(/^Upstream shop failed \(upstream_error\): the database failed: terminating connection/);
    }
    const fine = (await client.callTool({ name: 'shop__query', arguments: { sql: 'SELECT 2 AS two' } })) as CallToolResult;
    expect(JSON.parse(text(fine))).toMatchObject({ rows: [{ two: 2 }] });
    await client.close();
  }, 30_000);

  it('makes a call whose limits are known to have room without waiting for its consume, which still lands', async () => {
    const { id: credentialId, secret: key } = await createApiKey(t, org, { scopes: ['mcp:call'] });
    const { client } = await connectMcp(t, org.slug, key);
    const call = async () => (await client.callTool({ name: 'remote__echo', arguments: { message: 'x' } })) as CallToolResult;
    // The initialize is waited for; its answer says the window (40 points) has room.
    expect((await call()).isError).toBeFalsy();
    const redis = t.app.get(RedisService);
    const counter = redis.key('rl', 'dp-credential') + ':' + credentialId;
    // Read on a connection of the test's own: the api's would queue the read behind its held consume.
    const reader = redis.client.duplicate();
    const counted = async (n: string) => {
      for (let i = 0; i < 60 && (await reader.get(counter)) !== n; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await reader.get(counter)).toBe(n);
    };
    try {
      await counted('2');

      // Redis holds every write for a second: the call is made and answered, and its consume has not reached Redis yet.
      await reader.call('CLIENT', 'PAUSE', '1000', 'WRITE');
      const made = await call();
      expect(made.isError).toBeFalsy();
      expect(text(made)).toContain('x');
      expect(await reader.get(counter)).toBe('2');
      // Once Redis takes writes again, the consume is counted: every call made is.
      await counted('3');
    } finally {
      reader.disconnect();
      await client.close();
    }
  });

  it('rate-limits: 429 with Retry-After outside a session, an MCP error result inside one', async () => {
    const { id: credentialId, secret: key } = await createApiKey(t, org, { scopes: ['mcp:call'] });
    const { client } = await connectMcp(t, org.slug, key);
    const call = async () => (await client.callTool({ name: 'remote__echo', arguments: { message: 'x' } })) as CallToolResult;
    // 40 points a minute: the initialize took one.
    for (let i = 0; i < 39; i++) expect((await call()).isError).toBeFalsy();

    // The 40th call's entry is written while its limit is still on its way back from Redis (held here for
    // a second); over the limit, the call is not made and its entry says why.
    const redis = t.app.get(RedisService);
    await redis.client.call('CLIENT', 'PAUSE', '1000', 'WRITE');
    const limited = await call();
    expect(limited.isError).toBe(true);
    expect(text(limited)).toMatch(/^Rate limited: retry after \d+ s$/);

    // Known to be over its window, the credential is refused by this replica without a Redis round trip,
    // and its refused calls spend nothing of the org's limit either.
    const counter = redis.key('rl', 'dp-credential') + ':' + credentialId;
    const orgCounter = redis.key('rl', 'dp-org') + ':' + org.id;
    expect(await redis.client.get(counter)).toBe('41');
    const orgCount = await redis.client.get(orgCounter);
    for (let i = 0; i < 3; i++) expect(text(await call())).toMatch(/^Rate limited: retry after \d+ s$/);
    // A listing counts too (it can write audit entries); it has no error result, so it is a JSON-RPC error.
    await expect(client.listTools()).rejects.toThrow(/-32029.*Rate limited: retry after \d+ s/);
    expect(await redis.client.get(counter)).toBe('41');
    expect(await redis.client.get(orgCounter)).toBe(orgCount);

    // The audit: the 39 calls made, and the one refused after its entry was written; the later refusals write nothing.
    type Entry = { credential_id: string; success: boolean | null; error_code: string | null };
    let mine: Entry[] = [];
    for (let i = 0; i < 50; i++) {
      const all = ((await t.http.get('/api/audit?limit=200').set(bearer(org.ownerKey)).expect(200)).body as { entries: Entry[] }).entries;
      mine = all.filter((e) => e.credential_id === credentialId);
      if (mine.length === 40 && mine.every((e) => e.success !== null)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(mine.filter((e) => e.success === true)).toHaveLength(39);
    expect(mine.filter((e) => e.success !== true)).toEqual([expect.objectContaining({ success: false, error_code: 'rate_limited' })]);
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const res = await fetch(`${baseUrl(t)}/mcp/${org.slug}`, {
      method: 'POST',
      headers: { ...bearer(key), 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify(init),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await client.close();
  }, 30_000);
});
