import { keyRingFrom, open, seal } from '@gatehouse/connectors';
import type { Env } from '@gatehouse/config';
import { randomBase62, sha256Hex } from '@gatehouse/common';

const TOKEN_PREFIX = 'apt_';
const TOKEN_SHAPE = /^apt_[0-9A-Za-z]{43}$/;

/** A fresh single-use link token (256 bits) and the only thing kept of it: its hash. */
export function newApprovalToken(): { token: string; hash: string } {
  const token = TOKEN_PREFIX + randomBase62(43);
  return { token, hash: sha256Hex(token) };
}

/** The hash to look a presented token up by; null for anything that cannot be a token. */
export function approvalTokenHash(token: string): string | null {
  return TOKEN_SHAPE.test(token) ? sha256Hex(token) : null;
}

/** The token travels to the worker sealed to its approval, never in clear through Redis. */
export function sealApprovalToken(env: Env, approvalId: string, token: string): string {
  return seal(keyRingFrom(env), token, `approval-token:${approvalId}`);
}

export function openApprovalToken(env: Env, approvalId: string, sealed: string): string {
  return open(keyRingFrom(env), sealed, `approval-token:${approvalId}`);
}

/** The public approve and deny links of an approval. */
export function approvalLinks(env: Env, token: string): { approve: string; deny: string } {
  const base = env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`;
  const url = `${base}/v1/approve/${encodeURIComponent(token)}`;
  return { approve: `${url}?action=approve`, deny: `${url}?action=deny` };
}
