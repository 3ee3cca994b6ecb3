import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomBase62, safeEqual, sha256Hex } from './secrets.js';

describe('secrets', () => {
  it('randomBase62 has the requested length and alphabet', () => {
    for (const n of [1, 12, 32, 40]) expect(randomBase62(n)).toMatch(new RegExp(`^[0-9A-Za-z]{${n}}$`));
  });

  it('safeEqual agrees with ===', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => safeEqual(a, b) === (a === b)));
    expect(safeEqual('x', 'x')).toBe(true);
  });

  it('sha256Hex is the hex digest', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
