/**
 * Float slack: refilling in fractions of a token leaves 0.999…9 where 1 is
 * meant (1 - 0.999 is 0.0010000000000000009), which would refuse a retry made
 * exactly when we said it would succeed.
 */
const EPSILON = 1e-9;

/**
 * A token bucket: holds at most `capacity` tokens, refills continuously at
 * `refillPerSecond`, and each accepted request takes one. Time is passed in
 * (ms), so tests drive it without waiting. The one bucket of the server:
 * chat flood control (chat/FloodControl.ts) holds one per player,
 * `TokenBuckets` below one per key.
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

  /** Tokens held at `now`, without taking any. */
  tokensAt(now: number): number {
    // A clock that steps back (tests, NTP) must not drain the bucket.
    const elapsedMs = Math.max(0, now - this.updatedAt);
    return Math.min(this.capacity, this.tokens + (elapsedMs / 1000) * this.refillPerSecond);
  }

  /** Whole seconds until a token is available (for `Retry-After`); 0 when one is. */
  retryAfterSeconds(now: number): number {
    const tokens = this.tokensAt(now);
    if (tokens >= 1 - EPSILON) return 0;
    return Math.ceil((1 - tokens) / this.refillPerSecond);
  }

  /** Full again: forgetting this bucket and making a new one would change nothing. */
  isFull(now: number): boolean {
    return this.tokensAt(now) >= this.capacity - EPSILON;
  }

  private refill(now: number): void {
    this.tokens = this.tokensAt(now);
    // Never back: time already credited is not credited twice after a step back.
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}

/**
 * Token buckets keyed by a string (a client IP, a session id): each key holds
 * up to `burst` tokens and regains `ratePerSecond` per second; a request takes
 * one or is refused.
 *
 * The table is bounded: a spoofing or address-hopping attacker must not grow
 * it without limit. Full buckets carry no information (a fresh key starts
 * full), so they are dropped first; if the table is still full, the key idle
 * longest goes (Map iteration order is insertion order, and a used key is
 * re-inserted).
 */
export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  /** Most keys remembered at once. */
  maxKeys?: number;
  /** Injectable clock (ms) for tests. */
  now?: () => number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: TokenBucketOptions) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Take one token for `key`; false when its bucket is empty. */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? new TokenBucket(this.options.burst, this.options.ratePerSecond, now);
    this.buckets.delete(key); // re-insert: most recently used last
    this.buckets.set(key, bucket);
    if (!bucket.take(now).ok) return false;
    this.evictIfFull(now);
    return true;
  }

  /** Tokens `key` holds now (a fresh key holds `burst`). */
  tokens(key: string): number {
    return this.buckets.get(key)?.tokensAt(this.now()) ?? this.options.burst;
  }

  /** Seconds until `key` has a token again (for `Retry-After`). */
  retryAfterSeconds(key: string): number {
    return this.buckets.get(key)?.retryAfterSeconds(this.now()) ?? 0;
  }

  /** Drop `key`'s bucket (its owner left). */
  forget(key: string): void {
    this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Past `maxKeys`, shrink to 90% so a flood of new keys pays the O(n) sweep once per 10% of churn. */
  private evictIfFull(now: number): void {
    if (this.buckets.size <= this.maxKeys) return;
    for (const [key, bucket] of this.buckets) {
      if (bucket.isFull(now)) this.buckets.delete(key);
    }
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(key);
    }
  }
}

/** What to do with one inbound frame. */
export type FrameVerdict = "pass" | "drop" | "close";

/**
 * The per-connection frame rate policy, counted over one-second windows:
 * the first `perSecond` frames of a window pass; the next `perSecond` are
 * dropped unprocessed (the sender is told once, see frameAdmission.ts); a client
 * that goes past twice the rate in one window is disconnected.
 *
 * Softer than core's `maxMessagesPerSecond`, which disconnects on the first
 * frame over the limit (Room#_onMessage → close 4002): a burst, such as the
 * SDK flushing its offline queue after a reconnect, costs frames, not the
 * connection.
 */
export class FrameRateLimit {
  private windowEndsAt = 0;
  private count = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  admit(): FrameVerdict {
    const now = this.now();
    if (now >= this.windowEndsAt) {
      this.windowEndsAt = now + 1000;
      this.count = 0;
    }
    this.count++;
    if (this.count <= this.perSecond) return "pass";
    if (this.count <= 2 * this.perSecond) return "drop";
    return "close";
  }

  /** True for the first dropped frame of a window: the moment to tell the sender. */
  get firstDropInWindow(): boolean {
    return this.count === this.perSecond + 1;
  }
}
