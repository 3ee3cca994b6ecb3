import { isAsciiWord, isDigit } from './text.js';

/** Digits written as one number: `4111 1111 1111 1111`, `(415) 555-2671`, `+44 20 7946 0958`. */
export interface DigitGroup {
  /** Offsets of the digits (without the parentheses of `(415)`). */
  start: number;
  end: number;
  /** Separator written before this group: '' for the first group or right after `)`, else ' ', '-' or '.'. */
  sep: string;
  paren: boolean;
}

export interface NumericRun {
  /** Whether the run is written after a `+` (international format). */
  plus: boolean;
  /** Offset of the `+` or `(` that opens the run, else of its first digit. */
  start: number;
  groups: DigitGroup[];
  /** The character after the last group is a letter or `_` (`15T10:30`, `2671x`): the run is glued to a word. */
  gluedRight: boolean;
}

function isSeparator(code: number): boolean {
  return code === 32 || code === 45 || code === 46; // ' ', '-', '.'
}

/**
 * Splits `text` into maximal runs of digit groups joined by single
 * separators, in one left-to-right pass: each character is read a bounded
 * number of times, so the cost is linear however the digits are arranged.
 * A run glued to a word on its left (`v1.2.3`, `ID12345`) is skipped whole,
 * so no run starts in the middle of a longer token.
 */
export function numericRuns(text: string): NumericRun[] {
  const runs: NumericRun[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const opensGroup = isDigit(c) || ((c === 43 || c === 40) && i + 1 < n && isDigit(text.charCodeAt(i + 1)));
    if (!opensGroup) {
      i++;
      continue;
    }
    const glued = i > 0 && (isAsciiWord(text.charCodeAt(i - 1)) || (c === 43 && text.charCodeAt(i - 1) === 43));
    const run = readRun(text, i);
    if (!glued && run.groups.length > 0) runs.push(run);
    i = Math.max(run.end, i + 1);
  }
  return runs;
}

function readRun(text: string, from: number): NumericRun & { end: number } {
  const n = text.length;
  const groups: DigitGroup[] = [];
  const plus = text.charCodeAt(from) === 43;
  let i = plus ? from + 1 : from;
  let sep = '';
  let end = i;
  for (;;) {
    const paren = text.charCodeAt(i) === 40;
    let j = paren ? i + 1 : i;
    const digitsStart = j;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    if (j === digitsStart || (paren && text.charCodeAt(j) !== 41)) break;
    groups.push({ start: digitsStart, end: j, sep, paren });
    end = paren ? j + 1 : j;
    // After `(415)` the next group may follow at once (`(415)555-2671`) or after one separator.
    const next = text.charCodeAt(end);
    if (paren && (isDigit(next) || next === 40)) {
      sep = '';
      i = end;
      continue;
    }
    if (end + 1 < n && isSeparator(next)) {
      const after = text.charCodeAt(end + 1);
      if (isDigit(after) || (after === 40 && end + 2 < n && isDigit(text.charCodeAt(end + 2)))) {
        sep = text[end];
        i = end + 1;
        continue;
      }
    }
    break;
  }
  const gluedRight = end < n && isAsciiWord(text.charCodeAt(end)) && !isDigit(text.charCodeAt(end));
  return { plus, start: from, groups, gluedRight, end: Math.max(end, from + 1) };
}
