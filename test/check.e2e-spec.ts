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

  it('validates the body and needs mcp:call', async () => {
    const key = (await createApiKey(t, org, { scopes: ['mcp:call'] })).secret;
    const bad = await t.http.post('/v1/check').set(bearer(key)).send({ toolName: 5 }).expect(400);
    expect((bad.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toEqual(expect.arrayContaining(['serverName', 'toolName']));
    await t.http.post('/v1/check').send({ serverName: 'a', toolName: 'b' }).expect(401);
    const reader = (await createApiKey(t, org, { scopes: ['read', 'admin'] })).secret;
    await t.http.post('/v1/check').set(bearer(reader)).send({ serverName: 'a', toolName: 'b' }).expect(403);
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
});
