/**
 * Per-connector breaker: after `threshold` consecutive failures calls fail
 * fast for `coolDownMs`; then one trial call is let through (half-open). A
 * trial that ends without a verdict (cancelled by its agent) is released, and
 * one still out after `trialLeaseMs` (as long as a call may take) no longer
 * blocks the next: the breaker can never stay open for good.
 */
export class CircuitBreaker {
  private readonly state = new Map<string, { failures: number; openUntil: number; trialSince: number | null }>();

  constructor(
    private readonly threshold = 5,
    private readonly coolDownMs = 30_000,
    private readonly trialLeaseMs = coolDownMs,
  ) {}

  /** Whether a call may go out now: as usual ('closed'), as the half-open trial ('trial'), or not at all (null). */
  allow(key: string, now = Date.now()): 'closed' | 'trial' | null {
    const s = this.state.get(key);
    if (!s || s.failures < this.threshold) return 'closed';
    if (now < s.openUntil || this.trialOut(s, now)) return null;
    s.trialSince = now;
    return 'trial';
  }

  /** No call would go out now: cooling down, or a trial is out. */
  isOpen(key: string, now = Date.now()): boolean {
    const s = this.state.get(key);
    return s !== undefined && s.failures >= this.threshold && (now < s.openUntil || this.trialOut(s, now));
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

  /** The trial ended without telling anything about the upstream (its agent cancelled it): another may go out. */
  release(key: string): void {
    const s = this.state.get(key);
    if (s) s.trialSince = null;
  }

  private trialOut(s: { trialSince: number | null }, now: number): boolean {
    return s.trialSince !== null && now < s.trialSince + this.trialLeaseMs;
  }
}
