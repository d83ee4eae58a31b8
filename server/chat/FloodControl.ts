import { TokenBucket } from "../net/rateLimits.ts";

export interface FloodSettings {
  /** Lines a player may send at once. */
  burst: number;
  /** Lines per second the bucket refills. */
  refillPerSecond: number;
  /** Rate-limit rejections within `windowMs` that trigger an auto-mute. */
  rejectionsBeforeMute: number;
  windowMs: number;
}

export type Admission = { ok: true } | { ok: false; retryAfterMs: number; autoMute: boolean };

interface Chatter {
  bucket: TokenBucket;
  /** Times of recent rate-limit rejections, oldest first; never longer than rejectionsBeforeMute. */
  rejections: number[];
}

/**
 * Per-identity flood control: a token bucket per player id, plus a count of
 * recent rejections so that a player who keeps hammering is muted rather
 * than answered forever.
 */
export class FloodControl {
  private readonly chatters = new Map<string, Chatter>();

  constructor(private readonly settings: FloodSettings) {}

  /** Charge one line to `playerId`. `autoMute` is set on the rejection that crosses the limit. */
  admit(playerId: string, now: number): Admission {
    let chatter = this.chatters.get(playerId);
    if (chatter === undefined) {
      chatter = { bucket: new TokenBucket(this.settings.burst, this.settings.refillPerSecond, now), rejections: [] };
      this.chatters.set(playerId, chatter);
    }
    const taken = chatter.bucket.take(now);
    if (taken.ok) return taken;

    const recent = chatter.rejections.filter((at) => now - at < this.settings.windowMs);
    recent.push(now);
    const autoMute = recent.length >= this.settings.rejectionsBeforeMute;
    // After a mute the count starts over: the next mute needs as many fresh rejections.
    chatter.rejections = autoMute ? [] : recent;
    return { ok: false, retryAfterMs: taken.retryAfterMs, autoMute };
  }

  /**
   * Forget players whose state no longer matters: a full bucket and no
   * rejection left in the window behave exactly like a player never seen.
   */
  sweep(now: number): void {
    for (const [playerId, chatter] of this.chatters) {
      const rejectionsLive = chatter.rejections.some((at) => now - at < this.settings.windowMs);
      if (!rejectionsLive && chatter.bucket.isFull(now)) this.chatters.delete(playerId);
    }
  }

  /** Players currently tracked (for tests of the memory bound). */
  get size(): number {
    return this.chatters.size;
  }
}
