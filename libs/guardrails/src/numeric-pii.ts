import { CARD_MAX_DIGITS, isCardNumber } from './card.js';
import { isValidSsn } from './national-id.js';
import type { DigitGroup, NumericRun } from './numeric-runs.js';
import type { Span } from './text.js';

/**
 * Cards, US SSNs and phone numbers, read from the digit runs of a text.
 * Every candidate is a window of consecutive groups of one run; a window
 * reads at most 19 digits or 8 groups, so the work per run is linear in its
 * number of groups.
 *
 * A window must stand apart from the rest of its run: the separator just
 * outside it is missing or differs from the one inside (`415-555-2671
 * 415-555-2672` holds two phones; `234-567-8901-2345` holds none).
 */
export function numericPii(text: string, runs: readonly NumericRun[]): Span[] {
  const spans: Span[] = [];
  for (const run of runs) {
    if (run.plus) {
      const phone = internationalPhone(run);
      if (phone) spans.push(phone);
      continue;
    }
    const g = run.groups;
    for (let a = 0; a < g.length; a++) {
      const card = cardAt(text, run, a);
      if (card) spans.push(card);
      const ssn = ssnAt(text, run, a);
      if (ssn) spans.push(ssn);
      const phone = nanpAt(text, run, a) ?? trunkPhoneAt(text, run, a);
      if (phone) spans.push(phone);
    }
  }
  return spans;
}

const digitsOf = (text: string, g: DigitGroup): string => text.slice(g.start, g.end);
const lengthOf = (g: DigitGroup): number => g.end - g.start;

/** Start of the window in the text: the `(` of a parenthesised first group is part of it. */
const windowStart = (g: DigitGroup): number => (g.paren ? g.start - 1 : g.start);
const windowEnd = (g: DigitGroup): number => (g.paren ? g.end + 1 : g.end);

/** The window [a, b] is set apart from the groups around it (see above), and not glued to a word on its right. */
function standsApart(run: NumericRun, a: number, b: number, inner: ReadonlySet<string>): boolean {
  const g = run.groups;
  if (a > 0 && (g[a].sep === '' || inner.has(g[a].sep))) return false;
  if (b < g.length - 1 && (g[b + 1].sep === '' || inner.has(g[b + 1].sep))) return false;
  return !(b === g.length - 1 && run.gluedRight);
}

/** E.164 as people write it: `+` then 8–15 digits in any grouping; the whole run, or nothing. */
function internationalPhone(run: NumericRun): Span | null {
  const g = run.groups;
  let digits = 0;
  for (const group of g) digits += lengthOf(group);
  if (digits < 8 || digits > 15 || run.gluedRight) return null;
  return { kind: 'phone', start: run.start, end: windowEnd(g[g.length - 1]) };
}

/**
 * 13–19 digits that pass the issuer and Luhn checks, written in one piece or
 * in the groupings cards are printed in (4-4-4-4[-1..3], Amex 4-6-5, Diners
 * 4-6-4) with one separator throughout. The window may be followed by more
 * groups (`4111 1111 1111 1111 12/26` carries an expiry date).
 */
function cardAt(text: string, run: NumericRun, a: number): Span | null {
  const g = run.groups;
  if (a > 0 && g[a].sep === '') return null;
  if (g[a].paren) return null;
  const first = lengthOf(g[a]);
  if (first >= 13) {
    if (first > CARD_MAX_DIGITS || (a === g.length - 1 && run.gluedRight)) return null;
    return isCardNumber(digitsOf(text, g[a])) ? { kind: 'card', start: g[a].start, end: g[a].end } : null;
  }
  if (first !== 4 || a + 2 >= g.length) return null;
  const sep = g[a + 1].sep;
  if (sep !== ' ' && sep !== '-') return null;
  if (a > 0 && g[a].sep === sep) return null;
  let digits = digitsOf(text, g[a]);
  for (let b = a + 1; b < g.length && b <= a + 4; b++) {
    if (g[b].sep !== sep || g[b].paren) return null;
    if (b === g.length - 1 && run.gluedRight) return null;
    digits += digitsOf(text, g[b]);
    if (digits.length > CARD_MAX_DIGITS) return null;
    if (digits.length >= 13 && printedGrouping(g, a, b) && isCardNumber(digits)) {
      return { kind: 'card', start: g[a].start, end: g[b].end };
    }
  }
  return null;
}

function printedGrouping(g: readonly DigitGroup[], a: number, b: number): boolean {
  const lengths = g.slice(a, b + 1).map(lengthOf);
  const shape = lengths.join('-');
  if (shape === '4-6-5' || shape === '4-6-4') return true;
  const last = lengths[lengths.length - 1];
  return lengths.slice(0, -1).every((l) => l === 4) && last >= 1 && last <= 4 && lengths.length >= 4;
}

