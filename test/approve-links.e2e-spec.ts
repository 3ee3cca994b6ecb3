import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { ApprovalsRepository } from '@gatehouse/approvals';
import {
  approvalTokenFromQueue,
  bearer,
  createApiKey,
  createApprovalWithToken,
  createOrg,
  startTestApp,
  type TestApp,
  type TestOrg,
} from '@gatehouse/testing';

type ErrorJson = { error: { code: string; message: string; status: number; request_id: string; details?: { field: string }[] } };
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

// The e2e project's testTimeout is not applied per project by Jest; a loaded 2-core machine needs more than 5 s.
jest.setTimeout(30_000);

describe('public approve/deny links /v1/approve/:token', () => {
  let t: TestApp;
  let org: TestOrg;
  let key: { id: string; secret: string };

  beforeAll(async () => {
    // Many requests from 127.0.0.1 here: a high limit and a key prefix of its own, so other files' apps
    // do not share this counter; the per-IP limit has its own test below.
    t = await startTestApp({ APPROVAL_LINK_RATE_LIMIT_PER_IP: '100000', REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}approve-links:` });
    org = await createOrg(t, 'appr-links');
    const policy = await t.http
      .post('/api/policies')
      .set(bearer(org.ownerKey))
      .send({ name: `ask-${randomBytes(3).toString('hex')}`, rules: [{ action: 'require_approval', connector: 'demo', tool: 'send_*' }], default_action: 'allow' })
      .expect(201);
    key = await createApiKey(t, org, { scopes: ['mcp:call'], policy_id: (policy.body as { id: string }).id });
  });
  afterAll(() => t.close());

  /** A real approval: a require_approval verdict from /v1/check, its token read from the notification job. */
  const askViaCheck = async (toolName = `send_${randomBytes(3).toString('hex')}`, args: object = { to: 'someone@example.com' }) => {
    const res = await t.http.post('/v1/check').set(bearer(key.secret)).send({ serverName: 'demo', toolName, args }).expect(200);
    const body = res.body as { decision: string; approvalId: string };
    expect(body.decision).toBe('require_approval');
    return { approvalId: body.approvalId, token: await approvalTokenFromQueue(t, body.approvalId), toolName, args };
  };
  const check = async (toolName: string, args: object) =>
    ((await t.http.post('/v1/check').set(bearer(key.secret)).send({ serverName: 'demo', toolName, args }).expect(200)).body as { decision: string }).decision;
  const stored = async (id: string) => (await t.app.get(ApprovalsRepository).findById(org.id, id))!;
  const cookieOf = (res: Response) => {
    const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('gh_approve_csrf='));
    return { raw: raw ?? '', pair: raw?.split(';')[0] ?? '' };
  };
  const csrfFieldOf = (res: Response) => /name="csrf_token" value="([^"]+)"/.exec(res.text)?.[1] ?? '';
  const expectPageHeaders = (res: Response) => {
    expect(res.headers['content-security-policy']).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/,
    );
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  };
  const openPage = async (token: string) => {
    const res = await t.http.get(`/v1/approve/${token}?action=approve`).set('Accept', HTML).expect(200);
    return { res, cookie: cookieOf(res).pair, csrf: csrfFieldOf(res) };
  };

  it('GET ?action=approve renders what is asked, a script-free form with the duration picker, and the hygiene headers', async () => {
    const { approvalId, token, toolName } = await askViaCheck();
    const { res, csrf } = await openPage(token);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expectPageHeaders(res);
    for (const text of [org.slug, 'demo', toolName, key.id, approvalId, 'matched rule 0 of policy', '&#34;to&#34;: &#34;[not stored]&#34;']) {
      expect(res.text).toContain(text);
    }
    expect(res.text).not.toContain('someone@example.com');
    expect(res.text).toContain(`<form method="post" action="${token}">`);
    expect(res.text).toContain('value="once" checked');
    for (const d of ['1h', '8h', '24h']) expect(res.text).toContain(`type="radio" name="duration" value="${d}">`);
    expect(res.text).not.toMatch(/<script/i);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = cookieOf(res).raw;
    expect(cookie).toMatch(/^gh_approve_csrf=[A-Za-z0-9_-]{43}; Path=\/v1\/approve; Max-Age=86400; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toContain(csrf);
    // Opening the page decides nothing.
    expect((await stored(approvalId)).status).toBe('pending');
  });

  it('escapes data on the page', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const { token } = await createApprovalWithToken(t, org, { connectorName: evil, toolName: `t${evil}`, argsSummary: { q: `</pre><script>alert(1)</script>` } });
    const { res } = await openPage(token);
    expect(res.text).not.toContain('<img');
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });

  it('GET ?action=deny denies and confirms; the link is then gone', async () => {
    const { approvalId, token, toolName, args } = await askViaCheck();
    // A link checker's HEAD decides nothing.
    await t.http.head(`/v1/approve/${token}?action=deny`).expect(200);
    expect((await stored(approvalId)).status).toBe('pending');
    const res = await t.http.get(`/v1/approve/${token}?action=deny`).set('Accept', HTML).expect(200);
    expectPageHeaders(res);
    expect(res.text).toContain('Denied');
    expect(await stored(approvalId)).toMatchObject({ status: 'denied', decidedBy: 'link', grantId: null });
    expect(await check(toolName, args)).toBe('require_approval');
    const again = await t.http.get(`/v1/approve/${token}?action=approve`).set('Accept', HTML).expect(410);
    expect(again.text).toContain('This link can no longer be used');
  });

  it('POST JSON approve for 1h makes a grant: the same key, connector and tool is then allowed without asking', async () => {
    const { approvalId, token, toolName } = await askViaCheck();
    const before = Date.now();
    const res = await t.http.post(`/v1/approve/${token}`).send({ action: 'approve', duration: '1h' }).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body as { id: string; status: string; duration: string; grant_id: string; grant_expires_at: string; decided_at: string };
    expect(body).toMatchObject({ id: approvalId, status: 'approved', duration: '1h', grant_id: expect.stringMatching(/^grant_/) });
    expect(Date.parse(body.grant_expires_at) - Date.parse(body.decided_at)).toBe(3600_000);
    expect(Date.parse(body.decided_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(await stored(approvalId)).toMatchObject({ status: 'approved', duration: '1h', grantId: body.grant_id });
    // Other arguments too: the grant is per credential + connector + tool.
    expect(await check(toolName, { to: 'another@example.com' })).toBe('allow');
    expect(await check(toolName, {})).toBe('allow');
    expect(await check(`${toolName}_other`, {})).toBe('require_approval');
  });

  it('POST JSON approve once lets exactly that call through once, and makes no grant', async () => {
    const { approvalId, token, toolName, args } = await askViaCheck();
    const res = await t.http.post(`/v1/approve/${token}`).send({ action: 'approve', duration: 'once' }).expect(200);
    expect(res.body).toMatchObject({ id: approvalId, status: 'approved', duration: 'once', grant_id: null, grant_expires_at: null });
    expect(await check(toolName, args)).toBe('allow');
    expect(await check(toolName, args)).toBe('require_approval');
  });

  it('POST JSON deny', async () => {
    const { approvalId, token } = await askViaCheck();
    const res = await t.http.post(`/v1/approve/${token}`).send({ action: 'deny' }).expect(200);
    expect(res.body).toMatchObject({ id: approvalId, status: 'denied', duration: null, grant_id: null, grant_expires_at: null });
  });

  it('a replayed token is 410: the SPEC §5 body for API clients, a page for browsers', async () => {
    const { token } = await createApprovalWithToken(t, org);
    await t.http.post(`/v1/approve/${token}`).send({ action: 'approve', duration: 'once' }).expect(200);

    const json = await t.http.post(`/v1/approve/${token}`).send({ action: 'approve', duration: 'once' }).expect(410);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body).toEqual({
      error: { code: 'approval_link_gone', message: 'This approval link has been used or has expired', status: 410, request_id: expect.any(String) },
    });
    const getJson = await t.http.get(`/v1/approve/${token}?action=approve`).expect(410);
    expect((getJson.body as ErrorJson).error.code).toBe('approval_link_gone');
    const denyJson = await t.http.get(`/v1/approve/${token}?action=deny`).expect(410);
    expect((denyJson.body as ErrorJson).error.code).toBe('approval_link_gone');

    const page = await t.http.get(`/v1/approve/${token}?action=approve`).set('Accept', HTML).expect(410);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectPageHeaders(page);
    expect(page.text).toContain('This link can no longer be used');
    expect(page.text).toContain('This approval link has been used or has expired');
    const formReplay = await t.http.post(`/v1/approve/${token}`).set('Accept', HTML).type('form').send({ action: 'approve' });
    // The form post fails CSRF before it can learn anything about the token.
    expect(formReplay.status).toBe(403);
  });

  it('an expired, unknown or malformed token is 410 and says nothing more', async () => {
    const { approval, token } = await createApprovalWithToken(t, org, { expiresAt: new Date(Date.now() - 1000) });
    const expired = await t.http.post(`/v1/approve/${token}`).send({ action: 'approve', duration: '1h' }).expect(410);
    const unknown = await t.http.post(`/v1/approve/apt_${'Z'.repeat(43)}`).send({ action: 'approve', duration: '1h' }).expect(410);
    const malformed = await t.http.get('/v1/approve/not-a-token?action=approve').expect(410);
    for (const r of [expired, unknown, malformed]) {
      expect((r.body as ErrorJson).error).toMatchObject({ code: 'approval_link_gone', status: 410 });
      expect((r.body as ErrorJson).error.message).toBe('This approval link has been used or has expired');
    }
    await t.http.get(`/v1/approve/${token}?action=approve`).set('Accept', HTML).expect(410);
    expect((await stored(approval.id)).status).toBe('pending');
  });

  it('a missing or unknown action is 400 naming the field; a bad POST body names its fields', async () => {
    const { token } = await createApprovalWithToken(t, org);
    const missing = await t.http.get(`/v1/approve/${token}`).expect(400);
    expect((missing.body as ErrorJson).error.details).toEqual([{ field: 'action', message: 'must be one of: approve, deny' }]);
    const other = await t.http.get(`/v1/approve/${token}?action=delete`).set('Accept', HTML).expect(400);
    expect(other.headers['content-type']).toMatch(/^text\/html/);
    expect(other.text).toContain('action: must be one of: approve, deny');
    expectPageHeaders(other);
    // Mail trackers add parameters: they are ignored.
    await t.http.get(`/v1/approve/${token}?action=approve&utm_source=mail`).expect(200);

    const bad = await t.http.post(`/v1/approve/${token}`).send({ action: 'maybe', duration: '2h' }).expect(400);
    expect((bad.body as ErrorJson).error.details!.map((d) => d.field).sort()).toEqual(['action', 'duration']);
    await t.http.post(`/v1/approve/${token}`).send({ action: 'approve', extra: 1 }).expect(400);
    await t.http.post(`/v1/approve/${token}`).set('Content-Type', 'application/json').send('{"action":').expect(400);
  });

  it('refuses text/plain and other media types with 415', async () => {
    const { approval, token } = await createApprovalWithToken(t, org);
    const res = await t.http.post(`/v1/approve/${token}`).set('Content-Type', 'text/plain').send('{"action":"approve"}').expect(415);
    expect((res.body as ErrorJson).error).toMatchObject({ code: 'unsupported_media_type', status: 415 });
    await t.http.post(`/v1/approve/${token}`).set('Content-Type', 'multipart/form-data; boundary=x').send('--x--').expect(415);
    expect((await stored(approval.id)).status).toBe('pending');
  });

  it('the page’s form, with its CSRF cookie and field, approves for 8h and confirms', async () => {
    const { approval, token } = await createApprovalWithToken(t, org);
    const { cookie, csrf } = await openPage(token);
    const res = await t.http
      .post(`/v1/approve/${token}`)
      .set('Accept', HTML)
      .set('Cookie', cookie)
      .set('Origin', 'null')
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send({ csrf_token: csrf, duration: '8h', action: 'approve' })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expectPageHeaders(res);
    expect(res.text).toContain('Approved for 8h');
    expect(await stored(approval.id)).toMatchObject({ status: 'approved', duration: '8h' });
  });

  it('refuses form posts without the CSRF cookie, with a mismatched field, or from another site', async () => {
    const { approval, token } = await createApprovalWithToken(t, org);
    const other = await createApprovalWithToken(t, org);
    const { cookie, csrf } = await openPage(token);
    const otherPage = await openPage(other.token);
    const post = (headers: Record<string, string>, form: Record<string, string>) =>
      t.http.post(`/v1/approve/${token}`).set(headers).type('form').send({ action: 'approve', duration: '24h', ...form });
    const refused = async (r: Promise<Response>, code: string) => {
      const res = await r;
      expect(res.status).toBe(403);
      expect((res.body as ErrorJson).error.code).toBe(code);
    };
    await refused(post({ Accept: 'application/json' }, { csrf_token: csrf }), 'csrf_token_invalid');
    await refused(post({ Accept: 'application/json', Cookie: cookie }, {}), 'csrf_token_invalid');
    await refused(post({ Accept: 'application/json', Cookie: cookie }, { csrf_token: `${csrf.slice(0, -2)}xx` }), 'csrf_token_invalid');
    // A field from another approval's page does not fit this link.
    await refused(post({ Accept: 'application/json', Cookie: otherPage.cookie }, { csrf_token: otherPage.csrf }), 'csrf_token_invalid');
    await refused(post({ Accept: 'application/json', Cookie: `gh_approve_csrf=${'A'.repeat(43)}` }, { csrf_token: csrf }), 'csrf_token_invalid');
    await refused(post({ Accept: 'application/json', Cookie: cookie, Origin: 'https://evil.example' }, { csrf_token: csrf }), 'cross_site_request');
    await refused(post({ Accept: 'application/json', Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' }, { csrf_token: csrf }), 'cross_site_request');
    const page = await post({ Accept: HTML, Cookie: cookie, Origin: 'https://evil.example' }, { csrf_token: csrf }).expect(403);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('This request was refused');
    expect((await stored(approval.id)).status).toBe('pending');
    // The right cookie and field, from our own origin, still work afterwards.
    const origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    await post({ Accept: 'application/json', Cookie: cookie, Origin: origin }, { csrf_token: csrf }).expect(200);
    expect(await stored(approval.id)).toMatchObject({ status: 'approved', duration: '24h' });
  });

  it('two concurrent resolutions of one token: exactly one 200 and one 410', async () => {
    for (let round = 0; round < 3; round++) {
      const { approval, token } = await createApprovalWithToken(t, org);
      const results = await Promise.all([
        t.http.post(`/v1/approve/${token}`).send({ action: 'approve', duration: '1h' }),
        t.http.post(`/v1/approve/${token}`).send({ action: 'deny' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
      const winner = results.find((r) => r.status === 200)!.body as { status: string };
      expect((await stored(approval.id)).status).toBe(winner.status);
    }
  });

  it('is rate-limited per IP with 429 and Retry-After (JSON and page)', async () => {
    const limited = await startTestApp({ APPROVAL_LINK_RATE_LIMIT_PER_IP: '2', TRUST_PROXY: 'true' });
    try {
      const ip = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
      const get = (from: string, accept = 'application/json') =>
        limited.http.get(`/v1/approve/apt_${'Q'.repeat(43)}?action=approve`).set('X-Forwarded-For', from).set('Accept', accept);
      expect((await get(ip)).status).toBe(410);
      expect((await get(ip)).status).toBe(410);
      const res = await get(ip);
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect((res.body as ErrorJson).error).toMatchObject({ code: 'rate_limited', status: 429 });
      const page = await get(ip, HTML);
      expect(page.status).toBe(429);
      expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
      expect(page.text).toContain('Too many requests');
      const post = await limited.http.post(`/v1/approve/apt_${'Q'.repeat(43)}`).set('X-Forwarded-For', ip).send({ action: 'deny' });
      expect(post.status).toBe(429);
      // Another address is not affected.
      expect((await get(`${ip.split('.').slice(0, 3).join('.')}.${(Number(ip.split('.')[3]) + 1) % 256}`)).status).toBe(410);
    } finally {
      await limited.close();
    }
  });
});
