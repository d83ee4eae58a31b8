import { describe, expect, it } from "vitest";
import { MuteList } from "../../server/chat/MuteList.ts";
import { RepeatGuard } from "../../server/chat/RepeatGuard.ts";

const T0 = 5_000_000;
const mute = (until: number) => ({ until, name: "Bob", role: "player" as const });

describe("MuteList", () => {
  it("reports the time left and forgets expired mutes", () => {
    const mutes = new MuteList();
    mutes.set("p_bob", mute(T0 + 60_000));
    expect(mutes.remainingMs("p_bob", T0)).toBe(60_000);
    expect(mutes.remainingMs("p_bob", T0 + 59_999)).toBe(1);
    expect(mutes.remainingMs("p_bob", T0 + 60_000)).toBe(0);
    expect(mutes.remainingMs("p_other", T0)).toBe(0);
    mutes.sweep(T0 + 59_999);
    expect(mutes.size).toBe(1);
    mutes.sweep(T0 + 60_000);
    expect(mutes.size).toBe(0);
  });

  it("lets a moderator shorten a mute, but an auto-mute only lengthens one", () => {
    const mutes = new MuteList();
    mutes.set("p_bob", mute(T0 + 600_000));
    mutes.extend("p_bob", mute(T0 + 60_000));
    expect(mutes.remainingMs("p_bob", T0)).toBe(600_000);
    mutes.set("p_bob", mute(T0 + 60_000));
    expect(mutes.remainingMs("p_bob", T0)).toBe(60_000);
    mutes.extend("p_bob", mute(T0 + 90_000));
    expect(mutes.remainingMs("p_bob", T0)).toBe(90_000);
  });

  it("lifts a live mute and says whether there was one", () => {
    const mutes = new MuteList();
    mutes.set("p_bob", mute(T0 + 1000));
    expect(mutes.lift("p_bob", T0)).toBe(true);
    expect(mutes.remainingMs("p_bob", T0)).toBe(0);
    expect(mutes.lift("p_bob", T0)).toBe(false);
    mutes.set("p_bob", mute(T0 + 1000));
    expect(mutes.lift("p_bob", T0 + 1000)).toBe(false);
  });

  it("lists only mutes in force", () => {
    const mutes = new MuteList();
    mutes.set("p_a", mute(T0 + 10));
    mutes.set("p_b", mute(T0 - 10));
    expect([...mutes.active(T0)].map(([id]) => id)).toEqual(["p_a"]);
  });
});

describe("RepeatGuard", () => {
  const guard = () => new RepeatGuard({ limit: 3, windowMs: 300_000 });

  it("rejects the third identical line in a row, and every one after it", () => {
    const g = guard();
    expect([1, 2, 3, 4, 5].map((i) => g.allow("p_a", "spam", T0 + i))).toEqual([true, true, false, false, false]);
  });

  it("starts over after a different line", () => {
    const g = guard();
    expect(["x", "x", "y", "x", "x", "x"].map((key, i) => g.allow("p_a", key, T0 + i))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it("tracks players separately", () => {
    const g = guard();
    g.allow("p_a", "hi", T0);
    g.allow("p_a", "hi", T0);
    expect(g.allow("p_b", "hi", T0)).toBe(true);
    expect(g.allow("p_a", "hi", T0)).toBe(false);
  });

  it("lets a run lapse after the window, and sweeps it then", () => {
    const g = guard();
    g.allow("p_a", "gg", T0);
    g.allow("p_a", "gg", T0 + 300_000);
    expect(g.allow("p_a", "gg", T0 + 600_001)).toBe(true);
    g.sweep(T0 + 900_001); // the new run began at +600_001
    expect(g.size).toBe(1);
    g.sweep(T0 + 900_002);
    expect(g.size).toBe(0);
  });

  it("honours a higher limit", () => {
    const g = new RepeatGuard({ limit: 5, windowMs: 1000 });
    expect([1, 2, 3, 4, 5].map(() => g.allow("p", "k", T0))).toEqual([true, true, true, true, false]);
  });
});
