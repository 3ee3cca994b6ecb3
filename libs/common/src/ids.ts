import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix = 'org' | 'usr' | 'key' | 'cli' | 'agent' | 'conn' | 'gw' | 'pol' | 'aud' | 'appr' | 'evt' | 'rev' | 'grant' | 'chan' | 'dlv';

// One CSPRNG call per 256 ids instead of one per id (ids are made on every audited call).
const POOL_IDS = 256;
let pool = Buffer.alloc(0);
let offset = 0;
function randomChunk(): Buffer {
  if (offset + 16 > pool.length) {
    pool = randomBytes(16 * POOL_IDS);
    offset = 0;
  }
  const chunk = pool.subarray(offset, offset + 16);
  offset += 16;
  return chunk;
}

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
  const bytes = randomChunk();
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[bytes[i] % 32];
  return `${prefix}_${time}${random}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`);
}
