import { randomTokenEntropyFloor, shannonEntropy } from './entropy.js';
import { decodeBase64 } from './base64.js';
import type { Span } from './text.js';

/** Tokens shorter than this are too often words and ids to judge by entropy alone. */
export const HIGH_ENTROPY_MIN_LENGTH = 24;
/**
 * Longer runs are payloads (a base64 image, a certificate chain), not
 * credentials; the specific detectors still look inside them.
 */
export const HIGH_ENTROPY_MAX_LENGTH = 256;

function isTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 95 || c === 45;
}

function endsWord(c: number): boolean {
  // Whitespace, quotes and brackets end the "word" a URL lives in.
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 34 || c === 39 || c === 96 || c === 60 || c === 62 || c === 40 || c === 41 || c === 91 || c === 93 || c === 123 || c === 125 || c === 44;
}

/**
 * Random-looking tokens with no known shape: runs of base64/base64url
 * characters that reach the entropy of a random string of their length and
 * mix character classes as random strings do. One pass over the text.
 *
 * Not reported, as they are identifiers rather than credentials: UUIDs, hex
 * digests (git SHAs, sha256 sums; a hex value named like a secret is caught
 * by the context rules instead), subresource-integrity hashes, segments of a
 * URL path (document ids; query values are still checked, signatures live
 * there), and base64 that decodes to text (pagination cursors, encoded JSON).
 */
export function findHighEntropyTokens(text: string): Span[] {
  const spans: Span[] = [];
  const n = text.length;
  let inUrl = false;
  let inQuery = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isTokenChar(c)) {
      if (endsWord(c)) inUrl = inQuery = false;
      else if (c === 58 && text.charCodeAt(i + 1) === 47 && text.charCodeAt(i + 2) === 47) inUrl = true;
      else if (c === 63 && inUrl) inQuery = true;
      i++;
      continue;
    }
    const start = i;
    while (i < n && isTokenChar(text.charCodeAt(i))) i++;
    if (inUrl && !inQuery) continue;
    if (looksLikeSecret(text, start, i)) spans.push({ kind: 'high_entropy_token', start, end: i });
  }
  return spans;
}

export function isHexToken(token: string): boolean {
  return /^[0-9a-fA-F-]+$/.test(token);
}

export function looksLikeSecret(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < HIGH_ENTROPY_MIN_LENGTH || length > HIGH_ENTROPY_MAX_LENGTH) return false;
  const token = text.slice(start, end);
  // Hex digests, SRI hashes and publishable (public by design) Stripe keys.
  if (isHexToken(token) || /^(?:sha(?:1|256|384|512)-|pk_(?:live|test)_)/.test(token)) return false;
  if (!hasRandomMix(token)) return false;
  if (shannonEntropy(token) < randomTokenEntropyFloor(length)) return false;
  if (classChangeRate(token) < 0.35 || wordRunShare(token) > 0.45) return false;
  return !decodesToText(token);
}

/** Upper, lower and digits; or, for lower- or upper-case-only alphabets (base36 keys), a real share of both letters and digits. */
function hasRandomMix(token: string): boolean {
  let upper = 0;
  let lower = 0;
  let digit = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c >= 48 && c <= 57) digit++;
  }
  if (upper > 0 && lower > 0 && digit > 0) return true;
  const letters = upper + lower;
  return token.length >= 32 && (upper === 0 || lower === 0) && digit >= token.length * 0.15 && letters >= token.length * 0.3;
}

/** Share of neighbouring characters of different classes (lower, upper, digit, other): about 0.6 in random base62, under 0.3 in camelCase words. */
export function classChangeRate(token: string): number {
  const classOf = (c: number): number => (c >= 97 && c <= 122 ? 0 : c >= 65 && c <= 90 ? 1 : c >= 48 && c <= 57 ? 2 : 3);
  let changes = 0;
  for (let i = 1; i < token.length; i++) if (classOf(token.charCodeAt(i)) !== classOf(token.charCodeAt(i - 1))) changes++;
  return changes / Math.max(1, token.length - 1);
}

/** Share of the token in runs of three or more lower-case letters: words ("Cluster", "Node") rather than noise. */
export function wordRunShare(token: string): number {
  let inRuns = 0;
  let run = 0;
  for (let i = 0; i <= token.length; i++) {
    const c = i < token.length ? token.charCodeAt(i) : 0;
    if (c >= 97 && c <= 122) {
      run++;
    } else {
      if (run >= 3) inRuns += run;
      run = 0;
    }
  }
  return inRuns / token.length;
}

/** Base64 that decodes to printable text is encoded data someone meant to read back, not key material. */
function decodesToText(token: string): boolean {
  const bytes = decodeBase64(token);
  if (bytes === null || bytes.length < 12) return false;
  let printable = 0;
  for (const b of bytes) if ((b >= 32 && b < 127) || b === 9 || b === 10 || b === 13) printable++;
  return printable / bytes.length >= 0.95;
}
