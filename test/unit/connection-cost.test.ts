import { describe, expect, it } from "vitest";
import {
  COST_WINDOW_MS,
  ConnectionCosts,
  LOOP_LAG_MIN_SHARE,
  MAX_FRAME_SHARE,
  NEGLIGIBLE_SHARE,
  type ConnectionCostSettings,
  type Cut,
} from "../../server/net/connectionCost.ts";

/**
 * The cost policy alone (server/net/connectionCost.ts): time is passed in, so
 * every rate here is exact. The wall that applies it: test/wall/cost-cutter.test.ts;
 * through the app: test/hostile/costly-connections.test.ts.
 */
const SETTINGS: ConnectionCostSettings = {
  maxDispatchMsPerS: 50,
  maxDispatchMsPerSPerIp: 200,
  maxFramesPerSPerIp: 1200,
  maxQueuedBytesPerIp: 4 * 1024 * 1024,
  loopLagCutMs: 50,
};

interface Socket {
  name: string;
  bufferedAmount: number;
}

function setup(settings: Partial<ConnectionCostSettings> = {}) {
  const costs = new ConnectionCosts<Socket>({ ...SETTINGS, ...settings });
  const open = (name: string, ip = "203.0.113.1", now = 0) =>
    costs.open({ name, bufferedAmount: 0 }, { ip, roomId: "room1", sessionId: name }, now);
  return { costs, open };
}

/** `frames` frames of `ms` each, spread evenly over `[from, from + spanMs)`; the first cut, if any. */
function feed(
  costs: ConnectionCosts<Socket>,
  connection: ReturnType<ReturnType<typeof setup>["open"]>,
  {
    frames,
    ms,
    from = 0,
    spanMs = 1000,
    bytes = 10,
  }: { frames: number; ms: number; from?: number; spanMs?: number; bytes?: number },
): Cut<Socket> | undefined {
  for (let i = 0; i < frames; i++) {
    const cut = costs.frame(connection, ms, bytes, from + (i * spanMs) / frames);
    if (cut !== undefined) return cut;
  }
  return undefined;
}

describe("connection cost: one connection", () => {
  it("an honest player's frames (20 inputs/s at 0.1 ms, for a minute) are never cut", () => {
    const { costs, open } = setup();
    const player = open("honest");
    expect(feed(costs, player, { frames: 20 * 60, ms: 0.1, spanMs: 60_000 })).toBeUndefined();
    expect(costs.top(60_000).connectionMsPerS).toBeCloseTo(2, 0);
  });

  it("frames costing more than the budget per second are cut for cpu, and the figures say why", () => {
    const { costs, open } = setup();
    const costly = open("costly");
    // 100 frames/s × 2 ms = 200 ms/s against a 50 ms/s budget.
    const cut = feed(costs, costly, { frames: 100, ms: 2 });
    expect(cut).toMatchObject({
      reason: "cpu",
      scope: "connection",
      label: { sessionId: "costly", ip: "203.0.113.1" },
    });
    expect(cut?.subject.name).toBe("costly");
    expect(cut?.cpuMsPerS).toBeGreaterThan(SETTINGS.maxDispatchMsPerS);
    expect(cut?.cpuMsPerS).toBeLessThan(SETTINGS.maxDispatchMsPerS + 2 + 1);
  });

  it("a rate just under the budget is never cut; just over it is", () => {
    const under = setup();
    expect(feed(under.costs, under.open("a"), { frames: 45 * 10, ms: 1, spanMs: 10_000 })).toBeUndefined();
    const over = setup();
    expect(feed(over.costs, over.open("a"), { frames: 60 * 10, ms: 1, spanMs: 10_000 })?.reason).toBe("cpu");
  });

  it("the cost decays: a burst that stopped is forgotten within a few windows", () => {
    const { costs, open } = setup();
    const bursty = open("bursty");
    // 40 ms in a quick burst: under the budget, and it decays.
    expect(feed(costs, bursty, { frames: 40, ms: 1, spanMs: 50 })).toBeUndefined();
    expect(costs.top(50).connectionMsPerS).toBeGreaterThan(35);
    expect(costs.top(50 + 3 * COST_WINDOW_MS).connectionMsPerS).toBeLessThan(40 * Math.exp(-3) + 0.01);
    // Another burst of 40 after the first decayed is again under the budget.
    expect(feed(costs, bursty, { frames: 40, ms: 1, from: 5000, spanMs: 50 })).toBeUndefined();
  });

  it("one frame, however slow (a GC pause inside it), counts at most MAX_FRAME_SHARE of the budget", () => {
    const { costs, open } = setup();
    const unlucky = open("unlucky");
    expect(costs.frame(unlucky, 500, 10, 0)).toBeUndefined();
    expect(costs.top(0).connectionMsPerS).toBeCloseTo(SETTINGS.maxDispatchMsPerS * MAX_FRAME_SHARE);
    // Frames that are all that slow are cut after a few.
    expect(feed(costs, unlucky, { frames: 4, ms: 500, from: 1, spanMs: 4 })?.reason).toBe("cpu");
  });

  it("frames still in flight after a cut are not judged again", () => {
    const { costs, open } = setup();
    const costly = open("costly");
    expect(feed(costs, costly, { frames: 100, ms: 2 })).toBeDefined();
    expect(costs.frame(costly, 100, 10, 1000)).toBeUndefined();
  });
});

