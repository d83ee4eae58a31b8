/**
 * Float slack: refilling in fractions of a token leaves 0.999…9 where 1 is
 * meant (1 - 0.999 is 0.0010000000000000009), which would refuse a retry made
 * exactly when we said it would succeed.
 */
const EPSILON = 1e-9;

/**
 * A token bucket: holds at most `capacity` tokens, refills continuously at
 * `refillPerSecond`, and each accepted line takes one. Time is passed in
 * (ms), so tests drive it without waiting.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Take one token, or say how long until one is available. */
  take(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    this.refill(now);
    if (this.tokens >= 1 - EPSILON) {
      this.tokens = Math.max(0, this.tokens - 1);
      return { ok: true };
    }
    // Rounded up so that retrying exactly after retryAfterMs succeeds.
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) / this.refillPerSecond) * 1000 - EPSILON) };
  }

  /** Full again: forgetting this bucket and making a new one would change nothing. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity - EPSILON;
  }

  private refill(now: number): void {
    // A clock that steps back (tests, NTP) must not drain the bucket.
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs / 1000) * this.refillPerSecond);
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}
