import type { Span, TextDetector } from './text.js';

export const KEYWORDS_MAX = 1000;
export const KEYWORD_MAX_LENGTH = 256;

const WORD = /[\p{L}\p{M}\p{N}_]/u;

/**
 * Lower-cases without changing the length, so offsets found in the folded
 * text are offsets in the original. `toLowerCase` keeps the length for every
 * character except U+0130 (İ → i̇); that one, when present, is folded alone.
 */
export function foldCase(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (const ch of text) {
    const folded = ch.toLowerCase();
    out += folded.length === ch.length ? folded : ch;
  }
  return out;
}

function isWordAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const cp = text.codePointAt(i) ?? 0;
  return WORD.test(String.fromCodePoint(cp));
}

/** Index of the code point that ends just before `i` (steps back over a surrogate pair). */
function previousIndex(text: string, i: number): number {
  const low = text.charCodeAt(i - 1);
  return low >= 0xdc00 && low <= 0xdfff && i >= 2 ? i - 2 : i - 1;
}

/**
 * Case-insensitive, whole-word keywords: a keyword that begins (ends) with a
 * letter, digit or `_` must not have one right before (after) it, in any
 * script, so "ass" is not found in "class" nor "pass" in "passé". A keyword
 * that begins with a symbol (`#secret`, `C++`) is bounded only on its word side.
 * Plain `indexOf` per keyword: linear in the text for each keyword.
 */
export function createKeywordDetector(keywords: readonly string[]): TextDetector {
  const folded = keywords.map((k) => foldCase(k));
  return {
    detect(text: string): Span[] {
      const haystack = foldCase(text);
      const spans: Span[] = [];
      folded.forEach((keyword, rule) => {
        if (keyword.length === 0) return;
        const boundedStart = isWordAt(keyword, 0);
        const boundedEnd = isWordAt(keyword, previousIndex(keyword, keyword.length));
        for (let at = haystack.indexOf(keyword); at !== -1; at = haystack.indexOf(keyword, at + 1)) {
          const end = at + keyword.length;
          if (boundedStart && at > 0 && isWordAt(haystack, previousIndex(haystack, at))) continue;
          if (boundedEnd && isWordAt(haystack, end)) continue;
          spans.push({ kind: 'keyword', start: at, end, rule });
        }
      });
      return spans.sort((a, b) => a.start - b.start);
    },
  };
}
