import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createApiKey, createOrg, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

interface PolicyBody {
  id: string;
  name: string;
  is_default: boolean;
}

describe('policies', () => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await startTestApp();
    org = await createOrg(t);
  });
  afterAll(() => t.close());

  const create = (body: object) => t.http.post('/api/policies').set(bearer(org.ownerKey)).send(body);

  it('creates, lists, gets, replaces, patches and deletes', async () => {
    const p = (await create({ name: 'crud', rules: [{ action: 'deny', tool: 'drop_*' }], default_action: 'allow' }).expect(201)).body as PolicyBody;
    expect(p).toMatchObject({ name: 'crud', is_default: false, created_by: org.ownerKeyId, rules: [{ action: 'deny', tool: 'drop_*' }] });
    await create({ name: 'crud', rules: [], default_action: 'allow' }).expect(409);
    const list = (await t.http.get('/api/policies').set(bearer(org.ownerKey)).expect(200)).body as { policies: PolicyBody[] };
    expect(list.policies.map((x) => x.id)).toContain(p.id);
    await t.http.put(`/api/policies/${p.id}`).set(bearer(org.ownerKey)).send({ name: 'crud2', rules: [], default_action: 'deny' }).expect(200);
    const patched = await t.http.patch(`/api/policies/${p.id}`).set(bearer(org.ownerKey)).send({ default_action: 'allow' }).expect(200);
    expect(patched.body).toMatchObject({ name: 'crud2', default_action: 'allow', rules: [] });
    await t.http.delete(`/api/policies/${p.id}`).set(bearer(org.ownerKey)).expect(204);
    await t.http.get(`/api/policies/${p.id}`).set(bearer(org.ownerKey)).expect(404);
  });

  it.each([
    [{ action: 'deny', tool: 'db-[x' }, 'rules[1].tool'],
    [{ action: 'deny', when: [{ arg: '$.to', op: 'like', value: 'x' }] }, 'rules[1].when[0].op'],
    [{ action: 'deny', when: [{ arg: '$..to', op: 'eq', value: 'x' }] }, 'rules[1].when[0].arg'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'in', value: 'x' }] }, 'rules[1].when[0].value'],
  ])('refuses an invalid rule with 422 naming its index: %j', async (rule, field) => {
    const res = await create({ name: `bad-${field}`, rules: [{ action: 'allow', tool: 'ok' }, rule], default_action: 'allow' }).expect(422);
    expect(res.body).toMatchObject({ error: { code: 'invalid_policy', message: expect.stringContaining('rule 1') } });
    expect((res.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toContain(field);
  });

  it('keeps exactly one default per org', async () => {
    const a = (await create({ name: 'def-a', rules: [], default_action: 'allow', is_default: true }).expect(201)).body as PolicyBody;
    const b = (await create({ name: 'def-b', rules: [], default_action: 'deny' }).expect(201)).body as PolicyBody;
    await t.http.post(`/api/policies/${b.id}/default`).set(bearer(org.ownerKey)).expect(200);
    const list = (await t.http.get('/api/policies').set(bearer(org.ownerKey)).expect(200)).body as { policies: PolicyBody[] };
    expect(list.policies.filter((x) => x.is_default).map((x) => x.id)).toEqual([b.id]);
    expect(a.is_default).toBe(true);
  });

  it('dry-runs a draft against samples and the org’s recent audit entries', async () => {
    const o = await createOrg(t);
    const key = (await createApiKey(t, o, { scopes: ['mcp:call'] })).secret;
    await t.http.post('/v1/check').set(bearer(key)).send({ serverName: 'prod-db', toolName: 'drop_table' }).expect(200);
    await t.http.post('/v1/check').set(bearer(key)).send({ serverName: 'mail', toolName: 'send_email' }).expect(200);
    const res = await t.http
      .post('/api/policies/dry-run')
      .set(bearer(o.ownerKey))
      .send({
        policy: {
          name: 'draft',
          rules: [
            { action: 'deny', connector: 'prod-*', tool: 'drop_*' },
            { action: 'require_approval', tool: 'send_email', when: [{ arg: '$.to', op: 'matches', value: '@external\\.example$' }] },
          ],
          default_action: 'allow',
        },
        samples: [
          { connector: 'prod-db', tool: 'drop_table' },
          { connector: 'mail', tool: 'send_email', args: { to: 'a@external.example' } },
          { connector: 'mail', tool: 'send_email', args: { to: 'a@internal.example' } },
        ],
      })
      .expect(200);
    const body = res.body as {
      samples: { results: { draft: { decision: string }; current: { decision: string }; changed: boolean | null }[]; summary: { changed: number } };
      audit: { results: { draft: { decision: string }; changed: boolean | null }[]; audit_ids: string[] };
    };
    expect(body.samples.results.map((r) => [r.current.decision, r.draft.decision, r.changed])).toEqual([
      ['allow', 'deny', true],
      ['allow', 'require_approval', true],
      ['allow', 'allow', false],
    ]);
    expect(body.audit.audit_ids).toHaveLength(2);
    const decisions = body.audit.results.map((r) => [r.draft.decision, r.changed]);
    expect(decisions).toEqual(expect.arrayContaining([['deny', true], ['undecidable', null]]));
  });

  it('needs admin to write and answers another org’s policy with 404', async () => {
    const reader = (await createApiKey(t, org, { scopes: ['read'] })).secret;
    await t.http.get('/api/policies').set(bearer(reader)).expect(200);
    await t.http.post('/api/policies').set(bearer(reader)).send({ name: 'x', rules: [], default_action: 'allow' }).expect(403);
    const mine = (await create({ name: 'mine', rules: [], default_action: 'allow' }).expect(201)).body as PolicyBody;
    const other = await createOrg(t);
    await t.http.get(`/api/policies/${mine.id}`).set(bearer(other.ownerKey)).expect(404);
    await t.http.patch(`/api/policies/${mine.id}`).set(bearer(other.ownerKey)).send({ default_action: 'deny' }).expect(404);
    await t.http.post(`/api/policies/${mine.id}/default`).set(bearer(other.ownerKey)).expect(404);
    await t.http.delete(`/api/policies/${mine.id}`).set(bearer(other.ownerKey)).expect(404);
    expect((await t.http.get(`/api/policies/${mine.id}`).set(bearer(org.ownerKey)).expect(200)).body).toMatchObject({ default_action: 'allow' });
  });
});
