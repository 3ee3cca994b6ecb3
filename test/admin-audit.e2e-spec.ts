import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createApiKey, createOrg, startTestApp, type TestApp } from '@gatehouse/testing';

describe('admin audit trail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('records actor, action, resource and time for every mutation, per org', async () => {
    const org = await createOrg(t);
    const other = await createOrg(t);
    const key = await createApiKey(t, org, { scopes: ['read'] });
    await t.http.patch(`/api/api-keys/${key.id}`).set(bearer(org.ownerKey)).send({ name: 'renamed' }).expect(200);
    const agent = (await t.http.post('/api/agents').set(bearer(org.ownerKey)).send({ name: 'a1' }).expect(201)).body as { id: string };
    await t.http.delete(`/api/agents/${agent.id}`).set(bearer(org.ownerKey)).expect(204);

    const res = await t.http.get('/api/audit/admin-events').set(bearer(org.ownerKey)).expect(200);
    const events = (res.body as { events: { action: string; actor: { type: string; id: string }; resource: { id: string }; timestamp: string }[] }).events;
    expect(events.map((e) => e.action)).toEqual(['organization.create', 'api_key.create', 'api_key.update', 'agent.create', 'agent.delete']);
    expect(events[0].actor).toEqual({ type: 'platform_admin', id: 'platform_admin' });
    expect(events[1]).toMatchObject({ actor: { type: 'api_key', id: org.ownerKeyId }, resource: { id: key.id } });
    expect(Date.parse(events[4].timestamp)).toBeGreaterThan(Date.now() - 60_000);

    const theirs = await t.http.get('/api/audit/admin-events').set(bearer(other.ownerKey)).expect(200);
    expect(JSON.stringify(theirs.body)).not.toContain(key.id);
    await t.http.get('/api/audit/admin-events').set(bearer(key.secret)).expect(403);
  });
});
