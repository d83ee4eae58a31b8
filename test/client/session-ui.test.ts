import { describe, expect, it } from "vitest";
import { REJOIN_GIVE_UP_MS, Rejoiner, rejoinDelayMs, type RejoinStatus } from "../../client/net/rejoin.ts";
import { reconnectText } from "../../client/ui/reconnectOverlay.ts";

describe("the reconnecting overlay's words", () => {
  it("count down the seconds the server still holds the seat, rounding up", () => {
    expect(reconnectText(0, 20)).toBe("Connection lost. Reconnecting… your place is kept for 20 s");
    expect(reconnectText(1, 20)).toMatch(/kept for 20 s$/);
    expect(reconnectText(1000, 20)).toMatch(/kept for 19 s$/);
    expect(reconnectText(19_001, 20)).toMatch(/kept for 1 s$/);
  });

  it("stop promising a place once the grace is over, or when there is none", () => {
    expect(reconnectText(20_000, 20)).toBe("Connection lost. Still trying to reconnect…");
    expect(reconnectText(90_000, 20)).toBe("Connection lost. Still trying to reconnect…");
    expect(reconnectText(0, 0)).toBe("Connection lost. Still trying to reconnect…");
  });
});

/** A clock the test moves by hand: timers run when `advance` passes them. */
class ManualClock {
  time = 0;
  private timers: Array<{ at: number; run: () => void; id: number }> = [];
  private nextId = 0;
  now = () => this.time;
  setTimeout = (run: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, run, id });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };
  /** Run the next timer (moving time to it) and let the attempt it starts settle. */
  async next(): Promise<number> {
    this.timers.sort((a, b) => a.at - b.at);
    const timer = this.timers.shift();
    if (timer === undefined) throw new Error("no timer pending");
    const waited = timer.at - this.time;
    this.time = timer.at;
    timer.run();
    await new Promise((resolve) => setImmediate(resolve));
    return waited;
  }
  get pending(): number {
    return this.timers.length;
  }
}

describe("getting back in after a server restart", () => {
  it("tries fast first, then backs off to one attempt every 5 s", () => {
    expect([0, 1, 2, 3, 4, 5, 50].map(rejoinDelayMs)).toEqual([500, 1000, 2000, 3000, 5000, 5000, 5000]);
  });

  it("stops at the first attempt that gets in", async () => {
    const clock = new ManualClock();
    const answers = [false, false, true];
    let attempts = 0;
    const statuses: RejoinStatus[] = [];
    new Rejoiner(
      () => Promise.resolve(answers[attempts++] ?? true),
      (s) => statuses.push(s),
      clock,
    );
    expect(await clock.next()).toBe(500);
    expect(await clock.next()).toBe(1000);
    expect(await clock.next()).toBe(2000);
    expect(attempts).toBe(3);
    expect(clock.pending).toBe(0);
    expect(statuses).toEqual([
      { kind: "waiting", attempt: 1 },
      { kind: "waiting", attempt: 2 },
      { kind: "waiting", attempt: 3 },
    ]);
  });

  it("treats a throwing attempt as a failed one, and gives up after REJOIN_GIVE_UP_MS", async () => {
    const clock = new ManualClock();
    const statuses: RejoinStatus[] = [];
    new Rejoiner(
      () => Promise.reject(new Error("Failed to fetch")),
      (s) => statuses.push(s),
      clock,
    );
    while (clock.pending > 0) await clock.next();
    expect(clock.time).toBeGreaterThanOrEqual(REJOIN_GIVE_UP_MS);
    expect(clock.time).toBeLessThan(REJOIN_GIVE_UP_MS + 5000);
    expect(statuses.at(-1)).toEqual({ kind: "gave-up" });
  });

  it("makes no attempt once cancelled (the player chose something on the start screen)", async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const rejoin = new Rejoiner(
      () => Promise.resolve(++attempts > 5),
      () => undefined,
      clock,
    );
    await clock.next();
    rejoin.cancel();
    expect(clock.pending).toBe(0);
    expect(attempts).toBe(1);
  });
});
