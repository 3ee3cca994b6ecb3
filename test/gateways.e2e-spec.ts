import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { bearer, createApiKey, createOrg, EVERYTHING_SERVER, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

interface GatewayBody {
  id: string;
  saved_name: string;
  version: string;
  revision: number;
  is_default: boolean;
  servers_config: { common_overrides: Record<string, unknown>; servers: Array<Record<string, unknown>> };
}

const guardrail = (name: string, extra: Record<string, unknown> = {}) => ({ enabled: true, guardrail_name: name, additional_config: {}, block: [], ...extra });

describe('gateways', () => {
  let t: TestApp;
  let org: TestOrg;
  const stdio = { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] };

  beforeAll(async () => {
    t = await startTestApp({ STDIO_ALLOWLIST: process.execPath });
    org = await createOrg(t);
    for (const name of ['my-filesystem-server', 'db']) {
      await t.http.post('/api/connectors').set(bearer(org.ownerKey)).send({ name, type: 'mcp_stdio', config: stdio }).expect(201);
    }
  }, 30_000);
  afterAll(() => t.close());

  const uniq = () => `gw-${randomBytes(3).toString('hex')}`;
  const seedConfig = () => ({
    common_overrides: { input_guardrails_config: guardrail('Default', { block: ['injection_attack'] }) },
    servers: [
      {
        saved_name: 'my-filesystem-server',
        server_version: 'v1',
        input_guardrails_config: guardrail('Original', { additional_config: { pii_redaction: true, keywords: ['x'] }, block: ['pii'] }),
        output_guardrails_config: guardrail('Out'),
      },
      { saved_name: 'db', server_version: 'v1', tools: ['query'] },
    ],
  });
  const create = async (body: Record<string, unknown> = {}) =>
    (await t.http.post('/api/gateways').set(bearer(org.ownerKey)).send({ saved_name: uniq(), servers_config: seedConfig(), ...body }).expect(201)).body as GatewayBody;

  it('creates, gets with an ETag, lists, replaces and deletes', async () => {
    const g = await create();
    expect(g).toMatchObject({ version: 'v1', revision: 1 });
    const got = await t.http.get(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).expect(200);
    expect(got.headers.etag).toBe('"r1"');
    await t.http.post('/api/gateways').set(bearer(org.ownerKey)).send({ saved_name: g.saved_name }).expect(409);
    const list = await t.http.get(`/api/gateways?saved_name=${g.saved_name}`).set(bearer(org.ownerKey)).expect(200);
    expect((list.body as { gateways: unknown[] }).gateways).toHaveLength(1);
    const replaced = await t.http.put(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).send({ servers_config: { servers: [] } }).expect(200);
    expect(replaced.body).toMatchObject({ revision: 2, servers_config: { servers: [] } });
    await t.http.delete(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).expect(204);
    await t.http.get(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).expect(404);
  });

  it('validates names and the config as a whole (unknown connector → 422)', async () => {
    await t.http.post('/api/gateways').set(bearer(org.ownerKey)).send({ saved_name: 'x'.repeat(33) }).expect(400);
    await t.http.post('/api/gateways').set(bearer(org.ownerKey)).send({ saved_name: uniq(), version: 'one' }).expect(400);
    const res = await t.http
      .post('/api/gateways')
      .set(bearer(org.ownerKey))
      .send({ saved_name: uniq(), servers_config: { servers: [{ saved_name: 'nope', server_version: 'v1' }] } })
      .expect(422);
    expect(res.body).toMatchObject({ error: { code: 'invalid_gateway', details: [expect.objectContaining({ field: expect.stringContaining('servers[0].saved_name') })] } });
  });

  it('applies the seed’s modify-gateway PATCH by headers, merging by the SPEC rules', async () => {
    const g = await create();
    const res = await t.http
      .patch('/api/gateways/modify')
      .set(bearer(org.ownerKey))
      .set('X-MCP-Gateway', g.saved_name)
      .send({
        servers_config: {
          servers: [
            {
              saved_name: 'my-filesystem-server',
              server_version: 'v1',
              input_guardrails_config: { enabled: true, guardrail_name: 'Updated Guardrail', block: ['keyword_detector'] },
            },
          ],
        },
      })
      .expect(200);
    const data = (res.body as { message: string; data: GatewayBody & { gateway_saved_name: string } }).data;
    expect((res.body as { message: string }).message).toBe('Gateway updated successfully');
    expect(data.gateway_saved_name).toBe(g.saved_name);
    const server = data.servers_config.servers[0];
    // replaced as a unit, except additional_config which deep-merged with the stored one
    expect(server.input_guardrails_config).toEqual({
      enabled: true,
      guardrail_name: 'Updated Guardrail',
      block: ['keyword_detector'],
      additional_config: { pii_redaction: true, keywords: ['x'] },
    });
    expect(server.output_guardrails_config).toEqual(guardrail('Out'));
    expect(data.servers_config.servers[1]).toEqual({ saved_name: 'db', server_version: 'v1', tools: ['query'] });
    expect(data.servers_config.common_overrides).toEqual(seedConfig().common_overrides);
    await t.http.patch('/api/gateways/modify').set(bearer(org.ownerKey)).send({}).expect(400);
    await t.http.patch('/api/gateways/modify').set(bearer(org.ownerKey)).set('X-MCP-Gateway', g.saved_name).set('X-MCP-Gateway-Version', 'v9').send({}).expect(404);
  });

  it('null deletes, _delete removes a server, a new pair is appended, and an invalid result stores nothing', async () => {
    const g = await create();
    const res = await t.http
      .patch(`/api/gateways/${g.id}`)
      .set(bearer(org.ownerKey))
      .send({
        servers_config: {
          common_overrides: { input_guardrails_config: null },
          servers: [
            { saved_name: 'db', server_version: 'v1', _delete: true },
            { saved_name: 'db', server_version: 'v2', tools: ['list_tables'] },
          ],
        },
      })
      .expect(200);
    const cfg = (res.body as { data: GatewayBody }).data.servers_config;
    expect(cfg.common_overrides).toEqual({});
    expect(cfg.servers.map((s) => `${String(s.saved_name)}@${String(s.server_version)}`)).toEqual(['my-filesystem-server@v1', 'db@v2']);
    expect(JSON.stringify(cfg)).not.toContain('_delete');

    const before = (await t.http.get(`/api/gateways/${g.id}`).set(bearer(org.ownerKey))).body as GatewayBody;
    await t.http
      .patch(`/api/gateways/${g.id}`)
      .set(bearer(org.ownerKey))
      .send({ servers_config: { servers: [{ saved_name: 'unknown-connector', server_version: 'v1' }] } })
      .expect(422);
    await t.http.patch(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).send({ servers_config: { servers: 'nope' } }).expect(400);
    const after = (await t.http.get(`/api/gateways/${g.id}`).set(bearer(org.ownerKey))).body as GatewayBody;
    expect(after).toEqual(before);
  });

  it('an empty or repeated patch changes nothing and makes no revision', async () => {
    const g = await create();
    await t.http.patch(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).send({}).expect(200);
    const patch = { servers_config: { servers: [{ saved_name: 'db', server_version: 'v1', tools: ['query', 'list_tables'] }] } };
    await t.http.patch(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).send(patch).expect(200);
    const twice = await t.http.patch(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).send(patch).expect(200);
    expect((twice.body as { data: { revision: number } }).data.revision).toBe(2);
  });

  it('never loses an update under concurrent PATCHes, and honours If-Match', async () => {
    const g = await create({ servers_config: { servers: [] } });
    const names = ['my-filesystem-server', 'db'];
    const patches = Array.from({ length: 8 }, (_, i) =>
      t.http
        .patch(`/api/gateways/${g.id}`)
        .set(bearer(org.ownerKey))
        .send({ servers_config: { servers: [{ saved_name: names[i % 2], server_version: `v${i + 1}` }] } }),
    );
    const results = await Promise.all(patches);
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const final = (await t.http.get(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).expect(200)).body as GatewayBody;
    expect(final.servers_config.servers).toHaveLength(8);
    expect(final.revision).toBe(9);

    await t.http.patch(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).set('If-Match', '"r1"').send({ is_active: false }).expect(412);
    await t.http.patch(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).set('If-Match', '"r9"').send({ is_active: false }).expect(200);
    await t.http.put(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).set('If-Match', '"r9"').send({ servers_config: { servers: [] } }).expect(412);
  });

  it('records revisions, diffs two of them and rolls back', async () => {
    const g = await create();
    await t.http.patch(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).send({ servers_config: { servers: [{ saved_name: 'db', server_version: 'v1', tools: ['describe_table'] }] } }).expect(200);
    await t.http.patch(`/api/gateways/${g.id}`).set(bearer(org.ownerKey)).send({ is_active: false }).expect(200);
    const revs = (await t.http.get(`/api/gateways/${g.id}/revisions`).set(bearer(org.ownerKey)).expect(200)).body as { revisions: { revision: number; action: string }[] };
    expect(revs.revisions.map((r) => [r.revision, r.action])).toEqual([[3, 'patch'], [2, 'patch'], [1, 'create']]);
    const diff = await t.http.get(`/api/gateways/${g.id}/revisions/diff?from=1&to=3`).set(bearer(org.ownerKey)).expect(200);
    expect((diff.body as { changes: unknown[] }).changes).toEqual(
      expect.arrayContaining([
        { path: 'is_active', op: 'replace', before: true, after: false },
        { path: 'servers_config.servers[1].tools[0]', op: 'replace', before: 'query', after: 'describe_table' },
      ]),
    );
    const rolled = await t.http.post(`/api/gateways/${g.id}/revisions/1/rollback`).set(bearer(org.ownerKey)).expect(200);
    expect(rolled.body).toMatchObject({ revision: 4, is_active: true, servers_config: seedConfig() });
    await t.http.post(`/api/gateways/${g.id}/revisions/99/rollback`).set(bearer(org.ownerKey)).expect(404);
  });

  it('makes new versions and keeps one default per org', async () => {
    const o = await createOrg(t);
    const first = (await t.http.post('/api/gateways').set(bearer(o.ownerKey)).send({ saved_name: 'main' }).expect(201)).body as GatewayBody;
    expect(first.is_default).toBe(true);
    const v2 = (await t.http.post(`/api/gateways/${first.id}/versions`).set(bearer(o.ownerKey)).expect(201)).body as GatewayBody;
    expect(v2).toMatchObject({ saved_name: 'main', version: 'v2', is_default: false });
    await t.http.post(`/api/gateways/${v2.id}/default`).set(bearer(o.ownerKey)).expect(200);
    const list = (await t.http.get('/api/gateways').set(bearer(o.ownerKey)).expect(200)).body as { gateways: GatewayBody[] };
    expect(list.gateways.filter((x) => x.is_default).map((x) => x.id)).toEqual([v2.id]);
  });

  it('needs admin to change a gateway', async () => {
    const reader = await createApiKey(t, org, { scopes: ['read'] });
    await t.http.get('/api/gateways').set(bearer(reader.secret)).expect(200);
    await t.http.post('/api/gateways').set(bearer(reader.secret)).send({ saved_name: uniq() }).expect(403);
  });
});
