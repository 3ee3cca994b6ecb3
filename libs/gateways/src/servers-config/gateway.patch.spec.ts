import { describe, expect, it } from '@jest/globals';
import { applyGatewayPatch, validateGatewayPatch, validateServersConfigPatch } from './gateway.patch.js';
import type { GatewayMutableState } from './servers-config.types.js';

const ctx = { connectorNames: new Set(['fs', 'db']) };
const stored: GatewayMutableState = {
  servers_config: { common_overrides: {}, servers: [{ saved_name: 'fs', server_version: 'v1', tools: ['read'] }] },
  is_active: true,
  is_sample: false,
};

describe('validateServersConfigPatch', () => {
  it('accepts the shapes the merge understands', () => {
    expect(validateServersConfigPatch({})).toEqual([]);
    expect(validateServersConfigPatch({ servers: null, common_overrides: null })).toEqual([]);
    expect(validateServersConfigPatch({ servers: [{ saved_name: 'fs', server_version: 'v1', _delete: true }] })).toEqual([]);
  });

  it.each([
    [null, 'servers_config', 'cannot be deleted; send {"servers": null} to remove every server'],
    [[], 'servers_config', 'must be an object'],
    [{ common_overrides: 'x' }, 'servers_config.common_overrides', 'must be an object or null'],
    [{ servers: {} }, 'servers_config.servers', 'must be an array of server entries to upsert, or null'],
    [{ servers: [1] }, 'servers_config.servers[0]', 'must be an object with saved_name and server_version'],
    [{ servers: [{ server_version: 'v1' }] }, 'servers_config.servers[0].saved_name', 'is required to identify the server'],
    [{ servers: [{ saved_name: 'fs' }] }, 'servers_config.servers[0].server_version', 'is required to identify the server'],
    [{ servers: [{ saved_name: 'fs', server_version: 'v1', _delete: 'yes' }] }, 'servers_config.servers[0]._delete', 'must be a boolean'],
    [
      { servers: [{ saved_name: 'fs', server_version: 'v1' }, { saved_name: 'fs', server_version: 'v1', _delete: true }] },
      'servers_config.servers[1]',
      'names the same server as servers_config.servers[0]',
    ],
  ])('rejects %j at %s', (patch, path, message) => {
    expect(validateServersConfigPatch(patch)).toContainEqual({ path, message });
  });
});

describe('validateGatewayPatch', () => {
  it('allows only servers_config, is_active and is_sample', () => {
    expect(validateGatewayPatch({ is_active: false }).ok).toBe(true);
    expect(validateGatewayPatch({ saved_name: 'x', is_sample: 'yes' })).toEqual({
      ok: false,
      errors: [
        { path: 'saved_name', message: 'is not a field that PATCH can change (expected servers_config, is_active, is_sample)' },
        { path: 'is_sample', message: 'must be a boolean' },
      ],
    });
    expect(validateGatewayPatch('x')).toEqual({ ok: false, errors: [{ path: '', message: 'must be a JSON object' }] });
  });
});

describe('applyGatewayPatch', () => {
  it('merges, validates and says whether anything changed', () => {
    expect(applyGatewayPatch(stored, { is_active: false, servers_config: { servers: [{ saved_name: 'db', server_version: 'v1' }] } }, ctx)).toEqual({
      ok: true,
      changed: true,
      value: {
        servers_config: { common_overrides: {}, servers: [{ saved_name: 'fs', server_version: 'v1', tools: ['read'] }, { saved_name: 'db', server_version: 'v1' }] },
        is_active: false,
        is_sample: false,
      },
    });
    expect(applyGatewayPatch(stored, { is_active: true, servers_config: { servers: [{ saved_name: 'fs', server_version: 'v1', tools: ['read'] }] } }, ctx)).toEqual({
      ok: true,
      changed: false,
      value: stored,
    });
  });

  it('answers a malformed body at the patch stage and an invalid result at the result stage', () => {
    expect(applyGatewayPatch(stored, { servers_config: { servers: [{ saved_name: 'fs' }] } }, ctx)).toMatchObject({ ok: false, stage: 'patch' });
    expect(applyGatewayPatch(stored, { servers_config: { servers: [{ saved_name: 'gone', server_version: 'v1' }] } }, ctx)).toEqual({
      ok: false,
      stage: 'result',
      errors: [{ path: 'servers_config.servers[1].saved_name', message: 'no connector named "gone" in this organisation' }],
    });
  });

  it('removes every server on servers: null', () => {
    const result = applyGatewayPatch(stored, { servers_config: { servers: null } }, ctx);
    expect(result).toMatchObject({ ok: true, changed: true, value: { servers_config: { common_overrides: {}, servers: [] } } });
  });
});
