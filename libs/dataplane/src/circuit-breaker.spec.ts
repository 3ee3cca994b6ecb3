import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold, half-opens after the cool-down, closes on success', () => {
    const b = new CircuitBreaker(3, 1000);
    for (let i = 0; i < 3; i++) {
      expect(b.allow('c', 0)).toBe(true);
      b.failure('c', 0);
    }
    expect(b.allow('c', 500)).toBe(false);
    expect(b.allow('c', 1500)).toBe(true); // trial
    expect(b.allow('c', 1500)).toBe(false); // only one trial at a time
    b.failure('c', 1500);
    expect(b.allow('c', 2000)).toBe(false);
    expect(b.allow('c', 2600)).toBe(true);
    b.success('c');
    expect(b.allow('c', 2600)).toBe(true);
    expect(b.allow('other', 0)).toBe(true);
  });
});
