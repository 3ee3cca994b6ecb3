import { createHmac } from 'node:crypto';
import { redactValue } from '@gatehouse/guardrails';

export const DURATIONS = ['once', '1h', '8h', '24h'] as const;
export type ApprovalDuration = (typeof DURATIONS)[number];
export type ApprovalAction = 'approve' | 'deny';

const HOUR = 3600_000;
const DURATION_MS: Record<Exclude<ApprovalDuration, 'once'>, number> = { '1h': HOUR, '8h': 8 * HOUR, '24h': 24 * HOUR };

export function isDuration(value: unknown): value is ApprovalDuration {
  return typeof value === 'string' && (DURATIONS as readonly string[]).includes(value);
}

/** When a grant made by this decision ends; null for `once` (no grant). */
export function grantExpiry(duration: ApprovalDuration, decidedAt: Date): Date | null {
  return duration === 'once' ? null : new Date(decidedAt.getTime() + DURATION_MS[duration]);
}

/** JSON with object keys sorted, so that equal arguments give equal digests whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * A keyed digest of the arguments: a one-time approval lets through the call
 * it was asked for, not another call to the same tool, and the digest says
 * nothing about the arguments to whoever reads the table.
 */
export function argsDigest(key: Buffer, args: unknown): string {
  return createHmac('sha256', key).update(canonicalJson(args ?? {})).digest('base64url');
}

const MAX_STRING = 200;
const MAX_KEYS = 30;
const MAX_ITEMS = 10;
const MAX_DEPTH = 4;

/**
 * What the approver is shown of the arguments: secrets and personal data
 * redacted by the guardrail detectors, long strings cut, deep or wide values
 * trimmed, the shape kept.
 */
export function summarizeArgs(args: unknown): unknown {
  const redacted = redactValue(args ?? {}, { detectors: ['secrets', 'pii'] });
  return trim(redacted, 0);
}

/** For /v1/check, whose arguments are never stored: only their names. */
export function argNamesOnly(args: unknown): unknown {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return {};
  return Object.fromEntries(Object.keys(args).slice(0, MAX_KEYS).map((k) => [k, '[not stored]']));
}

function trim(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `[${value.length} items]` : '{…}';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => trim(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.slice(0, MAX_KEYS)) out[k] = trim(v, depth + 1);
  if (entries.length > MAX_KEYS) out['…'] = `${entries.length - MAX_KEYS} more keys`;
  return out;
}
