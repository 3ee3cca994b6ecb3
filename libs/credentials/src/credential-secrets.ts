import { randomBase62, sha256Hex } from '@gatehouse/common';

export const API_KEY_PREFIX = 'gth_live_';
const API_KEY_PATTERN = /^gth_live_[0-9A-Za-z]{32}$/;
const CLIENT_SECRET_PATTERN = /^gth_cs_[0-9A-Za-z]{40}$/;

export interface IssuedSecret {
  secret: string;
  hash: string;
  prefix: string;
}

export function issueApiKeySecret(): IssuedSecret {
  const secret = API_KEY_PREFIX + randomBase62(32);
  return { secret, hash: sha256Hex(secret), prefix: secret.slice(0, 12) };
}

export function issueClientSecret(): IssuedSecret {
  const secret = 'gth_cs_' + randomBase62(40);
  return { secret, hash: sha256Hex(secret), prefix: secret.slice(0, 10) };
}

/** Cheap shape check first, so junk never costs a lookup. */
export function looksLikeApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

export function looksLikeClientSecret(value: string): boolean {
  return CLIENT_SECRET_PATTERN.test(value);
}
