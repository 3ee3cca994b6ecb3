// The one pure module, not the @gatehouse/policy barrel: the guardrail core then
// compiles and runs alone (benchmarks are built without the path aliases).
import { SafeRegex } from '../../policy/src/safe-regex.js';
import type { Span, TextDetector } from './text.js';

export const PATTERNS_MAX = 64;
/** Matches located per string and pattern; past it, the rest of the string is reported as one span. */
export const PATTERN_MATCHES_PER_STRING = 256;

export interface CompiledPattern {
  regex: SafeRegex;
  /** The pattern reads `^`, `$`, `\b` or `\B`: its matches depend on text around them. */
  contextual: boolean;
}

export type PatternCompileResult = { ok: true; pattern: CompiledPattern } | { ok: false; message: string };

/**
 * Tenant patterns run on `SafeRegex` (libs/policy): a Thompson-NFA
 * simulation, linear in the text, that refuses backreferences and lookaround.
 * Never `new RegExp` on tenant input: one pattern like `(a+)+$` would stall
 * the gateway for every tenant.
 */
export function compilePattern(source: unknown): PatternCompileResult {
  const compiled = SafeRegex.compile(source);
  if (!compiled.ok) return compiled;
  // A pattern that matches the empty string matches every value: a mistake that would block everything.
  if (compiled.regex.test('')) return { ok: false, message: 'matches the empty string, so it would flag every value' };
  return { ok: true, pattern: { regex: compiled.regex, contextual: readsContext(compiled.regex.source) } };
}

/** Whether the source has an anchor or word-boundary assertion outside a character class. */
export function readsContext(source: string): boolean {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (!inClass && (next === 'b' || next === 'B')) return true;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
    } else if (c === '^' || c === '$') {
      return true;
    }
  }
  return false;
}

/**
 * SafeRegex answers only "is there a match", so spans are located with it:
 * the earliest end is found by galloping then bisecting over prefixes, and
 * the latest start for that end by bisecting over suffixes, which is sound
 * because without assertions a match inside a slice is a match in the text.
 * Dense matches cost O(d·log d) each for a distance d; one final test
 * confirms the rest is clean. A pattern that reads context (`^`, `$`, `\b`)
 * cannot be tested on slices, so its finding covers the whole string.
 * `null` entries (patterns that did not compile) keep the numbering of the rest.
 */
export function createRegexDetector(patterns: readonly (CompiledPattern | null)[]): TextDetector {
  return {
    detect(text: string): Span[] {
      const spans: Span[] = [];
      patterns.forEach((pattern, rule) => {
        if (pattern === null || !pattern.regex.test(text)) return;
        if (pattern.contextual) {
          spans.push({ kind: 'pattern', start: 0, end: text.length, rule });
          return;
        }
        locate(pattern.regex, text, rule, spans);
      });
      return spans.sort((a, b) => a.start - b.start);
    },
  };
}

function locate(regex: SafeRegex, text: string, rule: number, spans: Span[]): void {
  let from = 0;
  for (let found = 0; from < text.length; found++) {
    if (found > 0 && !regex.test(text.slice(from))) return;
    if (found === PATTERN_MATCHES_PER_STRING) {
      spans.push({ kind: 'pattern', start: from, end: text.length, rule });
      return;
    }
    const end = earliestEnd(regex, text, from);
    const start = latestStart(regex, text, from, end);
    // Shortest matches come piecewise (`\d+` on "12345" is five of them); touching ones are one finding.
    const last = spans[spans.length - 1];
    if (last !== undefined && last.rule === rule && last.end === start) last.end = end;
    else spans.push({ kind: 'pattern', start, end, rule });
    from = end;
  }
}

/** Smallest `e` such that `text[from, e)` holds a match; the caller knows `text[from, length)` does. */
function earliestEnd(regex: SafeRegex, text: string, from: number): number {
  let step = 1;
  let low = from; // no match in text[from, low)
  let high = Math.min(text.length, from + step);
  while (high < text.length && !regex.test(text.slice(from, high))) {
    low = high;
    step *= 2;
    high = Math.min(text.length, from + step);
  }
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    if (regex.test(text.slice(from, mid))) high = mid;
    else low = mid;
  }
  return high;
}

/** Largest `s` such that `text[s, end)` holds a match (so the match ends exactly at `end`). */
function latestStart(regex: SafeRegex, text: string, from: number, end: number): number {
  let low = from; // text[low, end) matches
  let high = end; // text[high, end) is empty and, for a pattern refusing the empty string, does not match
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    if (regex.test(text.slice(mid, end))) low = mid;
    else high = mid;
  }
  return low;
}
