import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SECRET_MASK } from './connector-config.js';
import { maskSecrets, openSecrets, restoreMasked, sealSecrets, validateConnectorConfig } from './connector-config.codec.js';
import type { KeyRing } from './secret-box.js';

const ring: KeyRing = { currentKeyId: 'k1', keys: new Map([['k1', randomBytes(32)]]) };

describe('connector config codec', () => {
  it('validates per type and names the field', () => {
    expect(validateConnectorConfig('mcp_http', { url: 'https://x.example/mcp', headers: { Authorization: 'Bearer t' } }).ok).toBe(true);
    const bad = validateConnectorConfig('mcp_http', { url: 5, headers: { 'bad name': 'x', Host: 'y' }, extra: 1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.field).sort()).toEqual(['config.extra', 'config.headers.Host', 'config.headers.bad name', 'config.url']);
    const stdio = validateConnectorConfig('mcp_stdio', { command: 'npx', args: [1] });
    if (!stdio.ok) expect(stdio.errors.map((e) => e.field)).toEqual(['config.command', 'config.args']);
    const pg = validateConnectorConfig('postgresql', { host: 'db', port: 70000, database: 'x', username: 'u' });
    if (!pg.ok) expect(pg.errors.map((e) => e.field)).toEqual(['config.port']);
  });

  it('seals secrets so no plaintext remains, and opens them again', () => {
    const v = validateConnectorConfig('postgresql', { host: 'db', port: 5432, database: 'x', username: 'u', password: 'hunter2' });
    if (!v.ok) throw new Error('invalid');
    const sealed = sealSecrets(v.value, ring, 'org_a', 'conn_a');
    expect(JSON.stringify(sealed)).not.toContain('hunter2');
    expect(openSecrets(sealed, ring, 'org_a', 'conn_a')).toEqual(v.value);
    expect(() => openSecrets(sealed, ring, 'org_b', 'conn_a')).toThrow();
    expect(maskSecrets(sealed)).toMatchObject({ config: { password: SECRET_MASK, host: 'db' } });
  });

  it('keeps the stored value where the mask is sent back', () => {
    const v = validateConnectorConfig('mcp_http', { url: 'https://x.example', headers: { A: 'one', B: 'two' } });
    if (!v.ok) throw new Error('invalid');
    const sealed = sealSecrets(v.value, ring, 'o', 'c');
    const incoming = validateConnectorConfig('mcp_http', { url: 'https://y.example', headers: { A: SECRET_MASK, B: 'three', C: SECRET_MASK } });
    if (!incoming.ok) throw new Error('invalid');
    const { config, missing } = restoreMasked(incoming.value, sealed);
    expect(missing).toEqual(['config.headers.C']);
    const opened = openSecrets(sealSecrets({ ...config, config: { ...config.config, headers: { A: (config.config as { headers: Record<string, string> }).headers.A, B: 'three' } } } as typeof config, ring, 'o', 'c'), ring, 'o', 'c');
    expect(opened).toMatchObject({ config: { url: 'https://y.example', headers: { A: 'one', B: 'three' } } });
  });
});
