import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A sealed secret as stored: `v1.<keyId>.<nonce>.<ciphertext>.<tag>` (base64url parts). */
export type SealedSecret = string;

export interface KeyRing {
  /** Key used for new seals. */
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export class SecretBoxError extends Error {}

const NONCE_BYTES = 12;

/**
 * AES-256-GCM with a fresh 96-bit nonce per seal. The associated data binds a
 * ciphertext to its org and connector, so a value copied into another row (or
 * another tenant) fails to open. The key id travels with the ciphertext so the
 * key can rotate while old rows still open.
 */
export function seal(ring: KeyRing, plaintext: string, associatedData: string): SealedSecret {
  const key = ring.keys.get(ring.currentKeyId);
  if (!key || key.length !== 32) throw new SecretBoxError(`encryption key ${ring.currentKeyId} is not a 32-byte key`);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v1', ring.currentKeyId, nonce.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
}

export function open(ring: KeyRing, sealed: SealedSecret, associatedData: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1') throw new SecretBoxError('not a sealed secret');
  const [, keyId, nonce, ciphertext, tag] = parts;
  const key = ring.keys.get(keyId);
  if (!key) throw new SecretBoxError(`unknown encryption key id ${keyId}`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError('sealed secret failed authentication');
  }
}

export function isSealed(value: string): boolean {
  return /^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/.test(value);
}

export function keyIdOf(sealed: SealedSecret): string {
  return sealed.split('.')[1];
}