export const SSN_CONTEXT = /(?:ssn|social security(?: number| no\.?)?|ss#)\s{0,3}[:#]?\s{0,3}$/i;

/**
 * `123-45-6789` (or with spaces) in a valid range; nine bare digits only
 * right after "SSN" or "social security", because nine digits alone are
 * anything from a zip+4 to an order number.
 */
function ssnAt(text: string, run: NumericRun, a: number): Span | null {
  const g = run.groups;
  if (g[a].paren) return null;
  if (lengthOf(g[a]) === 9) {
    if (!standsApart(run, a, a, new Set())) return null;
    const before = text.slice(Math.max(0, g[a].start - 24), g[a].start);
    const d = digitsOf(text, g[a]);
    return SSN_CONTEXT.test(before) && isValidSsn(d.slice(0, 3), d.slice(3, 5), d.slice(5)) ? { kind: 'ssn', start: g[a].start, end: g[a].end } : null;
  }
  if (a + 2 >= g.length || lengthOf(g[a]) !== 3 || lengthOf(g[a + 1]) !== 2 || lengthOf(g[a + 2]) !== 4) return null;
  const sep = g[a + 1].sep;
  if ((sep !== '-' && sep !== ' ') || g[a + 2].sep !== sep || g[a + 1].paren || g[a + 2].paren) return null;
  if (!standsApart(run, a, a + 2, new Set([sep]))) return null;
  if (!isValidSsn(digitsOf(text, g[a]), digitsOf(text, g[a + 1]), digitsOf(text, g[a + 2]))) return null;
  return { kind: 'ssn', start: g[a].start, end: g[a + 2].end };
}

/**
 * North American numbers: `(415) 555-2671`, `415-555-2671`, `415.555.2671`,
 * `415 555 2671`, `1-800-555-0199`. Area code and exchange start with 2–9.
 * Ten bare digits are not taken: they are as often an id as a phone.
 */
function nanpAt(text: string, run: NumericRun, a: number): Span | null {
  const g = run.groups;
  const countryCode = lengthOf(g[a]) === 1 && text.charCodeAt(g[a].start) === 49 && !g[a].paren;
  const i = countryCode ? a + 1 : a;
  if (i + 2 >= g.length) return null;
  const [area, exchange, line] = [g[i], g[i + 1], g[i + 2]];
  if (lengthOf(area) !== 3 || lengthOf(exchange) !== 3 || lengthOf(line) !== 4) return null;
  if (exchange.paren || line.paren || line.sep === '') return null;
  if (area.paren) {
    if (exchange.sep !== '' && exchange.sep !== ' ') return null;
  } else if (exchange.sep !== line.sep || (countryCode && area.sep !== line.sep)) {
    return null;
  }
  if (text.charCodeAt(area.start) < 50 || text.charCodeAt(exchange.start) < 50) return null;
  const inner = new Set([exchange.sep, line.sep]);
  if (countryCode) inner.add(area.sep);
  inner.delete('');
  if (!standsApart(run, a, i + 2, inner)) return null;
  return { kind: 'phone', start: windowStart(g[a]), end: line.end };
}

/**
 * National numbers with a trunk 0: `020 7946 0958`, `07700 900123`,
 * `06 12 34 56 78`, `030 12345678`, `0412-345-678`. 9–12 digits in 2–6 groups
 * with one separator; dotted forms that read like an IPv4 address are not taken.
 */
function trunkPhoneAt(text: string, run: NumericRun, a: number): Span | null {
  const g = run.groups;
  const first = g[a];
  // `00…` is an international call prefix or a zero-filled id, not a national number.
  if (text.charCodeAt(first.start) !== 48 || text.charCodeAt(first.start + 1) === 48) return null;
  const firstLength = lengthOf(first);
  if (firstLength < 2 || firstLength > 5) return null;
  let sep: string | null = null;
  let digits = firstLength;
  let best: number | null = null;
  for (let b = a + 1; b < g.length && b <= a + 5; b++) {
    const group = g[b];
    if (group.paren || lengthOf(group) < 2 || lengthOf(group) > 8) break;
    const joint = g[b].sep;
    // `(020) 7946 0958`: the space after the parenthesised code is not the separator of the rest.
    if (!(b === a + 1 && first.paren && (joint === ' ' || joint === ''))) {
      if (joint === '') break;
      if (sep === null) sep = joint;
      else if (joint !== sep) break;
    }
    digits += lengthOf(group);
    if (digits > 12) break;
    if (digits >= 9) best = b;
  }
  if (best === null) return null;
  const inner = new Set<string>([sep ?? ' ']);
  if (first.paren) inner.add(g[a + 1].sep);
  if (!standsApart(run, a, best, inner)) return null;
  const shape = g.slice(a, best + 1).map(lengthOf).join('-');
  // Dotted quads read as IPv4 addresses; 3-2-4 is the shape of an SSN, valid or not.
  if (sep === '.' && best - a === 3 && g.slice(a, best + 1).every((x) => lengthOf(x) <= 3)) return null;
  if (shape === '3-2-4') return null;
  return { kind: 'phone', start: windowStart(first), end: g[best].end };
}
