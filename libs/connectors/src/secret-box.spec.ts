import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { isSealed, keyIdOf, open, seal, SecretBoxError, type KeyRing } from './secret-box.js';

const ring = (id = 'k1', key = randomBytes(32)): KeyRing => ({ currentKeyId: id, keys: new Map([[id, key]]) });

describe('secret box', () => {
  it('round-trips any string', () => {
    const r = ring();
    fc.assert(fc.property(fc.string(), fc.string(), (plain, aad) => open(r, seal(r, plain, aad), aad) === plain));
  });

  it('uses a fresh nonce each time and never shows the plaintext', () => {
    const r = ring();
    const a = seal(r, 'hunter2-password', 'org_a/conn_a');
    const b = seal(r, 'hunter2-password', 'org_a/conn_a');
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    expect(isSealed(a)).toBe(true);
    expect(keyIdOf(a)).toBe('k1');
  });

  it('refuses another org or connector (associated data)', () => {
    const r = ring();
    const sealed = seal(r, 's3cret', 'org_a/conn_a');
    expect(() => open(r, sealed, 'org_b/conn_a')).toThrow(SecretBoxError);
    expect(() => open(r, sealed, 'org_a/conn_b')).toThrow(SecretBoxError);
  });

  it('detects tampering', () => {
    const r = ring();
    const parts = seal(r, 's3cret', 'aad').split('.');
    const flipped = Buffer.from(parts[3], 'base64url');
    flipped[0] ^= 1;
    parts[3] = flipped.toString('base64url');
    expect(() => open(r, parts.join('.'), 'aad')).toThrow(SecretBoxError);
  });

  it('opens old rows after the key rotates', () => {
    const oldKey = randomBytes(32);
    const sealed = seal(ring('k1', oldKey), 'value', 'aad');
    const rotated: KeyRing = { currentKeyId: 'k2', keys: new Map([['k1', oldKey], ['k2', randomBytes(32)]]) };
    expect(open(rotated, sealed, 'aad')).toBe('value');
    expect(keyIdOf(seal(rotated, 'value', 'aad'))).toBe('k2');
    expect(() => open(ring('k2'), sealed, 'aad')).toThrow(/unknown encryption key id k1/);
  });
});
