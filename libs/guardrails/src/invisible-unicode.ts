import type { Span } from './text.js';

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;

/** Characters that render as nothing and have no business in tool text outside the contexts `allowedJoiner` accepts. */
function isInvisible(cp: number): boolean {
  return (
    cp === 0x200b || // zero width space
    cp === 0x2060 || // word joiner
    (cp >= 0x2061 && cp <= 0x2064) || // invisible math operators
    cp === 0x180e || // Mongolian vowel separator
    cp === 0x115f || cp === 0x1160 || cp === 0x3164 || cp === 0xffa0 || // Hangul fillers (invisible "letters")
    cp === 0x17b4 || cp === 0x17b5 // Khmer inherent vowels, invisible
  );
}

function isBidiControl(cp: number): boolean {
  // Embeddings and overrides (LRE…RLO) and isolates (LRI…PDI) reorder what is shown (Trojan Source);
  // the marks LRM/RLM/ALM do not, and RTL text needs them, so they pass.
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

function codePointBefore(text: string, i: number): number {
  if (i <= 0) return -1;
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return low;
}

const charOf = (cp: number): string => (cp < 0 ? '' : String.fromCodePoint(cp));

/**
 * ZWJ (U+200D) joins emoji (👩‍💻) and shapes Indic scripts; ZWNJ (U+200C)
 * keeps Persian and Indic letters apart. Between ASCII letters, or alone,
 * they only hide things (or encode bits, as in zero-width steganography).
 */
function allowedJoiner(cp: number, before: number, after: number): boolean {
  const b = charOf(before);
  const a = charOf(after);
  if (cp === 0x200d && (PICTOGRAPHIC.test(b) || before === 0xfe0f || (before >= 0x1f3fb && before <= 0x1f3ff)) && PICTOGRAPHIC.test(a)) return true;
  return before > 0x7f && after > 0x7f && LETTER_OR_MARK.test(b) && LETTER_OR_MARK.test(a);
}

const isTagLetter = (cp: number): boolean => (cp >= 0xe0030 && cp <= 0xe0039) || (cp >= 0xe0061 && cp <= 0xe007a);

/**
 * Length in code units of an emoji tag sequence starting at the tags after a
 * 🏴 (🏴󠁧󠁢󠁥󠁮󠁧󠁿 is England), or 0: tag letters then CANCEL TAG. Any other use of
 * the tag block (U+E0000–E007F) is invisible ASCII, the classic way to hide
 * instructions from the reader of a tool description.
 */
function flagTagSequence(text: string, i: number): number {
  let j = i;
  let letters = 0;
  while (j + 1 < text.length && letters <= 7) {
    const cp = text.codePointAt(j) ?? 0;
    if (cp === 0xe007f) return letters >= 2 ? j + 2 - i : 0;
    if (!isTagLetter(cp)) return 0;
    letters++;
    j += 2;
  }
  return 0;
}

/** Hidden characters, grouped into one span per run of the same kind. One pass, constant work per character. */
export function findInvisibleUnicode(text: string): Span[] {
  const spans: Span[] = [];
  const push = (kind: string, start: number, end: number): void => {
    const last = spans[spans.length - 1];
    if (last && last.kind === kind && start <= last.end) last.end = Math.max(last.end, end);
    else spans.push({ kind, start, end });
  };
  let vsRunStart = -1;
  let vsRunEnd = -1;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (cp === 0x1f3f4) {
      const tags = flagTagSequence(text, i + 2);
      if (tags > 0) {
        i += 2 + tags;
        continue;
      }
    }
    if (cp >= 0xe0000 && cp <= 0xe007f) {
      push('unicode_tag', i, i + width);
    } else if (isBidiControl(cp)) {
      push('bidi_control', i, i + width);
    } else if (isInvisible(cp) || (cp === 0xfeff && i > 0)) {
      // A byte order mark opening the text is an encoding artefact, not a hiding place.
      push('invisible_character', i, i + width);
    } else if (cp === 0x200c || cp === 0x200d) {
      if (!allowedJoiner(cp, codePointBefore(text, i), text.codePointAt(i + 1) ?? -1)) push('invisible_character', i, i + width);
    } else if (isVariationSelector(cp)) {
      // One selector picks a glyph (❤️); a run of them encodes data after a visible character.
      if (vsRunEnd === i) push('variation_selector_run', vsRunStart, i + width);
      else vsRunStart = i;
      vsRunEnd = i + width;
    }
    i += width;
  }
  return spans;
}
