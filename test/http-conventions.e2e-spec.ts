import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminAuth, startTestApp, type TestApp } from '@gatehouse/testing';

describe('HTTP conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT: '2kb' });
  });
  afterAll(() => t.close());

  const expectErrorBody = (body: unknown, status: number, code: string): void => {
    expect(body).toEqual({
      error: expect.objectContaining({ code, status, message: expect.any(String), request_id: expect.any(String) }),
    });
  };

  it('answers unknown routes with the error body and a request id', async () => {
    const res = await t.http.get('/nope').expect(404);
    expectErrorBody(res.body, 404, 'route_not_found');
    expect(res.headers['x-request-id']).toBe((res.body as { error: { request_id: string } }).error.request_id);
  });

  it('keeps a sane caller request id', async () => {
    const res = await t.http.get('/health').set('X-Request-Id', 'trace-12345678').expect(200);
    expect(res.headers['x-request-id']).toBe('trace-12345678');
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await t.http.post('/api/admin/orgs').set(adminAuth(t)).set('Content-Type', 'application/json').send('{"slug":').expect(400);
    expectErrorBody(res.body, 400, 'malformed_json');
  });

  it('rejects a wrong content type with 415', async () => {
    const res = await t.http.post('/api/admin/orgs').set(adminAuth(t)).set('Content-Type', 'text/plain').send('slug=acme').expect(415);
    expectErrorBody(res.body, 415, 'unsupported_media_type');
  });

  it('rejects an oversized body with 413', async () => {
    const res = await t.http.post('/api/admin/orgs').set(adminAuth(t)).send({ slug: 'big', name: 'x'.repeat(4096) }).expect(413);
    expectErrorBody(res.body, 413, 'payload_too_large');
  });

  it('names each invalid field', async () => {
    const res = await t.http.post('/api/admin/orgs').set(adminAuth(t)).send({ slug: 5, extra: true }).expect(400);
    expectErrorBody(res.body, 400, 'validation_failed');
    const fields = (res.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['slug', 'name', 'extra']));
  });

  it('serves health with the version, and readiness after real checks', async () => {
    expect((await t.http.get('/health').expect(200)).body).toEqual({ status: 'ok', version: expect.any(String) });
    expect((await t.http.get('/ready').expect(200)).body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('reports not ready when Postgres does not answer', async () => {
    const broken = await startTestApp({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' }, { migrate: false });
    try {
      const res = await broken.http.get('/ready').expect(503);
      expect(res.body).toMatchObject({ status: 'not_ready', checks: { redis: 'ok' } });
      expect((res.body as { checks: { postgres: string } }).checks.postgres).toMatch(/^error/);
    } finally {
      await broken.close();
    }
  });

  it('exposes Prometheus metrics', async () => {
    await t.http.get('/health');
    const res = await t.http.get('/metrics').expect(200);
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('serves the OpenAPI document with both security schemes and Swagger UI', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body as {
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(['bearer', 'api_key', 'admin']));
    expect(doc.components.schemas).toHaveProperty('ErrorResponseDto');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/oauth/token', '/api/api-keys/{id}/rotate', '/api/admin/orgs']));
    const ui = await t.http.get('/swagger').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
  });
});
