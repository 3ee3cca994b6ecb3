import { findEmails } from './email.js';
import { ibanLength, isIban } from './iban.js';
import { isValidNino } from './national-id.js';
import { numericPii } from './numeric-pii.js';
import { numericRuns } from './numeric-runs.js';
import { isAsciiAlnum, matchesOf, resolveOverlaps, type Span, type TextDetector } from './text.js';

export const PII_KINDS = ['email', 'phone', 'card', 'iban', 'ssn', 'nino'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/**
 * Where a candidate for an IBAN or a NINO may begin. Fixed-width patterns with
 * no quantifier wider than one optional space, so each start costs a constant.
 */
export const PII_PATTERNS: Readonly<Record<string, RegExp>> = {
  ibanStart: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?=[ A-Z0-9])/g,
  nino: /(?<![A-Za-z0-9])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/g,
};

// When two readings overlap, the one with the stronger check wins: an IBAN also holds digit groups.
const RANK: Readonly<Record<string, number>> = { email: 0, iban: 1, card: 2, ssn: 3, nino: 4, phone: 5 };

export const piiDetector: TextDetector = {
  detect(text: string): Span[] {
    const spans: Span[] = findEmails(text);
    spans.push(...findIbans(text), ...findNinos(text), ...numericPii(text, numericRuns(text)));
    return resolveOverlaps(spans, (s) => RANK[s.kind] ?? 9);
  },
};

/**
 * From each `CC00` start, read exactly as many characters as that country's
 * IBAN has (single spaces between them allowed, as in `GB82 WEST 1234 …`),
 * then require the checksum and a word boundary.
 */
function findIbans(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of matchesOf(PII_PATTERNS.ibanStart, text)) {
    const length = ibanLength(m[0].slice(0, 2));
    if (length === undefined) continue;
    let compact = m[0];
    let i = m.index + 4;
    while (compact.length < length && i < text.length) {
      const c = text.charCodeAt(i);
      if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57)) {
        compact += text[i];
        i++;
      } else if (c === 32 && i + 1 < text.length && isAsciiAlnum(text.charCodeAt(i + 1)) && text.charCodeAt(i - 1) !== 32) {
        i++;
      } else {
        break;
      }
    }
    if (compact.length !== length || (i < text.length && isAsciiAlnum(text.charCodeAt(i)))) continue;
    if (isIban(compact)) spans.push({ kind: 'iban', start: m.index, end: i });
  }
  return spans;
}

function findNinos(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of matchesOf(PII_PATTERNS.nino, text)) {
    if (isValidNino(m[0].replace(/ /g, ''))) spans.push({ kind: 'nino', start: m.index, end: m.index + m[0].length });
  }
  return spans;
}
