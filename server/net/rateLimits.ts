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

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: TokenBucketOptions) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Take one token for `key`; false when its bucket is empty. */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.refilled(key, now);
    this.buckets.delete(key); // re-insert: most recently used last
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return false;
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    this.evictIfFull(now);
    return true;
  }

  /** Tokens `key` holds now (a fresh key holds `burst`). */
  tokens(key: string): number {
    return this.refilled(key, this.now()).tokens;
  }

  /** Seconds until `key` has a token again (for `Retry-After`). */
  retryAfterSeconds(key: string): number {
    const bucket = this.refilled(key, this.now());
    if (bucket.tokens >= 1) return 0;
    return Math.ceil((1 - bucket.tokens) / this.options.ratePerSecond);
  }

  /** Drop `key`'s bucket (its owner left). */
  forget(key: string): void {
    this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): Bucket {
    const { burst, ratePerSecond } = this.options;
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return { tokens: burst, updatedAt: now };
    const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
    return { tokens: Math.min(burst, bucket.tokens + elapsed * ratePerSecond), updatedAt: now };
  }

  /** Past `maxKeys`, shrink to 90% so a flood of new keys pays the O(n) sweep once per 10% of churn. */
  private evictIfFull(now: number): void {
    if (this.buckets.size <= this.maxKeys) return;
    for (const key of this.buckets.keys()) {
      if (this.refilled(key, now).tokens >= this.options.burst) this.buckets.delete(key);
    }
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(key);
    }
  }
}

/** What to do with one inbound frame. */
export type FrameVerdict = "pass" | "drop" | "kick";

/**
 * The per-connection frame rate policy, counted over one-second windows:
 * the first `perSecond` frames of a window pass; the next `perSecond` are
 * dropped unprocessed (the sender is told once, see frameGuard.ts); a client
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
    return "kick";
  }

  /** True for the first dropped frame of a window: the moment to tell the sender. */
  get firstDropInWindow(): boolean {
    return this.count === this.perSecond + 1;
  }
}
