import { performance } from "node:perf_hooks";
import { afterEach, expect } from "vitest";
import { WireClient } from "../../colyseus/wireClient.ts";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import type { PlayClient } from "../../server/rooms/PlayClient.ts";
import type { WorldRoom } from "../../server/rooms/WorldRoom.ts";
import { TickwireCloseCode, type ServerMessages } from "../../shared/index.ts";
import { until } from "../helpers/until.ts";
import { attackerIp, fromIp, hostileCase, mintToken, useHostileArena, type HostileArena } from "./harness.ts";

/**
 * Connections that cost too much to serve (server/net/connectionCost.ts,
 * applied by colyseus/costCutter.ts), at the documented defaults
 * (MAX_DISPATCH_MS_PER_S 50, MAX_IP_DISPATCH_MS_PER_S 200).
 *
 * How a frame is made expensive here: room B's chat handler is replaced, from
 * this process, by one that burns the CPU for a few ms (as room-faults.test.ts
 * injects faults: no network client can reach such a hook). That stands for
 * whatever makes a legitimate-looking frame slow to dispatch (a decoder's slow
 * path, a heavy handler), which is the point of a meter: it judges the
 * measured cost, not a frame's shape. The attackers send well within
 * MAX_MESSAGES_PER_S (120/s). The honest players are in room A, untouched;
 * each case ends by checking they are still served.
 */
// 16 connections of one IP share room B: the per-IP seat cap (8 per room,
// seats.test.ts) is lifted so the IP's cost budget is what is measured. The world is the smallest allowed
// (64 units, view radius 400): everyone in it is in everyone's view.
const get = useHostileArena({ arena: { maxSeatsPerIp: 64 }, world: { size: 64 } });
let roomB: ArenaRoom | WorldRoom | undefined;
const attackers: Array<WireClient<ServerMessages>> = [];
const timers: NodeJS.Timeout[] = [];

afterEach(async () => {
  for (const timer of timers.splice(0)) clearInterval(timer);
  for (const attacker of attackers.splice(0)) attacker.close();
  await roomB?.disconnect();
  roomB = undefined;
});

function burn(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Room B, whose chat handler spends `burnMs` of CPU per line. */
async function costlyRoom(arena: HostileArena, burnMs: number): Promise<ArenaRoom> {
  roomB = await arena.ts.colyseus.createRoom<ArenaRoom>("arena", {});
  const chat = (roomB as unknown as { chat: { receive(client: unknown, text: string): void } }).chat;
  chat.receive = () => {
    const end = performance.now() + burnMs;
    while (performance.now() < end);
  };
  return roomB;
}

async function attacker(
  arena: HostileArena,
  room: ArenaRoom | WorldRoom,
  ip: string,
): Promise<WireClient<ServerMessages>> {
  const client = await WireClient.join<ServerMessages>(arena.ts, room.roomId, await mintToken(), fromIp(ip));
  attackers.push(client);
  return client;
}

/**
 * Each client sends `linesOf(client)` chat lines every `periodMs`, spread
 * evenly over the period (round-robin, one line per step), until the case
 * ends: a steady cost, not one burst per period.
 */
function chatter(
  clients: Array<WireClient<ServerMessages>>,
  periodMs: number,
  linesOf: (index: number) => number,
): void {
  const schedule = clients.flatMap((client, index) => Array.from({ length: linesOf(index) }, () => client));
  let step = 0;
  timers.push(
    setInterval(() => {
      const client = schedule[step++ % schedule.length];
      if (client?.isOpen === true) client.sendMessage("chat", { text: `costly ${step}` });
    }, periodMs / schedule.length),
  );
}

function cutLines(arena: HostileArena, ip: string) {
  return arena.logs.filter((line) => line.msg === "connection cut: too costly" && line.ip === ip);
}

async function cutsCounted(arena: HostileArena, reason: string): Promise<number> {
  const { values } = await arena.ts.app.metrics.connectionsCut.get();
  return values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

hostileCase(
  get,
  "one connection whose chat lines cost 4 ms each to dispatch, 40 lines/s (160 ms/s, within MAX_MESSAGES_PER_S)",
  "closed 4413 'too costly: cpu'; one warn line naming cpu, its session, room and IP; counted; room A untouched",
  async (arena) => {
    const room = await costlyRoom(arena, 4);
    const ip = attackerIp();
    const mallory = await attacker(arena, room, ip);
    const cpuCutsBefore = await cutsCounted(arena, "cpu");
    chatter([mallory], 50, () => 2);

    await until(() => !mallory.isOpen, 5000, "the costly connection closed");
    const closed = await mallory.closed;
    expect(closed).toEqual({ code: TickwireCloseCode.TooCostly, reason: "too costly: cpu" });
    const [line, ...more] = cutLines(arena, ip);
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 40,
      reason: "cpu",
      scope: "connection",
      roomId: room.roomId,
      sessionId: mallory.seat?.sessionId,
    });
    expect(line?.cpuMsPerS).toBeGreaterThan(arena.net.cost.maxDispatchMsPerS);
    // Tokens never reach a log line (the query that carries them is not read).
    expect(mallory.reconnectionToken).not.toBe("");
    expect(JSON.stringify(line)).not.toContain(mallory.reconnectionToken);
    expect(await cutsCounted(arena, "cpu")).toBe(cpuCutsBefore + 1);
    // Final: no reconnection seat is held for it.
    await until(() => !room.clients.some((client) => client.sessionId === mallory.seat?.sessionId), 5000, "seat freed");
    // The honest players (another room, another IP) were never judged too costly.
    expect(arena.logs.filter((l) => l.msg === "connection cut: too costly" && l.ip !== ip)).toEqual([]);
  },
);

