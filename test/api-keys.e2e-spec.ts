import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { LastUsedTracker } from '@gatehouse/credentials';
import { bearer, createApiKey, createOrg, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

describe('API keys', () => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await startTestApp();
    org = await createOrg(t);
  });
  afterAll(() => t.close());

  it('creates a key whose secret is shown once and never listed', async () => {
    const key = await createApiKey(t, org, { name: 'ci', scopes: ['read', 'mcp:call'] });
    expect(key.secret).toMatch(/^gth_live_[0-9A-Za-z]{32}$/);
    expect(key).toMatchObject({ prefix: key.secret.slice(0, 12), scopes: ['read', 'mcp:call'], created_by: org.ownerKeyId });
    const got = await t.http.get(`/api/api-keys/${key.id}`).set(bearer(org.ownerKey)).expect(200);
    expect(got.body).not.toHaveProperty('secret');
    const list = await t.http.get('/api/api-keys').set(bearer(org.ownerKey)).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(key.secret);
  });

  it('accepts Authorization: Bearer and X-API-Key', async () => {
    const key = await createApiKey(t, org, { scopes: ['read'] });
    await t.http.get('/api/members').set(bearer(key.secret)).expect(200);
    await t.http.get('/api/members').set('X-API-Key', key.secret).expect(200);
  });

  it('answers 401 for missing, malformed and unknown credentials', async () => {
    await t.http.get('/api/members').expect(401);
    await t.http.get('/api/members').set('Authorization', 'Basic abc').expect(401);
    const res = await t.http.get('/api/members').set(bearer('gth_live_' + 'x'.repeat(32))).expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('enforces scopes with 403', async () => {
    const key = await createApiKey(t, org, { scopes: ['mcp:call'] });
    const res = await t.http.get('/api/api-keys').set(bearer(key.secret)).expect(403);
    expect(res.body).toMatchObject({ error: { code: 'insufficient_scope', status: 403 } });
    const reader = await createApiKey(t, org, { scopes: ['read'] });
    await t.http.get('/api/api-keys').set(bearer(reader.secret)).expect(200);
    await t.http.post('/api/api-keys').set(bearer(reader.secret)).send({ name: 'x' }).expect(403);
  });

  it('validates input, naming the field', async () => {
    const bad = await t.http.post('/api/api-keys').set(bearer(org.ownerKey)).send({ name: '', scopes: ['root'], expires_at: 'soon' }).expect(400);
    const fields = (bad.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'scopes', 'expires_at']));
    await t.http.post('/api/api-keys').set(bearer(org.ownerKey)).send({ name: 'x', expires_at: '2001-01-01T00:00:00Z' }).expect(400);
    await t.http
      .post('/api/api-keys')
      .set(bearer(org.ownerKey))
      .send({ name: 'x', member_id: 'usr_00000000000000000000000000' })
      .expect(422);
  });

  it('rotates: the old secret dies at once without a grace period', async () => {
    const key = await createApiKey(t, org, { scopes: ['read'] });
    await t.http.get('/api/members').set(bearer(key.secret)).expect(200);
    const rotated = await t.http.post(`/api/api-keys/${key.id}/rotate`).set(bearer(org.ownerKey)).expect(200);
    const fresh = (rotated.body as { secret: string }).secret;
    expect(fresh).not.toBe(key.secret);
    await t.http.get('/api/members').set(bearer(key.secret)).expect(401);
    await t.http.get('/api/members').set(bearer(fresh)).expect(200);
  });

  it('rotates with a grace period: both secrets work until it ends', async () => {
    const key = await createApiKey(t, org, { scopes: ['read'] });
    const rotated = await t.http.post(`/api/api-keys/${key.id}/rotate`).set(bearer(org.ownerKey)).send({ grace_period_seconds: 1 }).expect(200);
    const body = rotated.body as { secret: string; previous_secret_expires_at: string };
    expect(body.previous_secret_expires_at).toEqual(expect.any(String));
    await t.http.get('/api/members').set(bearer(key.secret)).expect(200);
    await t.http.get('/api/members').set(bearer(body.secret)).expect(200);
    await sleep(1100);
    await t.http.get('/api/members').set(bearer(key.secret)).expect(401);
    await t.http.get('/api/members').set(bearer(body.secret)).expect(200);
    await t.http.post(`/api/api-keys/${key.id}/rotate`).set(bearer(org.ownerKey)).send({ grace_period_seconds: -1 }).expect(400);
  });

  it('disables and enables', async () => {
    const key = await createApiKey(t, org, { scopes: ['read'] });
    await t.http.get('/api/members').set(bearer(key.secret)).expect(200);
    const disabled = await t.http.post(`/api/api-keys/${key.id}/disable`).set(bearer(org.ownerKey)).expect(200);
    expect(disabled.body).toMatchObject({ disabled: true, updated_by: org.ownerKeyId });
    const res = await t.http.get('/api/members').set(bearer(key.secret)).expect(401);
    expect(res.body).toMatchObject({ error: { code: 'credential_disabled' } });
    await t.http.post(`/api/api-keys/${key.id}/enable`).set(bearer(org.ownerKey)).expect(200);
    await t.http.get('/api/members').set(bearer(key.secret)).expect(200);
  });

  it('updates name and scopes; the new scopes apply at once', async () => {
    const key = await createApiKey(t, org, { scopes: ['read'] });
    await t.http.get('/api/members').set(bearer(key.secret)).expect(200);
    const res = await t.http.patch(`/api/api-keys/${key.id}`).set(bearer(org.ownerKey)).send({ name: 'renamed', scopes: ['mcp:call'] }).expect(200);
    expect(res.body).toMatchObject({ name: 'renamed', scopes: ['mcp:call'] });
    await t.http.get('/api/members').set(bearer(key.secret)).expect(403);
  });

  it('deletes', async () => {
    const key = await createApiKey(t, org, { scopes: ['read'] });
    await t.http.delete(`/api/api-keys/${key.id}`).set(bearer(org.ownerKey)).expect(204);
    await t.http.get(`/api/api-keys/${key.id}`).set(bearer(org.ownerKey)).expect(404);
    await t.http.get('/api/members').set(bearer(key.secret)).expect(401);
    const again = await t.http.delete(`/api/api-keys/${key.id}`).set(bearer(org.ownerKey)).expect(404);
    expect(again.body).toMatchObject({ error: { code: 'api_key_not_found' } });
  });

  it('expires', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const key = await createApiKey(t, org, { scopes: ['read'], expires_at: expiresAt });
    await t.http.get('/api/members').set(bearer(key.secret)).expect(200);
    await sleep(1600);
    const res = await t.http.get('/api/members').set(bearer(key.secret)).expect(401);
    expect(res.body).toMatchObject({ error: { code: 'credential_expired' } });
  });

  it('records last_used_at without a write per request', async () => {
    const key = await createApiKey(t, org, { scopes: ['read'] });
    expect((await t.http.get(`/api/api-keys/${key.id}`).set(bearer(org.ownerKey))).body).toMatchObject({ last_used_at: null });
    await t.http.get('/api/members').set(bearer(key.secret)).expect(200);
    await t.app.get(LastUsedTracker).flush();
    const after = await t.http.get(`/api/api-keys/${key.id}`).set(bearer(org.ownerKey)).expect(200);
    expect(Date.parse((after.body as { last_used_at: string }).last_used_at)).toBeGreaterThan(Date.now() - 10_000);
  });

  it('a disabled key stops working within a second on another replica', async () => {
    const other = await startTestApp();
    try {
      const key = await createApiKey(t, org, { scopes: ['read'] });
      await other.http.get('/api/members').set(bearer(key.secret)).expect(200); // warms replica 2's cache
      await t.http.post(`/api/api-keys/${key.id}/disable`).set(bearer(org.ownerKey)).expect(200);
      const deadline = Date.now() + 1000;
      let status = 200;
      while (Date.now() < deadline && status === 200) {
        status = (await other.http.get('/api/members').set(bearer(key.secret))).status;
        if (status === 200) await sleep(20);
      }
      expect(status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
