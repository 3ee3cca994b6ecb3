/** A match inside one string, before it is placed in the scanned value. */
export interface Span {
  kind: string;
  start: number;
  end: number;
  rule?: number;
}

/** What a detector may know about a string besides its text. */
export interface TextContext {
  /** The object member the string is the value of (`password`, `SecretAccessKey`), else null. */
  key: string | null;
}

export interface TextDetector {
  detect(text: string, context: TextContext): Span[];
}

/** ASCII word character, as `\w` and `\b` see it. */
export function isAsciiWord(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

export function isAsciiAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `text[i]` is an ASCII word character; false outside the string. */
export function wordAt(text: string, i: number): boolean {
  return i >= 0 && i < text.length && isAsciiWord(text.charCodeAt(i));
}

/**
 * Keeps the spans that do not overlap a span kept before them, in priority
 * order (`rank`, lower first; then earlier, then longer). Detectors that look
 * for several kinds use it so one piece of text is reported once, as its most
 * specific kind (an IBAN is not also a phone number).
 */
export function resolveOverlaps<T extends Span>(spans: T[], rank: (span: T) => number): T[] {
  if (spans.length < 2) return spans;
  const ordered = [...spans].sort((a, b) => rank(a) - rank(b) || a.start - b.start || b.end - a.end);
  // Kept spans are disjoint and sorted by start, so only the two neighbours of an insertion point can overlap.
  const kept: T[] = [];
  for (const span of ordered) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kept[mid].start < span.start) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && kept[lo - 1].end > span.start) continue;
    if (lo < kept.length && kept[lo].start < span.end) continue;
    kept.splice(lo, 0, span);
  }
  return kept;
}

/** Runs a global regex over `text`, yielding each match; the regex must carry the `g` flag. */
export function* matchesOf(regex: RegExp, text: string): Generator<RegExpExecArray> {
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    yield m;
    // An empty match would otherwise be found again at the same place forever.
    if (m[0].length === 0) regex.lastIndex++;
  }
}
