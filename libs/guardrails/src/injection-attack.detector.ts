import { INJECTION_PATTERNS } from './injection.patterns.js';
import { findInvisibleUnicode } from './invisible-unicode.js';
import { matchesOf, resolveOverlaps, type Span, type TextDetector } from './text.js';

/**
 * Prompt injection, hidden instructions for the model (tool poisoning) and
 * characters that hide text from the person reading it. A phrase and the
 * hidden characters inside it are both reported: they are different signals.
 */
export const injectionAttackDetector: TextDetector = {
  detect(text: string): Span[] {
    const phrases: Span[] = [];
    for (const pattern of INJECTION_PATTERNS) {
      for (const m of matchesOf(pattern.regex, text)) {
        if (!pattern.accept || pattern.accept(m[0], text, m.index)) phrases.push({ kind: pattern.kind, start: m.index, end: m.index + m[0].length });
      }
    }
    return [...findInvisibleUnicode(text), ...resolveOverlaps(phrases, () => 0)].sort((a, b) => a.start - b.start);
  },
};
