import { describe, expect, it } from '@jest/globals';
import { directRouteOf } from './direct-route.js';

const json = { 'content-type': 'application/json', 'content-length': '42' };

describe('directRouteOf', () => {
  it('takes POST /v1/check and POST /mcp/<slug> with a plain JSON body', () => {
    expect(directRouteOf('POST', '/v1/check', json)).toEqual({ kind: 'check', template: '/v1/check' });
    expect(directRouteOf('POST', '/v1/check?x=1', json)).toMatchObject({ kind: 'check' });
    expect(directRouteOf('POST', '/mcp/acme-1', json)).toEqual({ kind: 'mcp', template: '/mcp/:orgSlug', orgSlug: 'acme-1' });
    expect(directRouteOf('POST', '/mcp/acme', { 'content-type': 'Application/JSON; charset=UTF-8', 'transfer-encoding': 'chunked' })).toMatchObject({ kind: 'mcp' });
    expect(directRouteOf('POST', '/mcp/acme', { ...json, 'content-type': 'application/json;charset="utf-8"', 'content-encoding': 'identity' })).toMatchObject({ kind: 'mcp' });
  });

  it('leaves every other shape to the Nest routes', () => {
    for (const [method, url, headers] of [
      ['GET', '/mcp/acme', json],
      ['DELETE', '/mcp/acme', json],
      ['POST', '/v1/check/', json],
      ['POST', '/V1/check', json],
      ['POST', '/mcp/Acme', json],
      ['POST', '/mcp/ac%2Dme', json],
      ['POST', '/mcp/acme/extra', json],
      ['POST', '/mcp/', json],
      ['POST', '/v1/check', { 'content-type': 'application/json' }],
      ['POST', '/v1/check', { 'content-type': 'application/json', 'content-length': '0' }],
      ['POST', '/v1/check', { ...json, 'content-type': 'text/plain' }],
      ['POST', '/v1/check', { ...json, 'content-type': 'application/merge-patch+json' }],
      ['POST', '/v1/check', { ...json, 'content-type': 'application/json; charset=latin1' }],
      ['POST', '/v1/check', { ...json, 'content-encoding': 'gzip' }],
      ['POST', '/v1/check', { 'content-length': '42' }],
    ] as const) {
      expect(directRouteOf(method, url, headers)).toBeNull();
    }
    expect(directRouteOf(undefined, undefined, json)).toBeNull();
  });
});
