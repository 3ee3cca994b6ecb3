import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { newId } from './ids.js';

describe('newId', () => {
  it('has the prefix and 26 base32 characters', () => {
    expect(newId('conn')).toMatch(/^conn_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('sorts by creation time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 1, max: 2 ** 40 }), (a, delta) => {
        expect(newId('org', a) < newId('org', a + delta)).toBe(true);
      }),
    );
  });
});
