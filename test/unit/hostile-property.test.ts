import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../server/config.ts";
import { memoryBound } from "../hostile/propertyBound.ts";
import {
  fragments,
  largestAdmitted,
  maxHostileChat,
  maxReliableInput,
  maxUnreliableInput,
  reliableInput,
  unreliableInput,
} from "../hostile/propertyFrames.ts";
import { statesIn } from "../hostile/propertyHonest.ts";

/** The hostile property's pure parts: window counting, the memory bound, the attack frames. */
describe("hostile property: counting patches in a window", () => {
  const steady = (from: number, to: number, everyMs: number) =>
    Array.from({ length: Math.floor((to - from) / everyMs) + 1 }, (_, i) => from + i * everyMs);

  it("counts a steady rate exactly wherever the window's edges fall between patches (a plain count is off by one)", () => {
    // Every 47 ms: 21.28 per second, which a count of arrivals gives as 21 or 22 depending on the offset.
    const arrivals = steady(0, 3000, 47);
    for (const offset of [0, 7, 25, 46]) {
      expect(statesIn(arrivals, 1000 + offset, 2000 + offset)).toBeCloseTo(1000 / 47, 6);
    }
  });

  it("counts a stall inside the window as the one interval it is", () => {
    // 20/s, then nothing from 1200 to 1700 ms, then 20/s again: 10 intervals lost of 20.
    const arrivals = [...steady(0, 1200, 50), ...steady(1700, 3000, 50)];
    expect(statesIn(arrivals, 1000, 2000)).toBeCloseTo(11, 6);
  });

  it("counts nothing once arrivals stop", () => {
    expect(statesIn(steady(0, 500, 50), 1000, 2000)).toBe(0);
    expect(statesIn([...steady(0, 500, 50), 2500], 1000, 2000)).toBeCloseTo(0.5, 6);
  });
});

describe("hostile property: the memory bound", () => {
  it("is 93.5 MiB at the defaults (the number SECURITY.md states), and grows with the limits", () => {
    const config = defaultConfig();
    const bound = memoryBound(config.net, config.arena.maxSeatsPerIp);
    expect(bound.totalMiB).toBeCloseTo(93.52, 2);
    expect(bound.perConnectionBytes).toBe(1256 * 1024);
    const doubled = memoryBound({ ...config.net, maxConnectionsPerIp: 64 }, config.arena.maxSeatsPerIp);
    expect(doubled.webSocketsBytes).toBe(2 * bound.webSocketsBytes);
  });
});

describe("hostile property: the attack frames", () => {
  const maxPayload = defaultConfig().net.maxPayloadBytes;

  it.each([
    ["reliable, 1365 field writes", maxReliableInput(maxPayload)],
    ["unreliable, 4090 empty slots", maxUnreliableInput(maxPayload, 1)],
    ["unreliable, base seq past 2^31", maxUnreliableInput(maxPayload, 2 ** 31 + 5)],
    ["hostile chat", maxHostileChat(maxPayload, 3)],
  ])("%s fills MAX_PAYLOAD_BYTES", (_name, frame) => {
    expect(frame.length).toBeLessThanOrEqual(maxPayload);
    expect(frame.length).toBeGreaterThan(maxPayload - 32);
  });

  it("are the largest the frame policy admits, so the attack follows a tightened policy", () => {
    const cap = (frame: Buffer) => frame.length <= 100;
    expect(largestAdmitted(reliableInput, 1365, cap)).toBe(33);
    expect(largestAdmitted((n) => unreliableInput(n, 1), 4090, cap)).toBe(94);
    expect(largestAdmitted(reliableInput, 1365, () => true)).toBe(1365);
    // Nothing admitted: the largest, to exercise the close path.
    expect(largestAdmitted(reliableInput, 1365, () => false)).toBe(1365);
  });

  it("fragments a frame into MAX_FRAGMENTS pieces that join back into it", () => {
    const frame = maxReliableInput(maxPayload);
    const pieces = fragments(frame, defaultConfig().net.maxFragments);
    expect(pieces).toHaveLength(16);
    expect(Buffer.concat(pieces).equals(frame)).toBe(true);
  });
});
