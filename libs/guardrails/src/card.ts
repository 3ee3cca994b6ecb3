import { luhnValid } from './luhn.js';

/**
 * Issuer prefixes (IIN ranges) and the lengths each network issues. A digit
 * run that passes Luhn (one in ten random runs does) is only called a card
 * when a network could have issued it: this is what keeps order numbers,
 * timestamps and database ids out.
 */
interface CardRange {
  /** Inclusive bounds compared on the first `from.length` digits. */
  from: string;
  to: string;
  lengths: readonly number[];
}

const RANGES: readonly CardRange[] = [
  { from: '4', to: '4', lengths: [13, 16, 19] }, // Visa
  { from: '51', to: '55', lengths: [16] }, // Mastercard
  { from: '2221', to: '2720', lengths: [16] }, // Mastercard 2-series
  { from: '34', to: '34', lengths: [15] }, // American Express
  { from: '37', to: '37', lengths: [15] },
  { from: '6011', to: '6011', lengths: [16, 17, 18, 19] }, // Discover
  { from: '644', to: '649', lengths: [16, 17, 18, 19] },
  { from: '65', to: '65', lengths: [16, 17, 18, 19] },
  { from: '62', to: '62', lengths: [16, 17, 18, 19] }, // UnionPay (and Discover co-brand 622126–622925)
  { from: '300', to: '305', lengths: [14, 16, 17, 18, 19] }, // Diners Club
  { from: '36', to: '36', lengths: [14, 16, 17, 18, 19] },
  { from: '38', to: '39', lengths: [14, 16, 17, 18, 19] },
  { from: '3528', to: '3589', lengths: [16, 17, 18, 19] }, // JCB
  { from: '2200', to: '2204', lengths: [16, 17, 18, 19] }, // Mir
  { from: '50', to: '50', lengths: [16, 17, 18, 19] }, // Maestro, RuPay 508
  { from: '56', to: '58', lengths: [16, 17, 18, 19] }, // Maestro
  { from: '60', to: '60', lengths: [16, 17, 18, 19] }, // RuPay
  { from: '63', to: '63', lengths: [16, 17, 18, 19] }, // Maestro 6304, 6390
  { from: '67', to: '67', lengths: [16, 17, 18, 19] }, // Maestro 6759, 6761–6763
];

export const CARD_MIN_DIGITS = 13;
export const CARD_MAX_DIGITS = 19;

export function plausibleIssuer(digits: string): boolean {
  return RANGES.some((r) => {
    if (!r.lengths.includes(digits.length)) return false;
    const prefix = digits.slice(0, r.from.length);
    return prefix >= r.from && prefix <= r.to;
  });
}

/** A card number: a plausible issuer and length, and the Luhn check; never all one digit (test fillers). */
export function isCardNumber(digits: string): boolean {
  if (digits.length < CARD_MIN_DIGITS || digits.length > CARD_MAX_DIGITS) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  return plausibleIssuer(digits) && luhnValid(digits);
}
