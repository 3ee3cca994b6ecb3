import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { bearer, createApiKey, createOrg, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

describe('POST /v1/check', () => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await startTestApp();
    org = await createOrg(t);
  });
  afterAll(() => t.close());

  const policy = async (rules: object[], defaultAction = 'allow', name = 'default') =>
    ((await t.http.post('/api/policies').set(bearer(org.ownerKey)).send({ name: `${name}-${randomBytes(2).toString('hex')}`, rules, default_action: defaultAction }).expect(201)).body as { id: string; name: string });

  it('answers the seed’s shape and writes one audit entry without the arguments', async () => {
    const p = await policy([{ action: 'allow', connector: 'demo', tool: 'send_*' }], 'deny');
    const key = (await createApiKey(t, org, { scopes: ['mcp:call'], policy_id: p.id })).secret;
    const res = await t.http
      .post('/v1/check')
      .set(bearer(key))
      .send({ serverName: 'demo', toolName: 'send_email', args: { to: 'someone@example.com' } })
      .expect(200);
    expect(res.body).toEqual({
      decision: 'allow',
      reason: `matched rule 0 of policy "${p.name}"`,
      policyId: p.id,
      toolCallId: expect.stringMatching(/^aud_/),
      latencyMs: expect.any(Number),
    });
    const audit = await t.http.get('/api/audit').set(bearer(org.ownerKey)).expect(200);
    const entry = (audit.body as { entries: { id: string }[] }).entries.find((e) => e.id === (res.body as { toolCallId: string }).toolCallId);
    expect(entry).toMatchObject({ kind: 'check', decision: 'allow', tool_name: 'send_email', connector_name: 'demo' });
    expect(JSON.stringify(audit.body)).not.toContain('someone@example.com');
  });

  it('denies and asks for approval by the rules, with conditions on the arguments', async () => {
    const p = await policy([
      { action: 'require_approval', tool: 'send_email', when: [{ arg: '$.to', op: 'matches', value: '@external\\.example$' }] },
      { action: 'deny', tool: 'drop_*' },
    ]);
    const key = (await createApiKey(t, org, { scopes: ['mcp:call'], policy_id: p.id })).secret;
    const send = (toolName: string, args?: object) => t.http.post('/v1/check').set(bearer(key)).send({ serverName: 'db', toolName, args }).expect(200);
    expect((await send('send_email', { to: 'a@external.example' })).body).toMatchObject({ decision: 'require_approval' });
    expect((await send('send_email', { to: 'a@internal.example' })).body).toMatchObject({ decision: 'allow' });
    expect((await send('drop_table')).body).toMatchObject({ decision: 'deny', reason: `matched rule 1 of policy "${p.name}"` });
  });

  it('answers 404 for a gateway the request names that does not exist, rather than with another policy', async () => {
    const o = await createOrg(t);
    const closed = ((await t.http.post('/api/policies').set(bearer(o.ownerKey)).send({ name: 'closed', rules: [], default_action: 'deny' }).expect(201)).body as { id: string });
    await t.http.post('/api/gateways').set(bearer(o.ownerKey)).send({ saved_name: 'prod', servers_config: { servers: [] }, policy_id: closed.id }).expect(201);
    const key = (await createApiKey(t, o, { scopes: ['mcp:call'] })).secret;
    const check = (headers: Record<string, string>) => t.http.post('/v1/check').set(bearer(key)).set(headers).send({ serverName: 'db', toolName: 'drop_table' });
    expect((await check({ 'X-MCP-Gateway': 'prod' }).expect(200)).body).toMatchObject({ decision: 'deny', policyId: closed.id });
    const missing = await check({ 'X-MCP-Gateway': 'prod', 'X-MCP-Gateway-Version': 'v9' }).expect(404);
    expect((missing.body as { error: { code: string } }).error.code).toBe('gateway_not_found');
    await check({ 'X-MCP-Gateway': 'staging' }).expect(404);
    // Without a name, the org's default gateway (here the only one) decides.
    expect((await check({}).expect(200)).body).toMatchObject({ decision: 'deny', policyId: closed.id });
  });

  it('validates the body and needs mcp:call', async () => {
    const key = (await createApiKey(t, org, { scopes: ['mcp:call'] })).secret;
    const bad = await t.http.post('/v1/check').set(bearer(key)).send({ toolName: 5 }).expect(400);
    expect((bad.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toEqual(expect.arrayContaining(['serverName', 'toolName']));
    await t.http.post('/v1/check').send({ serverName: 'a', toolName: 'b' }).expect(401);
    const reader = (await createApiKey(t, org, { scopes: ['read', 'admin'] })).secret;
    await t.http.post('/v1/check').set(bearer(reader)).send({ serverName: 'a', toolName: 'b' }).expect(403);
  });

  it('rate-limits per org: one credential using up the org’s limit leaves the others 429', async () => {
    const limited = await startTestApp({ DATA_PLANE_RATE_LIMIT_PER_ORG: '3', REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}dporg:` });
    try {
      const o = await createOrg(limited);
      const [a, b] = await Promise.all([createApiKey(limited, o, { scopes: ['mcp:call'] }), createApiKey(limited, o, { scopes: ['mcp:call'] })]);
      const send = (key: string) => limited.http.post('/v1/check').set(bearer(key)).send({ serverName: 'a', toolName: 'b' });
      for (let i = 0; i < 3; i++) expect((await send(a.secret)).status).toBe(200);
      const res = await send(b.secret);
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Another org is not held back.
      const other = await createOrg(limited);
      expect((await send((await createApiKey(limited, other, { scopes: ['mcp:call'] })).secret)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('rate-limits per credential with 429 and Retry-After', async () => {
    const limited = await startTestApp({ DATA_PLANE_RATE_LIMIT_PER_CREDENTIAL: '2', REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}dp:` });
    try {
      const o = await createOrg(limited);
      const key = (await createApiKey(limited, o, { scopes: ['mcp:call'] })).secret;
      const send = () => limited.http.post('/v1/check').set(bearer(key)).send({ serverName: 'a', toolName: 'b' });
      expect((await send()).status).toBe(200);
      expect((await send()).status).toBe(200);
      const res = await send();
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
  it('answers alike on the direct route and on the Nest route it stands in for', async () => {
    const p = await policy([{ action: 'allow', connector: 'demo', tool: 'send_*' }], 'deny');
    const key = (await createApiKey(t, org, { scopes: ['mcp:call'], policy_id: p.id })).secret;
    const reader = (await createApiKey(t, org, { scopes: ['read'] })).secret;
    const cases: { auth?: string; body: string }[] = [
      { auth: key, body: JSON.stringify({ serverName: 'demo', toolName: 'send_email', args: { to: 'a@b.c' } }) },
      { auth: key, body: JSON.stringify({ serverName: '😀'.repeat(200), toolName: 'send_x', args: { constructor: 1 } }) },
      { auth: key, body: JSON.stringify({ serverName: '', toolName: 5, extra: true }) },
      { auth: key, body: '{"serverName": "demo",' },
      { auth: key, body: '"just a string"' },
      { auth: key, body: JSON.stringify({ serverName: 'demo', toolName: 'x'.repeat(2_000_000) }) },
      { body: JSON.stringify({ serverName: 'demo', toolName: 'send_email' }) },
      { auth: 'gh_live_not_a_real_key', body: JSON.stringify({ serverName: 'demo', toolName: 'send_email' }) },
      { auth: reader, body: JSON.stringify({ serverName: 'demo', toolName: 'send_email' }) },
    ];
    const shape = (r: { status: number; headers: Record<string, string>; body: unknown }) => ({
      status: r.status,
      authenticate: r.headers['www-authenticate'],
      body: JSON.parse(JSON.stringify(r.body).replace(/"(aud|req)_[^"]+"/g, '"<id>"').replace(/"latencyMs":\d+/, '"latencyMs":0')) as unknown,
    });
    for (const c of cases) {
      const send = (path: string) => {
        const r = t.http.post(path).set('Content-Type', 'application/json');
        return (c.auth ? r.set(bearer(c.auth)) : r).send(c.body);
      };
      const direct = await send('/v1/check');
      const nest = await send('/v1/check/');
      expect(shape(direct)).toEqual(shape(nest));
    }
    const sample = await t.http.post('/v1/check').set(bearer(key)).set('X-Request-Id', 'trace-12345678').send({ serverName: 'demo', toolName: 'send_email' }).expect(200);
    expect(sample.headers['x-request-id']).toBe('trace-12345678');
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/v1\/check",status="200"\} [1-9]/);
  });
});