describe("connection cost: one address (per-IP sums)", () => {
  it("connections each under the budget but summing over the address' are cut, heaviest first, until under", () => {
    const { costs, open } = setup();
    // 8 connections at 38 ms/s (one at 60) = 326 ms/s against 200 per IP.
    const connections = Array.from({ length: 8 }, (_, i) => open(`c${i}`));
    const cuts: string[] = [];
    for (let step = 0; step < 2000; step++) {
      const now = step * 5;
      connections.forEach((connection, i) => {
        const ms = i === 3 ? 0.3 : 0.19;
        const cut = costs.frame(connection, ms, 10, now);
        if (cut !== undefined) {
          expect(cut).toMatchObject({ reason: "cpu", scope: "ip" });
          expect(cut.ipCpuMsPerS).toBeGreaterThanOrEqual(SETTINGS.maxDispatchMsPerSPerIp);
          cuts.push(cut.subject.name);
        }
      });
    }
    expect(cuts[0]).toBe("c3");
    // Cut until the rest fit (over 10 s): 5 × 38 ms/s = 190 ms/s fit, 6 do not.
    expect(cuts.length).toBe(3);
  });

  it("another address is a separate budget: eight of them at the same cost are never cut", () => {
    const { costs, open } = setup();
    const connections = Array.from({ length: 8 }, (_, i) => open(`c${i}`, `198.51.100.${i}`));
    for (let step = 0; step < 400; step++) {
      for (const connection of connections) expect(costs.frame(connection, 0.2, 10, step * 5)).toBeUndefined();
    }
  });

  it("closing and reopening connections does not reset the address' cost", () => {
    const { costs, open } = setup();
    let cut: Cut<Socket> | undefined;
    // Each connection sends 40 ms worth (under its own 50) and closes; the address adds them up.
    for (let round = 0; round < 10 && cut === undefined; round++) {
      const connection = open(`churn${round}`, "203.0.113.1", round * 100);
      cut = feed(costs, connection, { frames: 40, ms: 1, from: round * 100, spanMs: 100 });
      if (cut === undefined) costs.close(connection);
    }
    expect(cut).toMatchObject({ reason: "cpu", scope: "ip" });
  });

  it("the address counts each frame in full: three connections' 100 ms frames are 300 ms, not 3 × 12.5", () => {
    const { costs, open } = setup();
    const [a, b, c] = [open("a"), open("b"), open("c")];
    expect(costs.frame(a, 100, 10, 0)).toBeUndefined();
    expect(costs.frame(b, 100, 10, 1)).toBeUndefined();
    expect(costs.top(1).ipMsPerS).toBeGreaterThan(199);
    // The third puts the address over 200 ms/s in measured time (capped samples would say 37.5).
    expect(costs.frame(c, 100, 10, 2)).toMatchObject({ reason: "cpu", scope: "ip" });
  });

  it("one connection's pause (a 500 ms dispatch) never puts its address over by itself, even beside busy neighbours", () => {
    const { costs, open } = setup();
    // A NAT of 32 honest players at ~1.6 ms/s each (~50 ms/s together) and one dispatch that absorbed a GC pause.
    const players = Array.from({ length: 32 }, (_, i) => open(`p${i}`));
    for (let step = 0; step < 320; step++) {
      for (const player of players) expect(costs.frame(player, 0.16, 10, step * 31)).toBeUndefined();
    }
    expect(costs.frame(players[7]!, 500, 10, 320 * 31)).toBeUndefined();
    expect(costs.top(320 * 31).ipMsPerS).toBeGreaterThan(SETTINGS.maxDispatchMsPerSPerIp);
    expect(costs.refusesUpgrades("203.0.113.1", 320 * 31)).toBe(false);
  });

  it("an idle neighbour is never cut for what closed connections of its address spent; new upgrades are refused until it decays", () => {
    const { costs, open } = setup();
    const ip = "203.0.113.1";
    // The neighbour: an honest player, 20 frames/s at 0.1 ms (2 ms/s), live all along.
    const neighbour = open("neighbour", ip);
    let now = 0;
    const honestFrame = () => costs.frame(neighbour, 0.1, 10, now);
    // The attacker on short-lived sockets, 100 a second: each spends 4 ms (4 frames of 1 ms) and closes: 400 ms/s
    // for the address, while no live connection of it ever costs more than a tenth of its own budget.
    for (let round = 0; round < 200; round++) {
      const churn = open(`churn${round}`, ip, now);
      for (let i = 0; i < 4; i++) {
        expect(costs.frame(churn, 1, 10, now)).toBeUndefined();
        now += 1;
      }
      costs.close(churn);
      now += 6;
      if (round % 5 === 0) expect(honestFrame()).toBeUndefined();
    }
    expect(costs.top(now).ipMsPerS).toBeGreaterThan(SETTINGS.maxDispatchMsPerSPerIp);
    expect(costs.refusesUpgrades(ip, now)).toBe(true);
    expect(costs.refusesUpgrades("198.51.100.1", now)).toBe(false);
    for (let i = 0; i < 20; i++, now += 50) expect(honestFrame()).toBeUndefined();
    expect(neighbour.cut).toBeUndefined();
    // A few windows later the closed connections' cost has decayed: the address may open connections again.
    expect(costs.refusesUpgrades(ip, now + 3 * COST_WINDOW_MS)).toBe(false);
    expect(SETTINGS.maxDispatchMsPerS * NEGLIGIBLE_SHARE).toBeGreaterThan(2);
  });

  it("frames of closed connections never cut a live neighbour sending few frames; the address is refused instead", () => {
    const { costs, open } = setup();
    const ip = "203.0.113.1";
    const neighbour = open("neighbour", ip);
    let now = 0;
    // Short-lived sockets, each 100 frames in 50 ms (each below a tenth of the address' 1200/s), then closed:
    // 2000 frames/s for the address.
    for (let round = 0; round < 30; round++) {
      const churn = open(`churn${round}`, ip, now);
      for (let i = 0; i < 100; i++) {
        expect(costs.frame(churn, 0.001, 10, now)).toBeUndefined();
        now += 50 / 100;
      }
      costs.close(churn);
      expect(costs.frame(neighbour, 0.001, 10, now)).toBeUndefined();
    }
    expect(neighbour.cut).toBeUndefined();
    expect(costs.refusesUpgrades(ip, now)).toBe(true);
  });

  it("frames summed over an address past maxFramesPerSPerIp cut its busiest connection", () => {
    const { costs, open } = setup();
    const quiet = open("quiet");
    const busy = open("busy");
    let cut: Cut<Socket> | undefined;
    for (let step = 0; step < 1000 && cut === undefined; step++) {
      const now = step;
      cut =
        costs.frame(busy, 0.001, 10, now) ?? costs.frame(busy, 0.001, 10, now) ?? costs.frame(quiet, 0.001, 10, now);
    }
    expect(cut).toMatchObject({ reason: "frames", scope: "ip", subject: { name: "busy" } });
    expect(cut?.ipFramesPerS).toBeGreaterThan(SETTINGS.maxFramesPerSPerIp);
  });

  it("queued bytes summed over an address past maxQueuedBytesPerIp cut the longest queues, until under", () => {
    const { costs, open } = setup();
    const mib = 1024 * 1024;
    const queues = [0.9, 0.9, 0.9, 0.9, 0.95, 0.9];
    const connections = queues.map((q, i) => {
      const connection = open(`q${i}`);
      connection.subject.bufferedAmount = q * mib;
      return connection;
    });
    const elsewhere = open("other", "198.51.100.9");
    elsewhere.subject.bufferedAmount = 0.99 * mib;
    const cuts = costs.sweep(0, 0, (socket) => socket.bufferedAmount);
    // 5.45 MiB over 4 MiB: the 0.95 one, then one 0.9, leaves 3.6 MiB.
    expect(cuts.map((cut) => [cut.reason, cut.subject.name])).toEqual([
      ["queued_bytes", "q4"],
      ["queued_bytes", "q0"],
    ]);
    expect(cuts[0]?.ipQueuedBytes).toBeGreaterThan(SETTINGS.maxQueuedBytesPerIp);
    expect(connections[5]?.cut).toBeUndefined();
    expect(elsewhere.cut).toBeUndefined();
  });
});

