import { describe, expect, it } from "vitest";
import { FloodControl } from "../../server/chat/FloodControl.ts";

const T0 = 1_000_000;

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
