import { keyRingFrom, open, seal } from '@gatehouse/connectors';
import type { Env } from '@gatehouse/config';
import { randomBase62 } from '@gatehouse/common';

/** A signing secret: `whsec_` + 32 base62 characters (190 bits). */
export function newChannelSecret(): string {
  return `whsec_${randomBase62(32)}`;
}

/** Bound to its org and channel: a sealed value copied to another row does not open. */
const boundTo = (orgId: string, channelId: string) => `notification-channel:${orgId}:${channelId}`;

export function sealChannelSecret(env: Env, orgId: string, channelId: string, secret: string): string {
  return seal(keyRingFrom(env), secret, boundTo(orgId, channelId));
}

export function openChannelSecret(env: Env, orgId: string, channelId: string, sealed: string): string {
  return open(keyRingFrom(env), sealed, boundTo(orgId, channelId));
}