describe("connection cost: the process under pressure (loop lag)", () => {
  it("cuts the process' heaviest connection when the loop lags, if it costs over the floor", () => {
    const { costs, open } = setup();
    const honest = open("honest", "198.51.100.1");
    const heavy = open("heavy", "198.51.100.2");
    feed(costs, honest, { frames: 60, ms: 0.1, spanMs: 3000 });
    // 45 ms/s for 3 s: under its own budget, over the loop-lag floor.
    expect(feed(costs, heavy, { frames: 135, ms: 1, spanMs: 3000 })).toBeUndefined();
    expect(costs.sweep(3000, 10, () => 0)).toEqual([]);
    const cuts = costs.sweep(3000, 120, () => 0);
    expect(cuts.map((cut) => [cut.reason, cut.scope, cut.subject.name])).toEqual([["loop_lag", "process", "heavy"]]);
  });

  it("cuts no one when even the heaviest is below the floor: honest load or a pause is not a reason", () => {
    const { costs, open } = setup();
    const players = Array.from({ length: 50 }, (_, i) => open(`p${i}`, `198.51.100.${i}`));
    for (const player of players) feed(costs, player, { frames: 20, ms: 0.3 });
    // One honest dispatch absorbed a 200 ms pause: clamped to one frame's share, under the floor.
    costs.frame(players[0]!, 200, 10, 1000);
    expect(MAX_FRAME_SHARE).toBeLessThan(LOOP_LAG_MIN_SHARE);
    expect(costs.sweep(1000, 500, () => 0)).toEqual([]);
  });

  it("loopLagCutMs 0 turns the loop-lag cut off", () => {
    const { costs, open } = setup({ loopLagCutMs: 0 });
    feed(costs, open("heavy"), { frames: 40, ms: 1 });
    expect(costs.sweep(1000, 10_000, () => 0)).toEqual([]);
  });
});

describe("connection cost: bookkeeping", () => {
  it("forgets an address once it has no connection and its cost has decayed", () => {
    const { costs, open } = setup();
    const connection = open("gone");
    feed(costs, connection, { frames: 20, ms: 1 });
    costs.close(connection);
    costs.sweep(1000, 0, () => 0);
    expect(costs.top(1000).ipMsPerS).toBeGreaterThan(0);
    costs.sweep(30_000, 0, () => 0);
    expect(costs.top(30_000).ipMsPerS).toBe(0);
    expect(costs.connections).toBe(0);
  });
});
