import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold, half-opens after the cool-down, closes on success', () => {
    const b = new CircuitBreaker(3, 1000);
    for (let i = 0; i < 3; i++) {
      expect(b.allow('c', 0)).toBe('closed');
      expect(b.failure('c', 0)).toBe(i === 2);
    }
    expect(b.allow('c', 500)).toBeNull();
    expect(b.allow('c', 1500)).toBe('trial');
    expect(b.allow('c', 1500)).toBeNull(); // only one trial at a time
    expect(b.failure('c', 1500)).toBe(true);
    expect(b.allow('c', 2000)).toBeNull();
    expect(b.allow('c', 2600)).toBe('trial');
    b.success('c');
    expect(b.allow('c', 2600)).toBe('closed');
    expect(b.allow('other', 0)).toBe('closed');
  });

  it('lets a new trial out when the last one was cancelled, or is still out after its lease', () => {
    const b = new CircuitBreaker(1, 1000, 5000);
    b.failure('c', 0);
    expect(b.allow('c', 1000)).toBe('trial');
    expect(b.allow('c', 1100)).toBeNull();
    b.release('c'); // its agent cancelled it
    expect(b.allow('c', 1100)).toBe('trial'); // the next trial
    expect(b.allow('c', 2100)).toBeNull(); // past the cool-down, but this trial may still be running
    expect(b.allow('c', 6099)).toBeNull();
    expect(b.allow('c', 6100)).toBe('trial'); // it never ended: another goes out
    b.success('c');
    expect(b.allow('c', 6100)).toBe('closed');
  });

  it('is open while cooling down and while a trial is out, not when a trial may go', () => {
    const b = new CircuitBreaker(2, 1000);
    b.failure('c', 0);
    expect(b.isOpen('c', 0)).toBe(false);
    b.failure('c', 0);
    expect(b.isOpen('c', 999)).toBe(true);
    expect(b.isOpen('c', 1000)).toBe(false);
    expect(b.allow('c', 1000)).toBe('trial');
    expect(b.isOpen('c', 1001)).toBe(true);
    expect(b.isOpen('other', 0)).toBe(false);
  });

  it('release on a closed breaker changes nothing', () => {
    const b = new CircuitBreaker(2, 1000);
    b.release('c');
    expect(b.failure('c', 0)).toBe(false);
    b.release('c');
    expect(b.allow('c', 0)).toBe('closed');
    expect(b.failure('c', 0)).toBe(true);
    expect(b.allow('c', 10)).toBeNull();
  });
});
