import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app.js';

export function uniqueSlug(label = 'org'): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}

export interface TestOrg {
  id: string;
  slug: string;
  ownerKey: string;
  ownerKeyId: string;
}

export function adminAuth(t: TestApp): { Authorization: string } {
  return { Authorization: `Bearer ${t.env.ADMIN_API_KEY}` };
}

export async function createOrg(t: TestApp, label?: string): Promise<TestOrg> {
  const slug = uniqueSlug(label);
  const res = await t.http.post('/api/admin/orgs').set(adminAuth(t)).send({ slug, name: `Org ${slug}` }).expect(201);
  const body = res.body as { id: string; slug: string; owner_api_key: { id: string; secret: string } };
  return { id: body.id, slug: body.slug, ownerKey: body.owner_api_key.secret, ownerKeyId: body.owner_api_key.id };
}

export function bearer(secret: string): { Authorization: string } {
  return { Authorization: `Bearer ${secret}` };
}

export async function createApiKey(t: TestApp, org: TestOrg, body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const res = await t.http.post('/api/api-keys').set(bearer(org.ownerKey)).send({ name: 'test', ...body }).expect(201);
  return res.body as { id: string; secret: string };
}

export async function createOAuthClient(
  t: TestApp,
  org: TestOrg,
  body: Record<string, unknown> = {},
): Promise<{ id: string; client_id: string; client_secret: string }> {
  const res = await t.http.post('/api/oauth-clients').set(bearer(org.ownerKey)).send({ name: 'test', ...body }).expect(201);
  return res.body as { id: string; client_id: string; client_secret: string };
}

export async function getToken(t: TestApp, clientId: string, secret: string, scope?: string): Promise<string> {
  const form: Record<string, string> = { grant_type: 'client_credentials', client_id: clientId, client_secret: secret };
  if (scope) form.scope = scope;
  const res = await t.http.post('/oauth/token').type('form').send(form).expect(200);
  return (res.body as { access_token: string }).access_token;
}
