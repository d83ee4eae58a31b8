import { RateLimiterMemory } from "rate-limiter-flexible";
import { describe, expect, it } from "vitest";
import { ConnectionLimits } from "../../server/net/connectionLimits.ts";
import { TokenBuckets } from "../../server/net/rateLimits.ts";
import {
  fixedWindowFor,
  localRequestBudget,
  sharedRequestBudget,
  type PointsLimiter,
} from "../../server/net/requestBudget.ts";
import { sharedConnectionAdmission, type ConnectionSlotStore } from "../../server/net/sharedConnections.ts";
import { SharedStoreGuard, type SharedLimit } from "../../server/net/sharedStore.ts";

/**
 * The cluster's shared per-IP limits (server/net/requestBudget.ts,
 * sharedConnections.ts, sharedStore.ts) with in-memory stores standing in for
 * Redis: rate-limiter-flexible's RateLimiterMemory for the budget (the same
 * consume contract as RateLimiterRedis), a Map for the connection counts.
 * The real Redis stores: test/cluster/shared-limits.test.ts.
 */
function guardWith(clock = { t: 0 }) {
  const events: string[] = [];
  const fallbacks: SharedLimit[] = [];
  const guard = new SharedStoreGuard({
    timeoutMs: 50,
    retryMs: 1000,
    now: () => clock.t,
    onDown: () => events.push("down"),
    onUp: () => events.push("up"),
    onFallback: (limit) => fallbacks.push(limit),
  });
  return { guard, events, fallbacks, clock };
}

/** A store that can be switched to failing (Redis down) or hanging (Redis stalled). */
function switchable(store: PointsLimiter) {
  const state = { mode: "up" as "up" | "failing" | "hanging" };
  const limiter: PointsLimiter = {
    consume: (key) =>
      state.mode === "up"
        ? store.consume(key)
        : state.mode === "failing"
          ? Promise.reject(new Error("Redis connection is not ready"))
          : new Promise(() => undefined),
  };
  return { limiter, state };
}

const localBudget = (burst: number) => localRequestBudget(new TokenBuckets({ ratePerSecond: 1 / 60, burst }));

describe("shared request budget", () => {
  it("one store spent through one process is refused through another, with the store's Retry-After", async () => {
    const store = new RateLimiterMemory({ points: 3, duration: 30 });
    const { guard } = guardWith();
    // Two processes: their own guard and fallback, one store.
    const a = sharedRequestBudget({ store, fallback: localBudget(3), guard });
    const b = sharedRequestBudget({ store, fallback: localBudget(3), guard: guardWith().guard });
    expect(await a.take("203.0.113.1")).toEqual({ ok: true });
    expect(await a.take("203.0.113.1")).toEqual({ ok: true });
    expect(await b.take("203.0.113.1")).toEqual({ ok: true });
    const refused = await b.take("203.0.113.1");
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(30);
    // Another IP has its own budget.
    expect(await a.take("203.0.113.2")).toEqual({ ok: true });
  });

  it("falls back to the process' own budget while the store fails, logs the outage once, and returns to the store", async () => {
    const { limiter, state } = switchable(new RateLimiterMemory({ points: 100, duration: 30 }));
    const { guard, events, fallbacks, clock } = guardWith();
    const budget = sharedRequestBudget({ store: limiter, fallback: localBudget(2), guard });
    expect(await budget.take("198.51.100.1")).toEqual({ ok: true });

    state.mode = "failing";
    // The local budget (burst 2) decides: the store's 100 points do not.
    expect(await budget.take("198.51.100.1")).toEqual({ ok: true });
    expect(await budget.take("198.51.100.1")).toEqual({ ok: true });
    expect((await budget.take("198.51.100.1")).ok).toBe(false);
    expect(events).toEqual(["down"]);
    expect(guard.degraded).toBe(true);
    expect(fallbacks).toEqual(["http", "http", "http"]);

    // Back up: the store is tried again once the retry delay passed, not before.
    state.mode = "up";
    expect((await budget.take("198.51.100.1")).ok).toBe(false);
    clock.t += 1000;
    expect(await budget.take("198.51.100.1")).toEqual({ ok: true });
    expect(events).toEqual(["down", "up"]);
    expect(guard.degraded).toBe(false);
  });

  it("a store that hangs costs at most the timeout, then the local budget decides", async () => {
    const { limiter, state } = switchable(new RateLimiterMemory({ points: 100, duration: 30 }));
    const { guard, events } = guardWith();
    const budget = sharedRequestBudget({ store: limiter, fallback: localBudget(1), guard });
    state.mode = "hanging";
    const started = performance.now();
    expect(await budget.take("198.51.100.9")).toEqual({ ok: true });
    console.log(`hanging store: decided after ${(performance.now() - started).toFixed(0)} ms (timeout 50 ms)`);
    expect(events).toEqual(["down"]);
    // Within the retry delay, the store is not asked (no second timeout to pay).
    expect((await budget.take("198.51.100.9")).ok).toBe(false);
  });

  it("maps the token bucket to a fixed window: same burst, same long-run rate, at least one second", () => {
    expect(fixedWindowFor(120, 60)).toEqual({ points: 60, durationSeconds: 30 });
    expect(fixedWindowFor(6, 5)).toEqual({ points: 5, durationSeconds: 50 });
    // A bucket that refills in under a second: a 1 s window holding the rate.
    expect(fixedWindowFor(600_000, 1)).toEqual({ points: 10_000, durationSeconds: 1 });
  });
});

