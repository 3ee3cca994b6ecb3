import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { argNamesOnly, argsDigest, canonicalJson, grantExpiry, isDuration, summarizeArgs } from './approval.rules.js';

const key = Buffer.alloc(32, 7);

describe('approval rules', () => {
  it('digests arguments independently of key order, and differently for different arguments', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(argsDigest(key, reversed)).toBe(argsDigest(key, obj));
      }),
    );
    expect(argsDigest(key, { to: 'a@example.com' })).not.toBe(argsDigest(key, { to: 'b@example.com' }));
    expect(argsDigest(key, undefined)).toBe(argsDigest(key, {}));
    expect(argsDigest(Buffer.alloc(32, 8), { a: 1 })).not.toBe(argsDigest(key, { a: 1 }));
  });

  it('canonical JSON round-trips to an equal value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)))));
  });

  it('grants end after the chosen duration; once makes none', () => {
    const t = new Date('2026-01-01T00:00:00Z');
    expect(grantExpiry('once', t)).toBeNull();
    expect(grantExpiry('1h', t)?.toISOString()).toBe('2026-01-01T01:00:00.000Z');
    expect(grantExpiry('8h', t)?.toISOString()).toBe('2026-01-01T08:00:00.000Z');
    expect(grantExpiry('24h', t)?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(isDuration('1h')).toBe(true);
    expect(isDuration('2h')).toBe(false);
    expect(isDuration(undefined)).toBe(false);
  });

  it('summaries redact secrets and personal data and trim what is long, keeping the shape', () => {
    const summary = summarizeArgs({
      to: 'alice@example.com',
      token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      body: 'x'.repeat(500),
      list: Array.from({ length: 15 }, (_, i) => i),
      deep: { a: { b: { c: { d: { e: 1 } } } } },
      count: 3,
    }) as Record<string, unknown>;
    expect(JSON.stringify(summary)).not.toContain('alice@example.com');
    expect(JSON.stringify(summary)).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(summary.body).toMatch(/^x{200}… \(500 characters\)$/);
    expect(summary.list).toHaveLength(11);
    expect(summary.count).toBe(3);
    expect(JSON.stringify(summary.deep)).toContain('{…}');
  });

  it('check approvals keep only argument names', () => {
    expect(argNamesOnly({ to: 'a@example.com', n: 1 })).toEqual({ to: '[not stored]', n: '[not stored]' });
    expect(argNamesOnly('text')).toEqual({});
    expect(argNamesOnly(null)).toEqual({});
  });
});
