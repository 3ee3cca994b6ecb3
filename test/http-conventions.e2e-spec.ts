import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { adminAuth, baseUrl, startTestApp, type TestApp } from '@gatehouse/testing';

/** A POST whose body is sent chunked (no Content-Length), one write per chunk. */
function postChunked(t: TestApp, path: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl(t)}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The server may answer (413) before the last chunk is written.
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

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

  // The data plane's hot routes read their bodies in front of Express: the same limits and errors as every other route.
  describe.each(['/v1/check', '/mcp/acme'])('a direct route (%s)', (path) => {
    it('rejects malformed JSON with 400', async () => {
      const res = await t.http.post(path).set('Content-Type', 'application/json').send('{"serverName":').expect(400);
      expectErrorBody(res.body, 400, 'malformed_json');
    });

    it('rejects JSON that is not an object or array with 400 (strict)', async () => {
      const res = await t.http.post(path).set('Content-Type', 'application/json').send('"a string"').expect(400);
      expectErrorBody(res.body, 400, 'malformed_json');
    });

    it('rejects an oversized body with 413, by its length or as it arrives', async () => {
      const res = await t.http.post(path).set('Content-Type', 'application/json').send({ text: 'x'.repeat(4096) }).expect(413);
      expectErrorBody(res.body, 413, 'payload_too_large');
      const chunked = await postChunked(t, path, [`{"text":"${'x'.repeat(1500)}`, `${'x'.repeat(1500)}"}`]);
      expect(chunked.status).toBe(413);
      expectErrorBody(JSON.parse(chunked.body), 413, 'payload_too_large');
    });

    it('reads a body with a UTF-8 byte order mark, and a chunked one, then asks for a credential', async () => {
      const bom = await t.http.post(path).set('Content-Type', 'application/json; charset=utf-8').send(`\uFEFF{"serverName":"s","toolName":"t"}`).expect(401);
      expectErrorBody(bom.body, 401, 'auth_invalid_credentials');
      const chunked = await postChunked(t, path, ['{"serverName":', '"s","toolName":"t"}']);
      expect(chunked.status).toBe(401);
    });
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
