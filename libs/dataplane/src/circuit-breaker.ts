/**
 * Per-connector breaker: after `threshold` consecutive failures calls fail
 * fast for `coolDownMs`; then one trial call is let through (half-open).
 */
export class CircuitBreaker {
  private readonly state = new Map<string, { failures: number; openUntil: number; trial: boolean }>();

  constructor(
    private readonly threshold = 5,
    private readonly coolDownMs = 30_000,
  ) {}

  /** Whether a call may go out now. */
  allow(key: string, now = Date.now()): boolean {
    const s = this.state.get(key);
    if (!s || s.failures < this.threshold) return true;
    if (now < s.openUntil) return false;
    if (s.trial) return false;
    s.trial = true;
    return true;
  }

  success(key: string): void {
    this.state.delete(key);
  }

  failure(key: string, now = Date.now()): void {
    const s = this.state.get(key) ?? { failures: 0, openUntil: 0, trial: false };
    s.failures++;
    s.trial = false;
    if (s.failures >= this.threshold) s.openUntil = now + this.coolDownMs;
    this.state.set(key, s);
  }
}
