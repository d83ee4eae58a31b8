import { describe, expect, it } from "vitest";
import { randomInt, seededRandom } from "../../shared/index.ts";

describe("seededRandom", () => {
  it("repeats a sequence for a seed and differs between seeds", () => {
    const a = seededRandom(123);
    const b = seededRandom(123);
    const c = seededRandom(124);
    const seqA = Array.from({ length: 10 }, a);
    expect(Array.from({ length: 10 }, b)).toEqual(seqA);
    expect(Array.from({ length: 10 }, c)).not.toEqual(seqA);
  });

  it("stays in [0, 1) and spreads out", () => {
    const r = seededRandom(5);
    const values = Array.from({ length: 10_000 }, r);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it("randomInt covers both ends inclusively", () => {
    const r = seededRandom(8);
    const seen = new Set(Array.from({ length: 1000 }, () => randomInt(r, 3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});