hostileCase(
  get,
  "16 connections from one IP, each under its own budget (4 lines/s × 4 ms = 16 ms/s; one at 32 ms/s), 272 ms/s together",
  "the IP's heaviest is cut with 4413 (with others, heaviest first, until the rest fit MAX_IP_DISPATCH_MS_PER_S); others stay",
  async (arena) => {
    const room = await costlyRoom(arena, 4);
    const ip = attackerIp();
    const crowd: Array<WireClient<ServerMessages>> = [];
    for (let i = 0; i < 16; i++) crowd.push(await attacker(arena, room, ip));
    chatter(crowd, 250, (index) => (index === 0 ? 2 : 1));

    await until(() => cutLines(arena, ip).length > 0, 10_000, "a cut");
    const [first] = cutLines(arena, ip);
    expect(first).toMatchObject({ reason: "cpu", scope: "ip" });
    expect(first?.ipCpuMsPerS).toBeGreaterThanOrEqual(arena.net.cost.maxDispatchMsPerSPerIp);
    expect(first?.cpuMsPerS).toBeLessThan(arena.net.cost.maxDispatchMsPerS);
    // The policy cuts the heaviest first (unit-tested with exact figures). Measured here, a light connection's
    // line that a loaded machine preempted mid-dispatch can weigh more for a moment (seen in CI once), so this
    // asks only that the heaviest is among those cut, not that it went first.
    await until(() => !crowd[0]!.isOpen, 10_000, "the heaviest connection cut");
    expect(await crowd[0]!.closed).toEqual({ code: TickwireCloseCode.TooCostly, reason: "too costly: cpu" });
    expect(cutLines(arena, ip).some((cut) => cut.sessionId === crowd[0]!.seat?.sessionId)).toBe(true);
    // A second of the attack later (20 ticks of room B): only as many were cut as the budget needs. 12 × 16 ms/s
    // = 192 ms/s fit in 200; 10 stay even if each line measured 25% dearer than it burns (a loaded machine).
    for (let tick = 0; tick < 20; tick++) await room.waitForNextTimestep();
    expect(crowd.filter((client) => client.isOpen).length).toBeGreaterThanOrEqual(10);
    for (const cut of cutLines(arena, ip)) expect(cut).toMatchObject({ reason: "cpu", scope: "ip" });
  },
);

