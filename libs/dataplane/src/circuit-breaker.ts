/**
 * Per-connector breaker: after `threshold` consecutive failures calls fail
 * fast for `coolDownMs`; then one trial call is let through (half-open). A
 * trial that ends without a verdict (cancelled by its agent) is released, and
 * one that is still out after a cool-down no longer blocks the next: the
 * breaker can never stay open for good.
 */
export class CircuitBreaker {
  private readonly state = new Map<string, { failures: number; openUntil: number; trialSince: number | null }>();

  constructor(
    private readonly threshold = 5,
    private readonly coolDownMs = 30_000,
  ) {}

  /** Whether a call may go out now. */
  allow(key: string, now = Date.now()): boolean {
    const s = this.state.get(key);
    if (!s || s.failures < this.threshold) return true;
    if (now < s.openUntil) return false;
    if (s.trialSince !== null && now < s.trialSince + this.coolDownMs) return false;
    s.trialSince = now;
    return true;
  }

  /** Open and still cooling down: no call, not even a trial, would go out now. */
  isOpen(key: string, now = Date.now()): boolean {
    const s = this.state.get(key);
    return s !== undefined && s.failures >= this.threshold && now < s.openUntil;
  }

  success(key: string): void {
    this.state.delete(key);
  }

  /** Counts a failure; true when the breaker is open after it. */
  failure(key: string, now = Date.now()): boolean {
    const s = this.state.get(key) ?? { failures: 0, openUntil: 0, trialSince: null };
    s.failures++;
    s.trialSince = null;
    if (s.failures >= this.threshold) s.openUntil = now + this.coolDownMs;
    this.state.set(key, s);
    return s.failures >= this.threshold;
  }

  /** A call that ended without telling anything about the upstream (its agent cancelled it): a trial may go out again. */
  release(key: string): void {
    const s = this.state.get(key);
    if (s) s.trialSince = null;
  }
}
