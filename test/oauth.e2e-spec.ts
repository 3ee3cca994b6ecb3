import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, SignJWT, type JWTPayload } from 'jose';
import { bearer, createOAuthClient, createOrg, getToken, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

describe('OAuth 2 client credentials', () => {
  let t: TestApp;
  let org: TestOrg;
  let kid: string;
  beforeAll(async () => {
    t = await startTestApp();
    org = await createOrg(t);
    kid = ((await t.http.get('/.well-known/jwks.json').expect(200)).body as { keys: { kid: string }[] }).keys[0].kid;
  });
  afterAll(() => t.close());

  const form = (fields: Record<string, string>) => t.http.post('/oauth/token').type('form').send(fields);

  it('manages clients: secret shown once, list, get, update, rotate, delete', async () => {
    const c = await createOAuthClient(t, org, { name: 'reporter', scopes: ['mcp:call', 'read'] });
    expect(c.client_secret).toMatch(/^gth_cs_/);
    expect(c.client_id).toBe(c.id);
    const got = await t.http.get(`/api/oauth-clients/${c.id}`).set(bearer(org.ownerKey)).expect(200);
    expect(got.body).not.toHaveProperty('client_secret');
    const list = await t.http.get('/api/oauth-clients').set(bearer(org.ownerKey)).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(c.client_secret);
    await t.http.patch(`/api/oauth-clients/${c.id}`).set(bearer(org.ownerKey)).send({ name: 'renamed' }).expect(200);
    const rotated = await t.http.post(`/api/oauth-clients/${c.id}/rotate-secret`).set(bearer(org.ownerKey)).expect(200);
    const fresh = (rotated.body as { client_secret: string }).client_secret;
    await form({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret }).expect(401);
    await getToken(t, c.client_id, fresh);
    await t.http.delete(`/api/oauth-clients/${c.id}`).set(bearer(org.ownerKey)).expect(204);
    await t.http.get(`/api/oauth-clients/${c.id}`).set(bearer(org.ownerKey)).expect(404);
  });

  it('issues a signed token with form credentials, no-store, default scope mcp:call', async () => {
    const c = await createOAuthClient(t, org, { scopes: ['mcp:call', 'read'] });
    const res = await form({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret }).expect(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'mcp:call' });
    expect(res.headers['cache-control']).toBe('no-store');
    const header = decodeProtectedHeader((res.body as { access_token: string }).access_token);
    expect(header).toMatchObject({ alg: 'EdDSA', kid });
  });

  it('accepts HTTP Basic client authentication and narrows scope', async () => {
    const c = await createOAuthClient(t, org, { scopes: ['mcp:call', 'read'] });
    const basic = Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret)}`).toString('base64');
    const res = await t.http
      .post('/oauth/token')
      .set('Authorization', `Basic ${basic}`)
      .type('form')
      .send({ grant_type: 'client_credentials', scope: 'read' })
      .expect(200);
    const token = (res.body as { access_token: string; scope: string }).access_token;
    expect((res.body as { scope: string }).scope).toBe('read');
    await t.http.get('/api/members').set(bearer(token)).expect(200);
    await t.http.post('/api/members').set(bearer(token)).send({ email: 'a@b.example', role: 'viewer' }).expect(403);
  });

  it('answers RFC 6749 errors', async () => {
    const c = await createOAuthClient(t, org, { scopes: ['mcp:call'] });
    const wrong = await form({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: 'gth_cs_nope' }).expect(401);
    expect(wrong.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
    const basicWrong = await t.http.post('/oauth/token').auth(c.client_id, 'bad').type('form').send({ grant_type: 'client_credentials' }).expect(401);
    expect(basicWrong.headers['www-authenticate']).toBe('Basic realm="gatehouse"');
    expect((await form({ client_id: c.client_id, client_secret: c.client_secret }).expect(400)).body).toMatchObject({ error: 'invalid_request' });
    expect((await form({ grant_type: 'password', client_id: c.client_id, client_secret: c.client_secret }).expect(400)).body).toMatchObject({
      error: 'unsupported_grant_type',
    });
    const scoped = await form({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret, scope: 'admin' }).expect(400);
    expect(scoped.body).toMatchObject({ error: 'invalid_scope' });
    expect(scoped.headers['cache-control']).toBe('no-store');
    await form({ grant_type: 'client_credentials', client_id: 'cli_unknown', client_secret: 'x' }).expect(401);
    await t.http.post('/oauth/token').send({ grant_type: 'client_credentials' }).expect(415);
  });

  it('serves the JWKS with kid', async () => {
    const res = await t.http.get('/.well-known/jwks.json').expect(200);
    expect(res.body).toEqual({ keys: [expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', kid, alg: 'EdDSA', use: 'sig' })] });
    expect(JSON.stringify(res.body)).not.toContain('"d"');
  });

  describe('verification', () => {
    const key = () => createPrivateKey(process.env.JWT_PRIVATE_KEY!);
    let c: { client_id: string; client_secret: string; id: string };
    beforeAll(async () => {
      c = await createOAuthClient(t, org, { scopes: ['read', 'mcp:call'] });
    });

    const claims = (): JWTPayload => ({ org: org.id, org_slug: org.slug, client_id: c.client_id, scope: 'read' });
    const sign = (payload: JWTPayload, opts: { iss?: string; aud?: string; exp?: number; kid?: string; signer?: ReturnType<typeof key> }) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'EdDSA', kid: opts.kid ?? kid })
        .setIssuer(opts.iss ?? t.env.JWT_ISSUER)
        .setAudience(opts.aud ?? t.env.JWT_AUDIENCE)
        .setSubject(c.client_id)
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 600)
        .sign(opts.signer ?? key());

    it('accepts a well-formed token', async () => {
      await t.http.get('/api/members').set(bearer(await sign(claims(), {}))).expect(200);
    });

    it('rejects alg none', async () => {
      const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const token = `${b64({ alg: 'none', kid })}.${b64({ ...claims(), iss: t.env.JWT_ISSUER, aud: t.env.JWT_AUDIENCE, sub: c.client_id, exp: now + 600 })}.`;
      await t.http.get('/api/members').set(bearer(token)).expect(401);
    });

    it('rejects a wrong issuer, a wrong audience, an expired token and a foreign key', async () => {
      await t.http.get('/api/members').set(bearer(await sign(claims(), { iss: 'https://evil.example' }))).expect(401);
      await t.http.get('/api/members').set(bearer(await sign(claims(), { aud: 'someone-else' }))).expect(401);
      const expired = await t.http.get('/api/members').set(bearer(await sign(claims(), { exp: Math.floor(Date.now() / 1000) - 10 }))).expect(401);
      expect(expired.body).toMatchObject({ error: { code: 'invalid_token', message: expect.stringContaining('expired') } });
      const foreign = generateKeyPairSync('ed25519').privateKey;
      await t.http.get('/api/members').set(bearer(await sign(claims(), { signer: foreign }))).expect(401);
    });

    it('refuses a token it has let through, from the moment it expires, and checks any other string anew', async () => {
      const exp = Math.floor(Date.now() / 1000) + 3;
      const token = await sign(claims(), { exp });
      await t.http.get('/api/members').set(bearer(token)).expect(200);
      await t.http.get('/api/members').set(bearer(token)).expect(200);
      // The same token with its signature changed (the next-to-last character: the last carries unused bits).
      const [h, p, sig] = token.split('.');
      const changed = `${h}.${p}.${sig.slice(0, -2)}${sig.at(-2) === 'A' ? 'B' : 'A'}${sig.at(-1)}`;
      await t.http.get('/api/members').set(bearer(changed)).expect(401);
      await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
      const late = await t.http.get('/api/members').set(bearer(token)).expect(401);
      expect(late.body).toMatchObject({ error: { code: 'invalid_token', message: expect.stringContaining('expired') } });
    });

    it('rejects the tokens of a disabled, then of a deleted client', async () => {
      const d = await createOAuthClient(t, org, { scopes: ['read'] });
      const token = await getToken(t, d.client_id, d.client_secret, 'read');
      await t.http.get('/api/members').set(bearer(token)).expect(200);
      await t.http.patch(`/api/oauth-clients/${d.id}`).set(bearer(org.ownerKey)).send({ disabled: true }).expect(200);
      await t.http.get('/api/members').set(bearer(token)).expect(401);
      await form({ grant_type: 'client_credentials', client_id: d.client_id, client_secret: d.client_secret }).expect(401);
      await t.http.patch(`/api/oauth-clients/${d.id}`).set(bearer(org.ownerKey)).send({ disabled: false }).expect(200);
      await t.http.get('/api/members').set(bearer(token)).expect(200);
      await t.http.delete(`/api/oauth-clients/${d.id}`).set(bearer(org.ownerKey)).expect(204);
      await t.http.get('/api/members').set(bearer(token)).expect(401);
    });
  });

  it('rate-limits per client and per IP with 429 and Retry-After', async () => {
    const limited = await startTestApp({ TOKEN_RATE_LIMIT_PER_CLIENT: '2', TOKEN_RATE_LIMIT_PER_IP: '1000', REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}rl1:` });
    try {
      const c = await createOAuthClient(limited, org);
      const send = () => limited.http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
      await send().expect(200);
      await send().expect(200);
      const res = await send().expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body).toMatchObject({ error: { code: 'rate_limited', status: 429 } });
    } finally {
      await limited.close();
    }
    const perIp = await startTestApp({ TOKEN_RATE_LIMIT_PER_IP: '1', REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}rl2:` });
    try {
      const send = () => perIp.http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'cli_x', client_secret: 'y' });
      await send().expect(401);
      await send().expect(429);
    } finally {
      await perIp.close();
    }
  });
});
