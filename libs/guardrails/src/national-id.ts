/**
 * US Social Security numbers the SSA never issues: area 000, 666 or 900–999,
 * group 00, serial 0000, and the two numbers printed in advertising
 * (078-05-1120 from a wallet insert, 219-09-9999 from an SSA pamphlet).
 */
export function isValidSsn(area: string, group: string, serial: string): boolean {
  if (area.length !== 3 || group.length !== 2 || serial.length !== 4) return false;
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  const whole = area + group + serial;
  return whole !== '078051120' && whole !== '219099999';
}

// First letter: not D, F, I, Q, U, V; second: not D, F, I, O, Q, U, V.
const NINO_FIRST = /^[A-CEGHJ-PR-TW-Z]$/;
const NINO_SECOND = /^[A-CEGHJ-NPR-TW-Z]$/;
const NINO_BAD_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/** A UK National Insurance number, compact (`AB123456C`): HMRC's prefix rules and suffix A–D. */
export function isValidNino(compact: string): boolean {
  if (!/^[A-Z]{2}\d{6}[A-D]$/.test(compact)) return false;
  const prefix = compact.slice(0, 2);
  return NINO_FIRST.test(prefix[0]) && NINO_SECOND.test(prefix[1]) && !NINO_BAD_PREFIXES.has(prefix);
}
