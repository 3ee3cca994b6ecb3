import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createApiKey, createOrg, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

describe('members', () => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await startTestApp();
    org = await createOrg(t);
  });
  afterAll(() => t.close());

  it('creates, lists, gets, updates and deletes', async () => {
    const created = await t.http.post('/api/members').set(bearer(org.ownerKey)).send({ email: 'Dev@Acme.example', role: 'viewer' }).expect(201);
    const m = created.body as { id: string };
    expect(created.body).toMatchObject({ email: 'dev@acme.example', role: 'viewer', created_by: org.ownerKeyId });
    const list = await t.http.get('/api/members').set(bearer(org.ownerKey)).expect(200);
    expect((list.body as { members: { id: string }[] }).members.map((x) => x.id)).toContain(m.id);
    const updated = await t.http.patch(`/api/members/${m.id}`).set(bearer(org.ownerKey)).send({ role: 'admin', name: 'Dana' }).expect(200);
    expect(updated.body).toMatchObject({ role: 'admin', name: 'Dana' });
    await t.http.delete(`/api/members/${m.id}`).set(bearer(org.ownerKey)).expect(204);
    await t.http.get(`/api/members/${m.id}`).set(bearer(org.ownerKey)).expect(404);
  });

  it('rejects a duplicate email with 409 and bad input with 400', async () => {
    await t.http.post('/api/members').set(bearer(org.ownerKey)).send({ email: 'dup@acme.example', role: 'admin' }).expect(201);
    await t.http.post('/api/members').set(bearer(org.ownerKey)).send({ email: 'DUP@acme.example', role: 'admin' }).expect(409);
    const bad = await t.http.post('/api/members').set(bearer(org.ownerKey)).send({ email: 'nope', role: 'god' }).expect(400);
    const fields = (bad.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'role']));
  });

  it('keeps at least one owner', async () => {
    const own = await createOrg(t);
    const res = await t.http.post('/api/members').set(bearer(own.ownerKey)).send({ email: 'solo@x.example', role: 'owner' }).expect(201);
    const id = (res.body as { id: string }).id;
    await t.http.delete(`/api/members/${id}`).set(bearer(own.ownerKey)).expect(409);
    await t.http.patch(`/api/members/${id}`).set(bearer(own.ownerKey)).send({ role: 'viewer' }).expect(409);
  });

  it('needs the admin scope to change members', async () => {
    const reader = await createApiKey(t, org, { scopes: ['read'] });
    await t.http.get('/api/members').set(bearer(reader.secret)).expect(200);
    await t.http.post('/api/members').set(bearer(reader.secret)).send({ email: 'x@y.example', role: 'viewer' }).expect(403);
  });
});
