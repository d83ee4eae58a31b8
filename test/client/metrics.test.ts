import { describe, expect, it } from "vitest";
import { NetMetrics, formatBytesPerSecond } from "../../client/net/metrics.ts";

describe("NetMetrics", () => {
  it("sums bytes per whole second and reports the last complete second", () => {
    const m = new NetMetrics();
    m.received(100, 0);
    m.received(50, 400);
    m.received(25, 999);
    expect(m.snapshot(999).bytesPerSecond).toBe(0); // the first second is not over yet
    m.received(10, 1200);
    expect(m.snapshot(1200).bytesPerSecond).toBe(175);
    expect(m.snapshot(2500).bytesPerSecond).toBe(10);
  });

  it("averages the patch interval within a second", () => {
    const m = new NetMetrics();
    for (const t of [0, 50, 100, 160, 200]) m.patched(t);
    m.patched(1000);
    const snap = m.snapshot(1001);
    expect(snap.patchIntervalMs).toBe(50); // (50 + 50 + 60 + 40) / 4
    expect(snap.history[0]?.patches).toBe(5);
  });

  it("records empty seconds when nothing arrives, and keeps a bounded history", () => {
    const m = new NetMetrics(10);
    m.received(1, 0);
    const snap = m.snapshot(30_500);
    expect(snap.bytesPerSecond).toBe(0);
    expect(snap.history).toHaveLength(10);
  });

  it("keeps the last valid round-trip time", () => {
    const m = new NetMetrics();
    expect(m.snapshot(0).rttMs).toBeUndefined();
    m.roundTrip(42);
    m.roundTrip(Number.NaN);
    m.roundTrip(-1);
    expect(m.snapshot(0).rttMs).toBe(42);
  });

  it("formats rates", () => {
    expect(formatBytesPerSecond(512)).toBe("512 B/s");
    expect(formatBytesPerSecond(2048)).toBe("2.0 KiB/s");
  });
});
