import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isDataError } from './held-connection.js';
import { storable } from './audit-log.writer.js';

const wellFormed = (s: string): boolean => !/\p{Cs}/u.test(s);

describe('storable', () => {
  it('leaves alone a well-formed string without NUL (the same string, not a copy)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        fc.pre(!s.includes('\0'));
        expect(storable(s)).toBe(s);
      }),
    );
  });

  it('turns NUL and every lone surrogate into U+FFFD, and nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = storable(s);
        expect(out.includes('\0')).toBe(false);
        expect(wellFormed(out)).toBe(true);
        expect(out.length).toBe(s.length);
      }),
    );
    expect(storable('a\0b\ud800c\udc00d\ud83d\ude00')).toBe('a\uFFFDb\uFFFDc\uFFFDd\ud83d\ude00');
  });
});

describe('isDataError', () => {
  it('is a data exception (class 22) or an integrity violation (class 23), nothing else', () => {
    expect(isDataError({ code: '22021' })).toBe(true);
    expect(isDataError({ code: '22P05' })).toBe(true);
    expect(isDataError({ code: '23505' })).toBe(true);
    expect(isDataError({ code: '57P01' })).toBe(false);
    expect(isDataError({ code: 'ECONNRESET' })).toBe(false);
    expect(isDataError(new Error('Query read timeout'))).toBe(false);
    expect(isDataError(null)).toBe(false);
  });
});
