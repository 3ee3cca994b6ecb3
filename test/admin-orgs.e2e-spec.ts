import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminAuth, bearer, createOrg, startTestApp, uniqueSlug, type TestApp } from '@gatehouse/testing';

describe('platform admin: organisations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each([
    [undefined, 'Authorization header required'],
    ['abc123xyz789', "Invalid authorization format. Use 'Bearer <api_key>'"],
    ['Bearer wrong-api-key', 'Invalid admin API key. Administrative operations require admin_apikey.'],
  ])('answers 401 with the seed text for %s', async (header, message) => {
    const req = t.http.get('/api/admin/orgs');
    if (header) req.set('Authorization', header);
    const res = await req.expect(401);
    expect(res.body).toMatchObject({ error: { code: 'auth_invalid_credentials', message, status: 401 } });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('does not accept an org key as the admin key', async () => {
    const org = await createOrg(t);
    await t.http.get('/api/admin/orgs').set(bearer(org.ownerKey)).expect(401);
  });

  it('creates an organisation with an owner member and an owner key shown once', async () => {
    const slug = uniqueSlug();
    const res = await t.http.post('/api/admin/orgs').set(adminAuth(t)).send({ slug, name: 'Acme', owner_email: 'Owner@Acme.example' }).expect(201);
    const body = res.body as { id: string; owner_api_key: { secret: string; member_id: string; scopes: string[] } };
    expect(body).toMatchObject({ slug, name: 'Acme', id: expect.stringMatching(/^org_[0-9a-z]{26}$/) });
    expect(body.owner_api_key.secret).toMatch(/^gth_live_[0-9A-Za-z]{32}$/);
    expect(body.owner_api_key.scopes).toContain('admin');

    const members = await t.http.get('/api/members').set(bearer(body.owner_api_key.secret)).expect(200);
    expect(members.body).toMatchObject({ members: [{ id: body.owner_api_key.member_id, email: 'owner@acme.example', role: 'owner' }] });

    const fetched = await t.http.get(`/api/admin/orgs/${body.id}`).set(adminAuth(t)).expect(200);
    expect(fetched.body).not.toHaveProperty('owner_api_key');
    await t.http.get(`/api/admin/orgs/${slug}`).set(adminAuth(t)).expect(200);
  });

  it.each(['ab', 'Upper', '-lead', 'trail-', 'sp ace', 'a--b', 'admin'])('rejects the slug %p with 400 naming the field', async (slug) => {
    const res = await t.http.post('/api/admin/orgs').set(adminAuth(t)).send({ slug, name: 'x' }).expect(400);
    expect((res.body as { error: { details: { field: string }[] } }).error.details[0].field).toBe('slug');
  });

  it('answers 409 for a taken slug and creates nothing', async () => {
    const org = await createOrg(t);
    const res = await t.http.post('/api/admin/orgs').set(adminAuth(t)).send({ slug: org.slug, name: 'again' }).expect(409);
    expect(res.body).toMatchObject({ error: { code: 'slug_taken' } });
  });

  it('lists with cursor pagination', async () => {
    for (let i = 0; i < 3; i++) await createOrg(t, 'page');
    const first = await t.http.get('/api/admin/orgs?limit=2').set(adminAuth(t)).expect(200);
    const page1 = first.body as { organizations: { id: string }[]; next_cursor: string };
    expect(page1.organizations).toHaveLength(2);
    expect(page1.next_cursor).toBe(page1.organizations[1].id);
    const second = await t.http.get(`/api/admin/orgs?limit=2&cursor=${page1.next_cursor}`).set(adminAuth(t)).expect(200);
    const ids2 = (second.body as { organizations: { id: string }[] }).organizations.map((o) => o.id);
    expect(ids2.every((id) => id > page1.next_cursor)).toBe(true);
    await t.http.get('/api/admin/orgs?limit=0').set(adminAuth(t)).expect(400);
    await t.http.get('/api/admin/orgs?limit=1001').set(adminAuth(t)).expect(400);
    await t.http.get('/api/admin/orgs?cursor=bogus').set(adminAuth(t)).expect(400);
  });

  it('deletes an organisation; its keys stop working at once', async () => {
    const org = await createOrg(t);
    await t.http.get('/api/api-keys').set(bearer(org.ownerKey)).expect(200);
    await t.http.delete(`/api/admin/orgs/${org.id}`).set(adminAuth(t)).expect(204);
    await t.http.get(`/api/admin/orgs/${org.id}`).set(adminAuth(t)).expect(404);
    await t.http.get('/api/api-keys').set(bearer(org.ownerKey)).expect(401);
    await t.http.delete(`/api/admin/orgs/${org.id}`).set(adminAuth(t)).expect(404);
  });
});
