import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers every delivery carries (names as sent; HTTP header names are case-insensitive). */
export const SIGNATURE_HEADER = 'Gatehouse-Signature';
export const TIMESTAMP_HEADER = 'Gatehouse-Timestamp';
export const EVENT_HEADER = 'Gatehouse-Event';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export const APPROVAL_REQUESTED = 'approval.requested';

/** Default window a receiver should accept a signature in: five minutes either side (replays outside it fail). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * HMAC-SHA256 of `<t>.<raw body>` keyed with the whole channel secret
 * (`whsec_…`, as UTF-8 bytes). The timestamp is inside the signed string so a
 * captured delivery cannot be replayed later with a fresh timestamp.
 */
export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The `Gatehouse-Signature` value: `t=<unix seconds>,v1=<hex>`. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

export interface ParsedSignature {
  timestamp: number;
  /** Every `v1=` value: during a future scheme change a sender may include more than one. */
  signatures: string[];
}

export function parseSignatureHeader(header: string): ParsedSignature | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && HEX_SHA256.test(value)) signatures.push(value);
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * What a receiver runs on the raw request body (the exact bytes, before any
 * JSON parsing): true when one `v1` signature matches and the timestamp is
 * within `toleranceSeconds` of now. Comparison is constant-time.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  const parsed = parseSignatureHeader(header);
  if (!parsed) return false;
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(computeSignature(secret, parsed.timestamp, body), 'hex');
  let ok = false;
  // Every candidate is compared (no early exit), each in constant time.
  for (const candidate of parsed.signatures) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) ok = true;
  }
  return ok;
}

/** The same key on every retry of one approval to one channel: receivers deduplicate on it. */
export function idempotencyKey(approvalId: string, channelId: string): string {
  return `${approvalId}.${channelId}`;
}

/** Every header of one delivery of `body`, signed at `timestamp`. */
export function deliveryHeaders(input: { secret: string; body: string; timestamp: number; approvalId: string; channelId: string }): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Gatehouse-Webhooks/1',
    [EVENT_HEADER]: APPROVAL_REQUESTED,
    [TIMESTAMP_HEADER]: String(input.timestamp),
    [SIGNATURE_HEADER]: signatureHeader(input.secret, input.timestamp, input.body),
    [IDEMPOTENCY_HEADER]: idempotencyKey(input.approvalId, input.channelId),
  };
}
