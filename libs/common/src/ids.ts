import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix = 'org' | 'usr' | 'key' | 'cli' | 'agent' | 'conn' | 'gw' | 'pol' | 'aud' | 'appr' | 'evt' | 'rev' | 'grant' | 'chan' | 'dlv';

/**
 * A ULID-shaped id (48-bit millisecond time + 80 random bits, Crockford
 * base32, lowercase) behind a resource prefix: ids sort by creation time,
 * which is what cursor pagination relies on.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[bytes[i] % 32];
  return `${prefix}_${time}${random}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`);
}
