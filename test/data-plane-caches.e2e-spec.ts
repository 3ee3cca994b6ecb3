import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DataChangeFeed } from '@gatehouse/db';
import { RedisService } from '@gatehouse/redis';
import { baseUrl, bearer, connectMcp, createApiKey, createOrg, createStdioGateway, startTcpProxy, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

/**
 * The data plane keeps what it reads (gateways, catalogs, policies, agents, sessions, credentials) per replica until
 * it is told of a change, not for a fixed second. These tests run two api processes on one database and one Redis:
 * a change made through either, or by a statement, reaches the other at once; a change nobody is told of (a
 * statement with triggers switched off, a key deleted behind the store's back) is not seen, which shows the copy is
 * kept; and a lost feed makes the caches forget and bypass instead of serving what they may have missed.
 */
describe('data-plane caches across api processes', () => {
  let a: TestApp;
  let b: TestApp;
  let db: pg.Client;
  let redis: Redis;

  beforeAll(async () => {
    a = await startTestApp({ STDIO_ALLOWLIST: process.execPath });
    b = await startTestApp({ STDIO_ALLOWLIST: process.execPath }, { migrate: false });
    db = new pg.Client({ connectionString: a.env.DATABASE_URL });
    await db.connect();
    redis = new Redis(a.env.REDIS_URL);
  });
  afterAll(async () => {
    await db.end();
    redis.disconnect();
    await Promise.all([a.close(), b.close()]);
  });

  /** Runs `sql` without firing triggers, as if the change had been made without anyone being told. */
  async function untold(sql: string, params: unknown[]): Promise<void> {
    await db.query('BEGIN');
    await db.query('SET LOCAL session_replication_role = replica');
    await db.query(sql, params);
    await db.query('COMMIT');
  }

  /** Asks until `read` returns `want` (5 s unless told), and returns what it read last. */
  async function eventually<T>(read: () => Promise<T>, want: T, withinMs = 5000): Promise<T> {
    const deadline = Date.now() + withinMs;
    let last = await read();
    while (last !== want && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      last = await read();
    }
    return last;
  }

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function orgWithDefaultPolicy(): Promise<{ org: TestOrg; policyId: string; key: string }> {
    const org = await createOrg(a);
    const policy = await a.http.post('/api/policies').set(bearer(org.ownerKey)).send({ name: 'house', rules: [], default_action: 'allow' }).expect(201);
    const policyId = (policy.body as { id: string }).id;
    await a.http.post(`/api/policies/${policyId}/default`).set(bearer(org.ownerKey)).expect(200);
    const key = (await createApiKey(a, org, { scopes: ['mcp:call'] })).secret;
    return { org, policyId, key };
  }

  const decision = async (t: TestApp, key: string): Promise<string> => {
    const res = await t.http.post('/v1/check').set(bearer(key)).send({ serverName: 'db', toolName: 'drop_table' }).expect(200);
    return (res.body as { decision: string }).decision;
  };

  it('says on /metrics whether the caches hear their feeds', async () => {
    await b.app.get(DataChangeFeed).whenLive();
    expect(await eventually(() => Promise.resolve(b.app.get(RedisService).isLive('credentials:invalidate')), true)).toBe(true);
    const metrics = (await b.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^gatehouse_change_feed_live 1$/m);
    expect(metrics).toMatch(/^gatehouse_pubsub_channel_live\{channel="credentials:invalidate"\} 1$/m);
  });

  it('keeps a policy past the old one-second bound, and takes a change made on the other process at once', async () => {
    await Promise.all([a, b].map((t) => t.app.get(DataChangeFeed).whenLive()));
    const { org, policyId, key } = await orgWithDefaultPolicy();
    expect(await decision(b, key)).toBe('allow');

    await untold(`UPDATE policies SET default_action = 'deny', updated_at = now() WHERE id = $1`, [policyId]);
    await pause(1500);
    expect(await decision(b, key)).toBe('allow');

    await a.http.patch(`/api/policies/${policyId}`).set(bearer(org.ownerKey)).send({ description: 'now denies' }).expect(200);
    expect(await eventually(() => decision(b, key), 'deny')).toBe('deny');
  });

  it('judges by what a policy says, even when a statement changed it without touching updated_at', async () => {
    const { policyId, key } = await orgWithDefaultPolicy();
    await b.app.get(DataChangeFeed).whenLive();
    expect(await decision(b, key)).toBe('allow');
    await untold(`UPDATE policies SET default_action = 'deny' WHERE id = $1`, [policyId]);
    await db.query(`UPDATE policies SET description = 'touched' WHERE id = $1`, [policyId]);
    expect(await eventually(() => decision(b, key), 'deny')).toBe('deny');
  });

  it('opens a new upstream session when a statement changes a connector’s config without touching updated_at', async () => {
    const org = await createOrg(a);
    const upstream = await createStdioGateway(a, org, 'local', [{ name: 'note', description: 'Notes a call', inputSchema: { type: 'object', properties: {} } }]);
    const key = (await createApiKey(a, org, { scopes: ['mcp:call'] })).secret;
    const { client } = await connectMcp(b, org.slug, key);
    await client.callTool({ name: 'local__note', arguments: {} });
    expect(upstream.calls()).toHaveLength(1);

    const moved = `${upstream.callLog}.moved`;
    const row = (await db.query(`SELECT config FROM connectors WHERE org_id = $1`, [org.id])).rows[0] as { config: { args: string[] } };
    const args = row.config.args.map((arg) => (arg === upstream.callLog ? moved : arg));
    await db.query(`UPDATE connectors SET config = jsonb_set(config, '{args}', $2::jsonb) WHERE org_id = $1`, [org.id, JSON.stringify(args)]);
    const landed = async () => {
      await client.callTool({ name: 'local__note', arguments: {} });
      return existsSync(moved);
    };
    expect(await eventually(landed, true)).toBe(true);
    await client.close();
  }, 30_000);

  it('drops a connector that a statement marks unreachable (as the worker’s probe does) from the other process’s catalog', async () => {
    const org = await createOrg(a);
    await createStdioGateway(a, org, 'local', [{ name: 'note', description: 'Notes a call', inputSchema: { type: 'object', properties: {} } }]);
    const key = (await createApiKey(a, org, { scopes: ['mcp:call'] })).secret;
    const { client } = await connectMcp(b, org.slug, key);
    const names = async () => (await client.listTools()).tools.map((t) => t.name).join(',');
    await b.app.get(DataChangeFeed).whenLive();
    expect(await names()).toBe('local__note');
    await untold(`UPDATE connectors SET status = 'unreachable' WHERE org_id = $1`, [org.id]);
    expect(await names()).toBe('local__note');

    await db.query(`UPDATE connectors SET status = 'unreachable', status_reason = 'probe failed' WHERE org_id = $1`, [org.id]);
    expect(await eventually(names, '')).toBe('');
    await db.query(`UPDATE connectors SET status = 'healthy', status_reason = NULL WHERE org_id = $1`, [org.id]);
    expect(await eventually(names, 'local__note')).toBe('local__note');
    await client.close();
  }, 30_000);

  it('signals changes to what a call meets, and not the bookkeeping that moves while an org is in use', async () => {
    const org = await createOrg(a);
    await createStdioGateway(a, org, 'local', [{ name: 'note', description: 'Notes a call', inputSchema: { type: 'object', properties: {} } }]);
    const agent = await a.http.post('/api/agents').set(bearer(org.ownerKey)).send({ name: 'helper' }).expect(201);
    const agentId = (agent.body as { id: string }).id;

    const heard: string[] = [];
    const listener = new pg.Client({ connectionString: a.env.DATABASE_URL });
    await listener.connect();
    try {
      listener.on('notification', (n) => heard.push(n.payload ?? ''));
      await listener.query('LISTEN gatehouse_data_changes');
      const until = async (payload: string) => {
        await db.query(`SELECT pg_notify('gatehouse_data_changes', $1)`, [payload]);
        const deadline = Date.now() + 5000;
        while (!heard.includes(payload) && Date.now() < deadline) await pause(10);
        return heard.splice(0).filter((p) => p === org.id);
      };

      await db.query('UPDATE agents SET last_seen_at = now() WHERE id = $1', [agentId]);
      await db.query('UPDATE connectors SET last_checked_at = now(), updated_at = now(), tool_count = tool_count WHERE org_id = $1', [org.id]);
      await db.query('UPDATE connector_tools SET last_seen_at = now() WHERE org_id = $1', [org.id]);
      expect(await until('sentinel-1')).toEqual([]);

      await db.query(`UPDATE agents SET name = 'helper-2' WHERE id = $1`, [agentId]);
      expect(await until('sentinel-2')).toEqual([org.id]);
      await db.query(`UPDATE connector_tools SET description = 'Notes a call, again' WHERE org_id = $1`, [org.id]);
      expect(await until('sentinel-3')).toEqual([org.id]);
      await db.query('DELETE FROM gateways WHERE org_id = $1', [org.id]);
      expect(await until('sentinel-4')).toEqual([org.id]);
    } finally {
      await listener.end();
    }
  });

  it('forgets everything and reads the database while the change feed is lost, then caches again once it is back', async () => {
    const { policyId, key } = await orgWithDefaultPolicy();
    const feed = b.app.get(DataChangeFeed);
    await feed.whenLive();
    expect(await decision(b, key)).toBe('allow');
    await untold(`UPDATE policies SET default_action = 'deny', updated_at = now() WHERE id = $1`, [policyId]);
    expect(await decision(b, key)).toBe('allow');

    // Every feed of this test process (both apps) loses its connection; b hears nothing of the change it missed.
    await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`gatehouse-changes ${process.pid}`]);
    expect(await eventually(() => decision(b, key), 'deny')).toBe('deny');

    expect(await eventually(() => Promise.resolve(feed.live), true)).toBe(true);
    expect(await decision(b, key)).toBe('deny');
    await untold(`UPDATE policies SET default_action = 'allow', updated_at = now() WHERE id = $1`, [policyId]);
    expect(await decision(b, key)).toBe('deny');
  });

  it('refuses a session deleted on the other process at once, though it keeps its copy of a session it is not told about', async () => {
    const org = await createOrg(a);
    await createStdioGateway(a, org, 'local', [{ name: 'note', description: 'Notes a call', inputSchema: { type: 'object', properties: {} } }]);
    const key = (await createApiKey(a, org, { scopes: ['mcp:call'] })).secret;
    const { client, transport } = await connectMcp(a, org.slug, key);
    const sessionId = transport.sessionId!;
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': sessionId, ...bearer(key) };
    const list = (t: TestApp) =>
      fetch(`${baseUrl(t)}/mcp/${org.slug}`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }) }).then((r) => r.status);
    expect(await eventually(() => Promise.resolve(b.app.get(RedisService).isLive('mcp:session-deleted')), true)).toBe(true);
    expect(await list(b)).toBe(200);

    await redis.del(b.app.get(RedisService).key('mcp', 'session', sessionId));
    await pause(1500);
    expect(await list(b)).toBe(200);

    expect((await fetch(`${baseUrl(a)}/mcp/${org.slug}`, { method: 'DELETE', headers })).status).toBe(200);
    expect(await eventually(() => list(b), 404)).toBe(404);
    await client.close().catch(() => undefined);
  }, 30_000);

  it('empties the credential cache when its Redis subscription is lost, so that a change it missed is not served', async () => {
    const org = await createOrg(a);
    const { id, secret } = await createApiKey(a, org, { scopes: ['read'] });
    const members = () => b.http.get('/api/members').set(bearer(secret)).then((r) => r.status);
    await eventually(() => Promise.resolve(b.app.get(RedisService).isLive('credentials:invalidate')), true);
    expect(await members()).toBe(200);
    await db.query('UPDATE api_keys SET disabled = true WHERE id = $1', [id]);
    expect(await members()).toBe(200);

    const before = await subscriberId(b);
    await redis.client('KILL', 'ID', before);
    // Back on a new connection and live again: the entry kept from before the loss must be gone.
    const back = async () => (await subscriberId(b)) !== before && b.app.get(RedisService).isLive('credentials:invalidate');
    expect(await eventually(back, true)).toBe(true);
    expect(await members()).toBe(401);
  });

  /** The Redis client id of an app's subscriber connection. */
  async function subscriberId(t: TestApp): Promise<string> {
    const name = t.app.get(RedisService).subscriberName;
    const line = ((await redis.client('LIST')) as string).split('\n').find((l) => l.includes(` name=${name} `));
    return line ? /\bid=(\d+)/.exec(line)![1] : '';
  }

  it('reconnects a change feed whose own notifications stop coming back (as through a pooler that drops them)', async () => {
    const feed = b.app.get(DataChangeFeed);
    await feed.whenLive();
    const listening = (feed as unknown as { client: pg.Client }).client;
    await listening.query('UNLISTEN *');
    expect(await eventually(() => Promise.resolve(feed.live), false, 15_000)).toBe(false);
    expect(await eventually(() => Promise.resolve(feed.live), true)).toBe(true);
  }, 30_000);

  it('never goes live behind something that drops notifications (a transaction-mode pooler), and reads the database every time', async () => {
    const proxy = await startTcpProxy(new URL(a.env.DATABASE_URL), { dropPgNotifications: true });
    const c = await startTestApp({ DATABASE_URL: proxy.url }, { migrate: false });
    try {
      const { policyId, key } = await orgWithDefaultPolicy();
      expect(await decision(c, key)).toBe('allow');
      await untold(`UPDATE policies SET default_action = 'deny' WHERE id = $1`, [policyId]);
      expect(await decision(c, key)).toBe('deny');
      // LISTEN succeeded through the proxy; only the echo it never hears keeps the feed from going live.
      await pause(1000);
      expect(c.app.get(DataChangeFeed).live).toBe(false);
      expect((await c.http.get('/metrics').expect(200)).text).toMatch(/^gatehouse_change_feed_live 0$/m);
    } finally {
      await c.close();
      await proxy.close();
    }
  }, 30_000);

  it('reconnects a Redis subscriber that stops answering, and its channels go through a loss and a return', async () => {
    const service = b.app.get(RedisService);
    expect(await eventually(() => Promise.resolve(service.isLive('credentials:invalidate')), true)).toBe(true);
    const before = await subscriberId(b);
    // The socket stays open but nothing more is read from it, as with a peer that went away silently.
    (service as unknown as { subscriber: { stream: { pause(): void } } }).subscriber.stream.pause();
    expect(await eventually(() => Promise.resolve(service.isLive('credentials:invalidate')), false, 20_000)).toBe(false);
    const back = async () => (await subscriberId(b)) !== before && service.isLive('credentials:invalidate');
    expect(await eventually(back, true)).toBe(true);
  }, 40_000);
});
