import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold, half-opens after the cool-down, closes on success', () => {
    const b = new CircuitBreaker(3, 1000);
    for (let i = 0; i < 3; i++) {
      expect(b.allow('c', 0)).toBe(true);
      expect(b.failure('c', 0)).toBe(i === 2);
    }
    expect(b.allow('c', 500)).toBe(false);
    expect(b.allow('c', 1500)).toBe(true); // trial
    expect(b.allow('c', 1500)).toBe(false); // only one trial at a time
    expect(b.failure('c', 1500)).toBe(true);
    expect(b.allow('c', 2000)).toBe(false);
    expect(b.allow('c', 2600)).toBe(true);
    b.success('c');
    expect(b.allow('c', 2600)).toBe(true);
    expect(b.allow('other', 0)).toBe(true);
  });

  it('lets a new trial out when the last one was cancelled, or is still out after a cool-down', () => {
    const b = new CircuitBreaker(1, 1000);
    b.failure('c', 0);
    expect(b.allow('c', 1000)).toBe(true); // trial
    expect(b.allow('c', 1100)).toBe(false);
    b.release('c'); // its agent cancelled it
    expect(b.allow('c', 1100)).toBe(true); // the next trial
    expect(b.allow('c', 1500)).toBe(false);
    expect(b.allow('c', 2099)).toBe(false);
    expect(b.allow('c', 2100)).toBe(true); // the previous trial never ended: another goes out
    b.success('c');
    expect(b.allow('c', 2100)).toBe(true);
  });

  it('is open only while cooling down: half-open lets a trial out, so it is not open then', () => {
    const b = new CircuitBreaker(2, 1000);
    b.failure('c', 0);
    expect(b.isOpen('c', 0)).toBe(false);
    b.failure('c', 0);
    expect(b.isOpen('c', 999)).toBe(true);
    expect(b.isOpen('c', 1000)).toBe(false);
    expect(b.isOpen('other', 0)).toBe(false);
  });

  it('release on a closed breaker changes nothing', () => {
    const b = new CircuitBreaker(2, 1000);
    b.release('c');
    expect(b.failure('c', 0)).toBe(false);
    b.release('c');
    expect(b.allow('c', 0)).toBe(true);
    expect(b.failure('c', 0)).toBe(true);
    expect(b.allow('c', 10)).toBe(false);
  });
});
