import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LastUsedTracker } from '@gatehouse/credentials';
import { bearer, createApiKey, createOAuthClient, createOrg, getToken, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

describe('agents', () => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await startTestApp();
    org = await createOrg(t);
  });
  afterAll(() => t.close());

  const createAgent = async (name: string) =>
    (await t.http.post('/api/agents').set(bearer(org.ownerKey)).send({ name, description: 'd' }).expect(201)).body as { id: string };

  it('creates, lists, gets, updates and deletes', async () => {
    const a = await createAgent('reporting-agent');
    expect(a).toMatchObject({ name: 'reporting-agent', description: 'd', last_seen_at: null, created_by: org.ownerKeyId });
    await t.http.post('/api/agents').set(bearer(org.ownerKey)).send({ name: 'reporting-agent' }).expect(409);
    const list = await t.http.get('/api/agents').set(bearer(org.ownerKey)).expect(200);
    expect((list.body as { agents: { id: string }[] }).agents.map((x) => x.id)).toContain(a.id);
    await t.http.patch(`/api/agents/${a.id}`).set(bearer(org.ownerKey)).send({ description: 'new' }).expect(200);
    await t.http.delete(`/api/agents/${a.id}`).set(bearer(org.ownerKey)).expect(204);
    await t.http.get(`/api/agents/${a.id}`).set(bearer(org.ownerKey)).expect(404);
    await t.http.post('/api/agents').set(bearer(org.ownerKey)).send({ name: 'bad name!' }).expect(400);
  });

  it('moves last_seen_at when a bound API key or OAuth client is used', async () => {
    const a = await createAgent('bound-agent');
    const key = await createApiKey(t, org, { scopes: ['read'], agent_id: a.id });
    expect(key).toMatchObject({ agent_id: a.id });
    await t.http.get('/api/whoami').set(bearer(key.secret)).expect(200);
    await t.app.get(LastUsedTracker).flush();
    const seen = (await t.http.get(`/api/agents/${a.id}`).set(bearer(org.ownerKey)).expect(200)).body as { last_seen_at: string };
    expect(Date.parse(seen.last_seen_at)).toBeGreaterThan(Date.now() - 10_000);

    const b = await createAgent('client-agent');
    const client = await createOAuthClient(t, org, { scopes: ['read'], agent_id: b.id });
    const token = await getToken(t, client.client_id, client.client_secret, 'read');
    const who = await t.http.get('/api/whoami').set(bearer(token)).expect(200);
    expect(who.body).toMatchObject({ agent_id: b.id, credential_type: 'oauth_client' });
    await t.app.get(LastUsedTracker).flush();
    const seenB = (await t.http.get(`/api/agents/${b.id}`).set(bearer(org.ownerKey)).expect(200)).body as { last_seen_at: string | null };
    expect(seenB.last_seen_at).not.toBeNull();
  });

  it('refuses to bind a credential to an unknown or foreign agent', async () => {
    const other = await createOrg(t);
    const foreign = (await t.http.post('/api/agents').set(bearer(other.ownerKey)).send({ name: 'theirs' }).expect(201)).body as { id: string };
    const res = await t.http.post('/api/api-keys').set(bearer(org.ownerKey)).send({ name: 'x', agent_id: foreign.id }).expect(422);
    expect(res.body).toMatchObject({ error: { code: 'agent_not_found' } });
    await t.http.post('/api/oauth-clients').set(bearer(org.ownerKey)).send({ name: 'x', agent_id: foreign.id }).expect(422);
  });

  it('unbinds credentials when their agent is deleted', async () => {
    const a = await createAgent('short-lived');
    const key = await createApiKey(t, org, { scopes: ['read'], agent_id: a.id });
    expect((await t.http.get('/api/whoami').set(bearer(key.secret)).expect(200)).body).toMatchObject({ agent_id: a.id });
    await t.http.delete(`/api/agents/${a.id}`).set(bearer(org.ownerKey)).expect(204);
    expect((await t.http.get('/api/whoami').set(bearer(key.secret)).expect(200)).body).toMatchObject({ agent_id: null });
  });
});
