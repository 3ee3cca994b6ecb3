import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { deliveryHeaders, idempotencyKey, parseSignatureHeader, signatureHeader, verifySignature } from './webhook-signature.js';

const SECRET = 'whsec_testsecret0123456789ABCDEFGHIJ';
const BODY = '{"event":"approval.requested","approval":{"id":"appr_1"}}';
const T = 1_800_000_000;

describe('webhook signatures', () => {
  it('signs `<t>.<body>` with HMAC-SHA256 keyed by the whole secret, as t=…,v1=<hex>', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signatureHeader(SECRET, T, BODY)).toBe(`t=${T},v1=${expected}`);
  });

  it('verifies its own signature within the tolerance', () => {
    const header = signatureHeader(SECRET, T, BODY);
    expect(verifySignature(SECRET, header, BODY, 300, T)).toBe(true);
    expect(verifySignature(SECRET, header, BODY, 300, T + 300)).toBe(true);
    expect(verifySignature(SECRET, header, BODY, 300, T - 300)).toBe(true);
  });

  it('refuses a stale or future timestamp (replay)', () => {
    const header = signatureHeader(SECRET, T, BODY);
    expect(verifySignature(SECRET, header, BODY, 300, T + 301)).toBe(false);
    expect(verifySignature(SECRET, header, BODY, 300, T - 301)).toBe(false);
  });

  it('refuses another secret, a changed body, a moved timestamp and garbage', () => {
    const header = signatureHeader(SECRET, T, BODY);
    expect(verifySignature(`${SECRET}x`, header, BODY, 300, T)).toBe(false);
    expect(verifySignature(SECRET, header, `${BODY} `, 300, T)).toBe(false);
    expect(verifySignature(SECRET, header.replace(`t=${T}`, `t=${T + 1}`), BODY, 300, T)).toBe(false);
    for (const bad of [undefined, '', 't=,v1=', `t=${T}`, `v1=${'a'.repeat(64)}`, `t=${T},v1=zz`, `t=${T},v1=${'a'.repeat(63)}`, 'nonsense']) {
      expect(verifySignature(SECRET, bad, BODY, 300, T)).toBe(false);
    }
  });

  it('accepts when any of several v1 values matches, in any order and with spaces', () => {
    const good = signatureHeader(SECRET, T, BODY).split(',v1=')[1];
    expect(verifySignature(SECRET, `v1=${'0'.repeat(64)}, t=${T}, v1=${good}`, BODY, 300, T)).toBe(true);
    expect(parseSignatureHeader(`t=${T},v1=${good},v0=old`)).toEqual({ timestamp: T, signatures: [good] });
  });

  it('builds every delivery header; the idempotency key is the same on every retry', () => {
    const a = deliveryHeaders({ secret: SECRET, body: BODY, timestamp: T, approvalId: 'appr_1', channelId: 'chan_1' });
    const b = deliveryHeaders({ secret: SECRET, body: BODY, timestamp: T + 60, approvalId: 'appr_1', channelId: 'chan_1' });
    expect(a).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'Gatehouse-Webhooks/1',
      'Gatehouse-Event': 'approval.requested',
      'Gatehouse-Timestamp': String(T),
      'Gatehouse-Signature': signatureHeader(SECRET, T, BODY),
      'Idempotency-Key': 'appr_1.chan_1',
    });
    expect(b['Idempotency-Key']).toBe(a['Idempotency-Key']);
    expect(b['Gatehouse-Signature']).not.toBe(a['Gatehouse-Signature']);
    expect(idempotencyKey('appr_1', 'chan_2')).toBe('appr_1.chan_2');
  });
});
