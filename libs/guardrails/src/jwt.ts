import { bytesToLatin1, decodeBase64 } from './base64.js';
import type { Span } from './text.js';

const HEADER_MAX = 2048;

function isBase64UrlChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
}

/**
 * JSON Web Tokens: three base64url parts joined by dots whose first part
 * decodes to a JSON object with a string `alg`. Found by splitting the text
 * into maximal runs of base64url characters and dots (each character read
 * once) and decoding only the parts that begin like a JSON object (`ey`/`ew`
 * are `{"` and `{` + newline in base64).
 */
export function findJwts(text: string): Span[] {
  const spans: Span[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isBase64UrlChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const runStart = i;
    const dots: number[] = [];
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 46) dots.push(i);
      else if (!isBase64UrlChar(c)) break;
      i++;
    }
    if (dots.length >= 2) findInRun(text, runStart, i, dots, spans);
  }
  return spans;
}

function findInRun(text: string, start: number, end: number, dots: readonly number[], spans: Span[]): void {
  const bounds = [start - 1, ...dots, end];
  for (let p = 0; p + 3 < bounds.length; p++) {
    const headerStart = bounds[p] + 1;
    const headerEnd = bounds[p + 1];
    const payloadEnd = bounds[p + 2];
    const signatureEnd = bounds[p + 3];
    if (payloadEnd - headerEnd < 3) continue; // an empty payload is not a token
    if (!headerHasAlg(text.slice(headerStart, headerEnd))) continue;
    spans.push({ kind: 'jwt', start: headerStart, end: signatureEnd });
    p += 2;
  }
}

export function headerHasAlg(part: string): boolean {
  if (part.length < 10 || part.length > HEADER_MAX || part[0] !== 'e' || (part[1] !== 'y' && part[1] !== 'w')) return false;
  const bytes = decodeBase64(part);
  if (bytes === null) return false;
  try {
    const header: unknown = JSON.parse(bytesToLatin1(bytes));
    return typeof header === 'object' && header !== null && !Array.isArray(header) && typeof (header as Record<string, unknown>).alg === 'string';
  } catch {
    return false;
  }
}
