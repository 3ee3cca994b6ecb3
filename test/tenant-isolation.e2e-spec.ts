import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createApiKey, createOAuthClient, createOrg, EVERYTHING_SERVER, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

/**
 * For every route that takes an id: org B's credential on org A's resource is
 * answered 404 (never 403) and leaves the resource unchanged.
 */
describe('tenant isolation', () => {
  let t: TestApp;
  let a: TestOrg;
  let b: TestOrg;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ STDIO_ALLOWLIST: process.execPath });
    a = await createOrg(t, 'iso-a');
    b = await createOrg(t, 'iso-b');
    ids.member = ((await t.http.post('/api/members').set(bearer(a.ownerKey)).send({ email: 'a@a.example', role: 'admin' }).expect(201)).body as { id: string }).id;
    ids.apiKey = (await createApiKey(t, a, { scopes: ['read'] })).id;
    ids.client = (await createOAuthClient(t, a)).id;
    ids.connector = ((await t.http.post('/api/connectors').set(bearer(a.ownerKey)).send({ name: 'iso-conn', type: 'mcp_stdio', config: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } }).expect(201)).body as { id: string }).id;
    ids.gateway = ((await t.http.post('/api/gateways').set(bearer(a.ownerKey)).send({ saved_name: 'iso-gw', servers_config: { servers: [{ saved_name: 'iso-conn', server_version: 'v1' }] } }).expect(201)).body as { id: string }).id;
    ids.policy = ((await t.http.post('/api/policies').set(bearer(a.ownerKey)).send({ name: 'iso-pol', rules: [], default_action: 'allow' }).expect(201)).body as { id: string }).id;
    ids.agent = ((await t.http.post('/api/agents').set(bearer(a.ownerKey)).send({ name: 'iso-agent' }).expect(201)).body as { id: string }).id;
    ids.channel = ((await t.http.post('/api/notification-channels').set(bearer(a.ownerKey)).send({ name: 'iso-chan', url: 'https://hooks.example.com/iso' }).expect(201)).body as { id: string }).id;
    const ask = ((await t.http
      .post('/api/policies')
      .set(bearer(a.ownerKey))
      .send({ name: 'iso-ask', rules: [{ action: 'require_approval', connector: 'iso-conn', tool: '*' }], default_action: 'allow' })
      .expect(201)).body as { id: string }).id;
    const asker = await createApiKey(t, a, { scopes: ['mcp:call'], policy_id: ask });
    const approval = async (tool: string) =>
      ((await t.http.post('/v1/check').set(bearer(asker.secret)).send({ serverName: 'iso-conn', toolName: tool }).expect(200)).body as { approvalId: string }).approvalId;
    ids.approval = await approval('pending_one');
    const granted = await approval('granted_one');
    ids.grant = ((await t.http.post(`/api/approvals/${granted}/approve`).set(bearer(a.ownerKey)).send({ duration: '1h' }).expect(200)).body as { grant_id: string }).grant_id;
  });
  afterAll(() => t.close());

  const routes: Array<[string, string, (i: Record<string, string>) => string, string, object | null]> = [
    ['GET', 'member', (i) => `/api/members/${i.member}`, 'member', null],
    ['PATCH', 'member', (i) => `/api/members/${i.member}`, 'member', { role: 'viewer' }],
    ['DELETE', 'member', (i) => `/api/members/${i.member}`, 'member', null],
    ['GET', 'api key', (i) => `/api/api-keys/${i.apiKey}`, 'apiKey', null],
    ['PATCH', 'api key', (i) => `/api/api-keys/${i.apiKey}`, 'apiKey', { name: 'stolen' }],
    ['POST', 'api key rotate', (i) => `/api/api-keys/${i.apiKey}/rotate`, 'apiKey', null],
    ['POST', 'api key disable', (i) => `/api/api-keys/${i.apiKey}/disable`, 'apiKey', null],
    ['POST', 'api key enable', (i) => `/api/api-keys/${i.apiKey}/enable`, 'apiKey', null],
    ['DELETE', 'api key', (i) => `/api/api-keys/${i.apiKey}`, 'apiKey', null],
    ['GET', 'oauth client', (i) => `/api/oauth-clients/${i.client}`, 'client', null],
    ['PATCH', 'oauth client', (i) => `/api/oauth-clients/${i.client}`, 'client', { name: 'stolen' }],
    ['POST', 'oauth client rotate', (i) => `/api/oauth-clients/${i.client}/rotate-secret`, 'client', null],
    ['DELETE', 'oauth client', (i) => `/api/oauth-clients/${i.client}`, 'client', null],
    ['GET', 'agent', (i) => `/api/agents/${i.agent}`, 'agent', null],
    ['GET', 'connector', (i) => `/api/connectors/${i.connector}`, 'connector', null],
    ['PATCH', 'connector', (i) => `/api/connectors/${i.connector}`, 'connector', { name: 'stolen' }],
    ['POST', 'connector test', (i) => `/api/connectors/${i.connector}/test`, 'connector', null],
    ['GET', 'connector tools', (i) => `/api/connectors/${i.connector}/tools?refresh=true`, 'connector', null],
    ['GET', 'connector tool changes', (i) => `/api/connectors/${i.connector}/tool-changes`, 'connector', null],
    ['POST', 'connector accept change', (i) => `/api/connectors/${i.connector}/tool-changes/evt_00000000000000000000000000/accept`, 'connector', null],
    ['GET', 'gateway', (i) => `/api/gateways/${i.gateway}`, 'gateway', null],
    ['PUT', 'gateway', (i) => `/api/gateways/${i.gateway}`, 'gateway', { servers_config: { servers: [] } }],
    ['PATCH', 'gateway', (i) => `/api/gateways/${i.gateway}`, 'gateway', { is_active: false }],
    ['POST', 'gateway new version', (i) => `/api/gateways/${i.gateway}/versions`, 'gateway', null],
    ['POST', 'gateway default', (i) => `/api/gateways/${i.gateway}/default`, 'gateway', null],
    ['GET', 'gateway revisions', (i) => `/api/gateways/${i.gateway}/revisions`, 'gateway', null],
    ['GET', 'gateway diff', (i) => `/api/gateways/${i.gateway}/revisions/diff?from=1&to=1`, 'gateway', null],
    ['POST', 'gateway rollback', (i) => `/api/gateways/${i.gateway}/revisions/1/rollback`, 'gateway', null],
    ['DELETE', 'gateway', (i) => `/api/gateways/${i.gateway}`, 'gateway', null],
    ['DELETE', 'connector', (i) => `/api/connectors/${i.connector}`, 'connector', null],
    ['GET', 'policy', (i) => `/api/policies/${i.policy}`, 'policy', null],
    ['PUT', 'policy', (i) => `/api/policies/${i.policy}`, 'policy', { name: 'stolen', rules: [], default_action: 'deny' }],
    ['PATCH', 'policy', (i) => `/api/policies/${i.policy}`, 'policy', { default_action: 'deny' }],
    ['POST', 'policy default', (i) => `/api/policies/${i.policy}/default`, 'policy', null],
    ['DELETE', 'policy', (i) => `/api/policies/${i.policy}`, 'policy', null],
    ['PATCH', 'agent', (i) => `/api/agents/${i.agent}`, 'agent', { name: 'stolen' }],
    ['DELETE', 'agent', (i) => `/api/agents/${i.agent}`, 'agent', null],
    ['GET', 'approval', (i) => `/api/approvals/${i.approval}`, 'approval', null],
    ['POST', 'approval approve', (i) => `/api/approvals/${i.approval}/approve`, 'approval', { duration: '24h' }],
    ['POST', 'approval deny', (i) => `/api/approvals/${i.approval}/deny`, 'approval', null],
    ['GET', 'grant', (i) => `/api/approvals/grants/${i.grant}`, 'grant', null],
    ['POST', 'grant revoke', (i) => `/api/approvals/grants/${i.grant}/revoke`, 'grant', null],
    ['GET', 'notification channel', (i) => `/api/notification-channels/${i.channel}`, 'channel', null],
    ['PATCH', 'notification channel', (i) => `/api/notification-channels/${i.channel}`, 'channel', { url: 'https://evil.example/x' }],
    ['POST', 'notification channel rotate', (i) => `/api/notification-channels/${i.channel}/rotate-secret`, 'channel', null],
    ['DELETE', 'notification channel', (i) => `/api/notification-channels/${i.channel}`, 'channel', null],
  ];

  const readBack: Record<string, (i: Record<string, string>) => string> = {
    member: (i) => `/api/members/${i.member}`,
    apiKey: (i) => `/api/api-keys/${i.apiKey}`,
    client: (i) => `/api/oauth-clients/${i.client}`,
    agent: (i) => `/api/agents/${i.agent}`,
    connector: (i) => `/api/connectors/${i.connector}`,
    gateway: (i) => `/api/gateways/${i.gateway}`,
    policy: (i) => `/api/policies/${i.policy}`,
    approval: (i) => `/api/approvals/${i.approval}`,
    grant: (i) => `/api/approvals/grants/${i.grant}`,
    channel: (i) => `/api/notification-channels/${i.channel}`,
  };

  it.each(routes)('%s %s of org A with org B credential → 404, unchanged', async (method, _label, path, kind, body) => {
    const before = (await t.http.get(readBack[kind](ids)).set(bearer(a.ownerKey)).expect(200)).body as object;
    const req = t.http[method.toLowerCase() as 'get' | 'patch' | 'post' | 'put' | 'delete'](path(ids)).set(bearer(b.ownerKey));
    const res = await (body ? req.send(body) : req);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { status: 404 } });
    const after = (await t.http.get(readBack[kind](ids)).set(bearer(a.ownerKey)).expect(200)).body as object;
    expect(after).toEqual(before);
  });

  it('lists only the caller’s own resources', async () => {
    const lists = ['/api/members', '/api/api-keys', '/api/oauth-clients', '/api/agents', '/api/connectors', '/api/gateways', '/api/policies', '/api/audit', '/api/audit/admin-events'];
    for (const path of [...lists, '/api/approvals', '/api/approvals/grants', '/api/notification-channels']) {
      const res = await t.http.get(path).set(bearer(b.ownerKey)).expect(200);
      for (const id of [ids.approval, ids.grant, ids.channel]) expect(JSON.stringify(res.body)).not.toContain(id);
      expect(JSON.stringify(res.body)).not.toContain(ids.member);
      expect(JSON.stringify(res.body)).not.toContain(ids.apiKey);
      expect(JSON.stringify(res.body)).not.toContain(ids.client);
      expect(JSON.stringify(res.body)).not.toContain(ids.agent);
      expect(JSON.stringify(res.body)).not.toContain(ids.connector);
      expect(JSON.stringify(res.body)).not.toContain(ids.gateway);
      expect(JSON.stringify(res.body)).not.toContain(ids.policy);
    }
  });

  it('org B cannot bind its key to org A’s member or policy, nor its gateway to A’s policy', async () => {
    await t.http.post('/api/api-keys').set(bearer(b.ownerKey)).send({ name: 'x', member_id: ids.member }).expect(422);
    await t.http.post('/api/api-keys').set(bearer(b.ownerKey)).send({ name: 'x', policy_id: ids.policy }).expect(422);
    await t.http.post('/api/gateways').set(bearer(b.ownerKey)).send({ saved_name: 'iso-b', policy_id: ids.policy }).expect(422);
  });
});

describe('tenant isolation: gateway addressed by headers', () => {
  it('org B cannot modify org A’s gateway by name', async () => {
    const t = await startTestApp({ STDIO_ALLOWLIST: process.execPath });
    try {
      const a = await createOrg(t, 'iso-hdr-a');
      const b = await createOrg(t, 'iso-hdr-b');
      await t.http.post('/api/gateways').set(bearer(a.ownerKey)).send({ saved_name: 'shared-name' }).expect(201);
      await t.http.patch('/api/gateways/modify').set(bearer(b.ownerKey)).set('X-MCP-Gateway', 'shared-name').send({ is_active: false }).expect(404);
      const list = await t.http.get('/api/gateways').set(bearer(a.ownerKey)).expect(200);
      expect(list.body).toMatchObject({ gateways: [{ saved_name: 'shared-name', is_active: true, revision: 1 }] });
    } finally {
      await t.close();
    }
  });
});
