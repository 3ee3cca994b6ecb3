import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { ApprovalsRepository } from '@gatehouse/approvals';
import { approvalTokenFromQueue, bearer, createApiKey, createApprovalWithToken, createOrg, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

// The e2e project's testTimeout is not applied per project by Jest; a loaded 2-core machine needs more than 5 s.
jest.setTimeout(60_000);

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google's hosts on this closed network.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The approve page in a real headless Chromium (Debian's), with JavaScript off: it must work without it. */
describe('approve page in headless Chromium', () => {
  let t: TestApp;
  let org: TestOrg;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) execFileSync('bash', ['scripts/ensure-chromium.sh'], { stdio: 'inherit', timeout: 900_000 });
    // A key prefix of its own: the per-IP counter of 127.0.0.1 is not shared with other files' apps.
    t = await startTestApp({ APPROVAL_LINK_RATE_LIMIT_PER_IP: '100000', REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}approve-page:` });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    org = await createOrg(t, 'appr-browser');
    // playwright-core gives every launch a fresh, empty profile directory of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens the link, picks 1h, approves, sees the confirmation; the approval is approved for 1h and the grant lets the next check through', async () => {
    const policy = await t.http
      .post('/api/policies')
      .set(bearer(org.ownerKey))
      .send({ name: `ask-${randomBytes(3).toString('hex')}`, rules: [{ action: 'require_approval', connector: 'demo', tool: 'send_*' }], default_action: 'allow' })
      .expect(201);
    const key = await createApiKey(t, org, { scopes: ['mcp:call'], policy_id: (policy.body as { id: string }).id });
    const toolName = `send_${randomBytes(3).toString('hex')}`;
    const check = async () =>
      (await t.http.post('/v1/check').set(bearer(key.secret)).send({ serverName: 'demo', toolName, args: { to: 'a@example.com' } }).expect(200)).body as {
        decision: string;
        approvalId?: string;
      };
    const asked = await check();
    expect(asked.decision).toBe('require_approval');
    const approvalId = asked.approvalId!;
    const token = await approvalTokenFromQueue(t, approvalId);

    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const opened = await page.goto(`${base}/v1/approve/${token}?action=approve`);
      expect(opened?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toBe('Approval requested');
      const details = (await page.locator('dl').textContent()) ?? '';
      for (const text of [org.slug, 'demo', toolName, key.id, approvalId]) expect(details).toContain(text);
      expect(await page.locator('input[name=duration][value=once]').isChecked()).toBe(true);

      await page.locator('input[name=duration][value="1h"]').check();
      const [answer] = await Promise.all([page.waitForNavigation(), page.locator('button[value=approve]').click()]);
      expect(answer?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toBe('Approved for 1h');
      expect(await page.locator('main').textContent()).toContain('without asking until');

      // Going back and submitting again is refused: the link is single-use.
      await page.goBack();
      const again = await page.goto(`${base}/v1/approve/${token}?action=approve`);
      expect(again?.status()).toBe(410);
      await expect(page.locator('h1').textContent()).resolves.toBe('This link can no longer be used');
    } finally {
      await context.close();
    }

    const shown = await t.http.get(`/api/approvals/${approvalId}`).set(bearer(org.ownerKey)).expect(200);
    expect(shown.body).toMatchObject({ id: approvalId, status: 'approved', duration: '1h' });
    expect(await t.app.get(ApprovalsRepository).findById(org.id, approvalId)).toMatchObject({ status: 'approved', duration: '1h', decidedBy: 'link' });
    expect((await check()).decision).toBe('allow');
  });

  it('denies with the Deny button, and the stylesheet passes the page’s CSP (hash) in a real browser', async () => {
    const { approval, token } = await createApprovalWithToken(t, org);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${base}/v1/approve/${token}?action=approve`);
      // The only styling is the inline stylesheet: if the CSP hash were wrong the button would keep the browser's default look.
      const colour = await page
        .locator('button.approve')
        .evaluate((b) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(b).backgroundColor);
      expect(colour).toBe('rgb(26, 127, 55)');
      await Promise.all([page.waitForNavigation(), page.locator('button[value=deny]').click()]);
      await expect(page.locator('h1').textContent()).resolves.toBe('Denied');
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
    expect(await t.app.get(ApprovalsRepository).findById(org.id, approval.id)).toMatchObject({ status: 'denied' });
  });

  it('a form on another site cannot approve, even after the victim opened the page (SameSite cookie, Origin check)', async () => {
    const { approval, token } = await createApprovalWithToken(t, org);
    // Another site: "localhost" is not the same site as "127.0.0.1".
    const evil = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(
        `<!doctype html><form method="post" action="${base}/v1/approve/${token}">` +
          '<input type="hidden" name="action" value="approve"><input type="hidden" name="duration" value="24h">' +
          '<input type="hidden" name="csrf_token" value="guessed"><button id="go">Win a prize</button></form>',
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, resolve));
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/v1/approve/${token}?action=approve`);
      expect((await context.cookies()).map((c) => [c.name, c.sameSite, c.httpOnly, c.path])).toEqual([['gh_approve_csrf', 'Lax', true, '/v1/approve']]);
      await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      const [answer] = await Promise.all([page.waitForNavigation(), page.locator('#go').click()]);
      expect(answer?.status()).toBe(403);
      await expect(page.locator('h1').textContent()).resolves.toBe('This request was refused');
    } finally {
      await context.close();
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
    expect(await t.app.get(ApprovalsRepository).findById(org.id, approval.id)).toMatchObject({ status: 'pending' });
  });
});
