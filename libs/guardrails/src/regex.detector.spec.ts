import { describe, expect, it } from '@jest/globals';
import { compilePattern, createRegexDetector, PATTERN_MATCHES_PER_STRING, readsContext, type CompiledPattern } from './regex.detector.js';

function detector(...sources: string[]) {
  const patterns = sources.map((s): CompiledPattern => {
    const compiled = compilePattern(s);
    if (!compiled.ok) throw new Error(compiled.message);
    return compiled.pattern;
  });
  return createRegexDetector(patterns);
}
const ctx = { key: null };

describe('regex detector', () => {
  it('locates each match, joining touching pieces', () => {
    expect(detector('\\d+').detect('a 12345 b 67', ctx)).toEqual([
      { kind: 'pattern', start: 2, end: 7, rule: 0 },
      { kind: 'pattern', start: 10, end: 12, rule: 0 },
    ]);
    expect(detector('ORD-[0-9]{3}').detect('x ORD-123 ORD-456', ctx).map((s) => [s.start, s.end])).toEqual([
      [2, 9],
      [10, 17],
    ]);
  });

  it('reports a pattern that reads context over the whole string', () => {
    expect(detector('^DEBUG').detect('DEBUG: x', ctx)).toEqual([{ kind: 'pattern', start: 0, end: 8, rule: 0 }]);
    expect(detector('\\bcat\\b').detect('a cat sat', ctx)).toEqual([{ kind: 'pattern', start: 0, end: 9, rule: 0 }]);
  });

  it('tells anchors from the same characters in a class or escaped', () => {
    expect(readsContext('^a')).toBe(true);
    expect(readsContext('a$')).toBe(true);
    expect(readsContext('\\bword')).toBe(true);
    expect(readsContext('[^a]b')).toBe(false);
    expect(readsContext('[$^]\\$\\^')).toBe(false);
    expect(readsContext('[\\b]')).toBe(false);
  });

  it('refuses patterns that match the empty string or need backtracking', () => {
    expect(compilePattern('a*')).toMatchObject({ ok: false });
    expect(compilePattern('(a)\\1')).toMatchObject({ ok: false });
    expect(compilePattern('(?=a)')).toMatchObject({ ok: false });
    expect(compilePattern(42)).toMatchObject({ ok: false });
  });

  it('runs ReDoS patterns in linear time', () => {
    const text = `${'a'.repeat(50_000)}!`;
    expect(detector('(a+)+$', '(a|aa)+b', '(.*a){20}b').detect(text, ctx)).toEqual([]);
  });

  it('caps the matches located per string and reports the rest as one span', () => {
    const spans = detector('x').detect('x.'.repeat(PATTERN_MATCHES_PER_STRING + 10), ctx);
    expect(spans).toHaveLength(PATTERN_MATCHES_PER_STRING + 1);
    expect(spans.at(-1)).toEqual({ kind: 'pattern', start: 2 * PATTERN_MATCHES_PER_STRING - 1, end: 2 * (PATTERN_MATCHES_PER_STRING + 10), rule: 0 });
  });

  it('finds the match that ends first, then its latest start', () => {
    expect(detector('ab|b').detect('xab', ctx)).toEqual([{ kind: 'pattern', start: 2, end: 3, rule: 0 }]);
    expect(detector('a.c').detect('abcabc', ctx).map((s) => [s.start, s.end])).toEqual([[0, 6]]);
  });
});