/** Per-process counts per IP, as the Redis hashes hold them, with the claim's atomic check. */
class MemorySlotStore {
  readonly counts = new Map<string, Map<string, number>>();
  failing = false;
  forProcess(pid: string): ConnectionSlotStore {
    const own = () => this.counts.get(pid) ?? this.counts.set(pid, new Map()).get(pid)!;
    const check = () => {
      if (this.failing) return Promise.reject(new Error("down"));
      return undefined;
    };
    return {
      claim: (ip, ownCount, max) => {
        const failed = check();
        if (failed) return failed;
        let others = 0;
        for (const [other, counts] of this.counts) if (other !== pid) others += counts.get(ip) ?? 0;
        if (others + ownCount > max) return Promise.resolve(false);
        own().set(ip, ownCount);
        return Promise.resolve(true);
      },
      record: (ip, ownCount) => {
        const failed = check();
        if (failed) return failed;
        if (ownCount <= 0) own().delete(ip);
        else own().set(ip, ownCount);
        return Promise.resolve();
      },
      replaceAll: (counts) => {
        const failed = check();
        if (failed) return failed;
        this.counts.set(pid, new Map(counts));
        return Promise.resolve();
      },
    };
  }
  /** The process died and its key expired. */
  expire(pid: string): void {
    this.counts.delete(pid);
  }
}

describe("shared connection cap", () => {
  const processOn = (store: MemorySlotStore, pid: string, max: number) => {
    const local = new ConnectionLimits(max);
    const { guard, events, clock } = guardWith();
    return { local, events, clock, ...sharedConnectionAdmission({ local, store: store.forProcess(pid), max, guard }) };
  };

  it("counts the connections of every process: cap 2, one on A and one on B, a third refused on either", async () => {
    const store = new MemorySlotStore();
    const a = processOn(store, "A", 2);
    const b = processOn(store, "B", 2);
    const ip = "203.0.113.5";
    const onA = await a.admit(ip);
    const onB = await b.admit(ip);
    expect(onA).toBeTypeOf("function");
    expect(onB).toBeTypeOf("function");
    expect(await a.admit(ip)).toBeUndefined();
    expect(await b.admit(ip)).toBeUndefined();
    // A refused claim gives its local slot back.
    expect([a.local.count(ip), b.local.count(ip)]).toEqual([1, 1]);
    onA!();
    await Promise.resolve();
    expect(store.counts.get("A")?.get(ip)).toBeUndefined();
    expect(await b.admit(ip)).toBeTypeOf("function");
  });

  it("a dead process' counts stop counting once they expire", async () => {
    const store = new MemorySlotStore();
    const a = processOn(store, "A", 1);
    const b = processOn(store, "B", 1);
    expect(await a.admit("198.51.100.7")).toBeTypeOf("function");
    expect(await b.admit("198.51.100.7")).toBeUndefined();
    store.expire("A");
    expect(await b.admit("198.51.100.7")).toBeTypeOf("function");
  });

  it("store down: each process' own cap decides; sync republishes the true counts once it is back", async () => {
    const store = new MemorySlotStore();
    const a = processOn(store, "A", 2);
    const ip = "198.51.100.8";
    const first = await a.admit(ip);
    store.failing = true;
    const second = await a.admit(ip);
    expect(second).toBeTypeOf("function");
    expect(await a.admit(ip)).toBeUndefined(); // the local cap still holds
    expect(a.events).toEqual(["down"]);
    first!();
    second!(); // the store missed both releases
    store.failing = false;
    expect(store.counts.get("A")?.get(ip)).toBe(1);
    await a.sync(); // within the retry delay: the store is left alone
    expect(store.counts.get("A")?.get(ip)).toBe(1);
    a.clock.t += 1000;
    await a.sync();
    expect(store.counts.get("A")?.get(ip)).toBeUndefined();
    expect(a.events).toEqual(["down", "up"]);
  });
});