hostileCase(
  get,
  "a world room of 12 players bunched in one view, each recipient's send made to cost 1 ms (the fan-out of a line " +
    "heard by ~700 players at ~16 µs each); one honest player chats a 5-line burst (CHAT_RATE_BURST)",
  "every line reaches all 12; nobody is cut: the fan-out is not the sender's cost (its lines stay far below budget)",
  async (arena) => {
    const world = await arena.ts.colyseus.createRoom<WorldRoom>("world", {});
    roomB = world;
    const players: Array<WireClient<ServerMessages>> = [];
    const ips = Array.from({ length: 12 }, () => attackerIp());
    for (const ip of ips) players.push(await attacker(arena, world, ip));
    // Views are updated in the step: after a few, everyone sees everyone (a line's audience is the sender's view).
    for (let tick = 0; tick < 3; tick++) await world.waitForNextTimestep();
    for (const client of world.clients as PlayClient[]) {
      const enqueueRaw = client.enqueueRaw.bind(client);
      client.enqueueRaw = (data, options) => {
        burn(1);
        enqueueRaw(data, options);
      };
    }
    const sender = players[0]!;
    for (let line = 0; line < 5; line++) sender.sendMessage("chat", { text: `hello ${line}` });
    for (const player of players) {
      await until(() => player.all("chat").filter((l) => l.text.startsWith("hello")).length === 5, 10_000, "5 lines");
    }
    const { connectionMsPerS } = arena.ts.app.transport.costs.costs.top(performance.now());
    // The whole burst's fan-out is 5 × 12 × 1 ms = 60 ms; charged to the sender it was over the 50 ms/s budget.
    expect(connectionMsPerS).toBeLessThan(arena.net.cost.maxDispatchMsPerS / 2);
    for (let tick = 0; tick < 10; tick++) await world.waitForNextTimestep();
    expect(ips.flatMap((ip) => cutLines(arena, ip))).toEqual([]);
    expect(players.every((player) => player.isOpen)).toBe(true);
  },
);

hostileCase(
  get,
  "16 players behind one NAT drop at once and all reconnect together while the event loop lags, each JOIN_ROOM " +
    "acknowledgement costing 20 ms (the full state and held messages on a loaded machine; 320 ms together)",
  "all 16 are back and stay: the acknowledgement is not charged, no cut for cpu or loop_lag",
  async (arena) => {
    const room = await arena.ts.colyseus.createRoom<ArenaRoom>("arena", {});
    roomB = room;
    const ip = attackerIp();
    const crowd: Array<WireClient<ServerMessages>> = [];
    for (let i = 0; i < 16; i++) crowd.push(await attacker(arena, room, ip));
    // Core's (private) sendFullState is what the JOIN_ROOM acknowledgement runs (Room#_onMessage).
    const internals = room as unknown as { sendFullState(client: unknown): void };
    const sendFullState = internals.sendFullState.bind(room);
    internals.sendFullState = (client) => {
      burn(20);
      sendFullState(client);
    };
    for (const client of crowd) client.cut();
    await until(() => room.clients.length === 0, 5000, "all dropped");
    // The loop lags (over LOOP_LAG_CUT_MS) as the reconnections arrive.
    burn(2 * arena.net.cost.loopLagCutMs);
    const back = await Promise.all(
      crowd.map((client) => WireClient.reconnect<ServerMessages>(arena.ts, client, fromIp(ip))),
    );
    attackers.push(...back);
    // Two cost sweeps (500 ms each) at 20 ticks a second.
    for (let tick = 0; tick < 25; tick++) await room.waitForNextTimestep();
    expect(cutLines(arena, ip)).toEqual([]);
    expect(back.every((client) => client.isOpen)).toBe(true);
    expect(room.clients.length).toBe(16);
  },
  20_000,
);
