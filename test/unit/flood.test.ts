import { describe, expect, it } from "vitest";
import { FloodControl } from "../../server/chat/FloodControl.ts";
import { TokenBucket } from "../../server/chat/TokenBucket.ts";

const T0 = 1_000_000;

describe("TokenBucket", () => {
  it("allows a burst, then one line per refill interval", () => {
    const bucket = new TokenBucket(5, 1, T0);
    for (let i = 0; i < 5; i++) expect(bucket.take(T0)).toEqual({ ok: true });
    expect(bucket.take(T0)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(bucket.take(T0 + 999)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(bucket.take(T0 + 1000)).toEqual({ ok: true });
    expect(bucket.take(T0 + 1000)).toEqual({ ok: false, retryAfterMs: 1000 });
  });

  it("says exactly how long to wait, rounded up, at a fractional rate", () => {
    const bucket = new TokenBucket(1, 0.3, T0);
    bucket.take(T0);
    const refused = bucket.take(T0);
    expect(refused).toEqual({ ok: false, retryAfterMs: 3334 });
    expect(bucket.take(T0 + 3333).ok).toBe(false);
    expect(bucket.take(T0 + 3334).ok).toBe(true);
  });

  it("never refills past its capacity", () => {
    const bucket = new TokenBucket(3, 10, T0);
    const later = T0 + 3_600_000;
    for (let i = 0; i < 3; i++) expect(bucket.take(later).ok).toBe(true);
    expect(bucket.take(later).ok).toBe(false);
  });

  it("is not drained by a clock that steps back", () => {
    const bucket = new TokenBucket(2, 1, T0);
    bucket.take(T0);
    expect(bucket.take(T0 - 60_000).ok).toBe(true);
    expect(bucket.take(T0 - 60_000).ok).toBe(false);
    expect(bucket.take(T0 + 1000).ok).toBe(true);
  });

  it("reports when it is full again", () => {
    const bucket = new TokenBucket(2, 1, T0);
    expect(bucket.isFull(T0)).toBe(true);
    bucket.take(T0);
    expect(bucket.isFull(T0 + 999)).toBe(false);
    expect(bucket.isFull(T0 + 1000)).toBe(true);
  });
});

describe("FloodControl", () => {
  const settings = { burst: 5, refillPerSecond: 1, rejectionsBeforeMute: 3, windowMs: 30_000 };

  it("keeps one bucket per player id", () => {
    const flood = new FloodControl(settings);
    for (let i = 0; i < 5; i++) flood.admit("p_a", T0);
    expect(flood.admit("p_a", T0).ok).toBe(false);
    expect(flood.admit("p_b", T0).ok).toBe(true);
  });

  it("asks for an auto-mute on the third rejection within the window, then counts afresh", () => {
    const flood = new FloodControl(settings);
    for (let i = 0; i < 5; i++) flood.admit("p_a", T0);
    expect(flood.admit("p_a", T0)).toEqual({ ok: false, retryAfterMs: 1000, autoMute: false });
    expect(flood.admit("p_a", T0 + 100)).toMatchObject({ ok: false, autoMute: false });
    expect(flood.admit("p_a", T0 + 200)).toMatchObject({ ok: false, autoMute: true });
    expect(flood.admit("p_a", T0 + 300)).toMatchObject({ ok: false, autoMute: false });
  });

  it("does not mute for rejections spread wider than the window", () => {
    const flood = new FloodControl({ ...settings, burst: 1, refillPerSecond: 0.01 });
    flood.admit("p_a", T0);
    expect(flood.admit("p_a", T0)).toMatchObject({ autoMute: false });
    expect(flood.admit("p_a", T0 + 20_000)).toMatchObject({ autoMute: false });
    // The first rejection is now 30 s old: only two remain in the window.
    expect(flood.admit("p_a", T0 + 30_000)).toMatchObject({ ok: false, autoMute: false });
    expect(flood.admit("p_a", T0 + 30_001)).toMatchObject({ ok: false, autoMute: true });
  });

  it("forgets players once their state could not matter, and only then", () => {
    const flood = new FloodControl(settings);
    for (let i = 0; i < 6; i++) flood.admit("p_flooder", T0);
    flood.admit("p_quiet", T0);
    expect(flood.size).toBe(2);
    flood.sweep(T0 + 1000); // p_quiet's bucket is full again
    expect(flood.size).toBe(1);
    flood.sweep(T0 + 29_999); // p_flooder's rejection is still in the window
    expect(flood.size).toBe(1);
    flood.sweep(T0 + 30_000);
    expect(flood.size).toBe(0);
  });
});
