import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Protocol } from "@colyseus/core";
import { protocolCodeOf } from "../../colyseus/protocol.ts";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { MAX_STEP_DISTANCE, MoveInput, POSITION_SCALE } from "../../shared/index.ts";
import { joinArena, untilPatched } from "../helpers/clients.ts";
import { until } from "../helpers/until.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const INPUT_BUFFER = 8;
let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer({
    arena: { spawnSeed: 1234, inputBufferSize: INPUT_BUFFER },
    // The burst test may send its 100 frames several times within a second
    // (it resends when a loaded machine splits a burst across ticks); the
    // per-connection rate limit (120/s by default) would drop the resend, and
    // the frames would never be counted. That limit has its own tests.
    net: { maxMessagesPerSecond: 10_000 },
  });
});
afterEach(async () => {
  await ts.colyseus.cleanup();
});
afterAll(async () => {
  await ts.close();
});

async function arenaWithTwo() {
  const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
  const alice = await joinArena(ts, server.roomId, { name: "Alice" });
  const bob = await joinArena(ts, server.roomId, { name: "Bob" });
  const player = server.state.players.get(alice.room.sessionId);
  if (player === undefined) throw new Error("Alice has no player");
  return { server, alice, bob, player };
}

interface Observation {
  x: number;
  y: number;
  /** Fixed steps simulated so far: a busy loop may run several between two observations. */
  step: number;
}

const observe = (server: ArenaRoom, player: { x: number; y: number }): Observation => ({
  x: player.x,
  y: player.y,
  step: server.simulatedSteps,
});

/** Record the server-side position of `player` after each of the next `frames` timestep frames. */
async function trackFrames(server: ArenaRoom, player: { x: number; y: number }, frames: number, before?: () => void) {
  const observations = [observe(server, player)];
  for (let i = 0; i < frames; i++) {
    before?.();
    await server.waitForNextTimestep();
    observations.push(observe(server, player));
  }
  return observations;
}

/** Distance moved per fixed step between consecutive observations (each ≤ the cap if the server is honest). */
function perStep(observations: Observation[]): number[] {
  return observations.slice(1).map((o, i) => {
    const prev = observations[i]!;
    const steps = o.step - prev.step;
    const distance = Math.hypot(o.x - prev.x, o.y - prev.y);
    return steps === 0 ? (distance === 0 ? 0 : Number.POSITIVE_INFINITY) : distance / steps;
  });
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe("movement", () => {
  it("spawns players on the position grid from the room's PRNG", async () => {
    const { server, alice, bob } = await arenaWithTwo();
    for (const p of server.state.players.values()) {
      expect(Number.isInteger(p.x * POSITION_SCALE) && Number.isInteger(p.y * POSITION_SCALE)).toBe(true);
    }
    // The client decodes exactly what the server holds.
    const fromBob = bob.room.state.players.get(alice.room.sessionId);
    const onServer = server.state.players.get(alice.room.sessionId);
    expect({ x: fromBob?.x, y: fromBob?.y }).toEqual({ x: onServer?.x, y: onServer?.y });
  });

  it("a move by one client reaches the other after the next patch", async () => {
    const { alice, bob } = await arenaWithTwo();
    const seen = () => bob.room.state.players.get(alice.room.sessionId);
    const startX = seen()?.x ?? Number.NaN;
    const input = alice.room.input({ type: MoveInput });
    const direction = startX > 800 ? -1 : 1;
    input.data.dx = direction;
    input.data.dy = 0;
    for (let i = 0; i < 3; i++) input.send();
    await untilPatched(bob.room, () => seen()?.x === startX + direction * 3 * MAX_STEP_DISTANCE);
    expect(seen()?.x).toBe(startX + direction * 3 * MAX_STEP_DISTANCE);
  });

  it("a hostile direction (dx: 1000) moves no faster than the cap", async () => {
    const { server, alice, player } = await arenaWithTwo();
    const input = alice.room.input({ type: MoveInput });
    input.data.dx = player.x > 800 ? -1000 : 1000;
    input.data.dy = 1000;
    const observations = await trackFrames(server, player, 8, () => input.send());
    expect(Math.max(...perStep(observations))).toBeLessThanOrEqual(MAX_STEP_DISTANCE);
    expect(sum(perStep(observations))).toBeGreaterThan(0);
  });

  it("100 inputs in one tick buy no extra speed: one is consumed per tick, the buffer is bounded", async () => {
    const { server, alice, player } = await arenaWithTwo();
    const input = alice.room.input({ type: MoveInput });
    const accessor = server.inputs.get(alice.room.sessionId);
    // The burst must reach the server within one tick: on a loaded machine its
    // frames can arrive in several reads with a step between them, and each
    // such step rightly consumes one more. Count the input frames as the
    // server receives them, and send the burst again (after the buffer
    // drained) until no step ran while it arrived.
    const serverSide = server.clients.find((client) => client.sessionId === alice.room.sessionId);
    if (serverSide === undefined) throw new Error("alice has no server-side client");
    let arrived = 0;
    let stepAtFirst = 0;
    let stepAtLast = 0;
    serverSide.ref.on("message", (data: Buffer) => {
      if (protocolCodeOf(data) !== Protocol.ROOM_INPUT_RELIABLE) return;
      arrived++;
      if (arrived === 1) stepAtFirst = server.simulatedSteps;
      stepAtLast = server.simulatedSteps;
    });
    // Position and step count read together, before the burst is sent.
    let start: { x: number; y: number; step: number };
    for (;;) {
      start = { x: player.x, y: player.y, step: server.simulatedSteps };
      arrived = 0;
      input.data.dx = player.x > 800 ? -1 : 1;
      input.data.dy = player.y > 450 ? -1 : 1;
      for (let i = 0; i < 100; i++) input.send();
      await until(() => arrived === 100, 10_000, "the burst's 100 input frames");
      if (stepAtFirst === stepAtLast) break;
      await until(() => accessor.size === 0, 10_000, "the split burst to drain");
      await server.waitForNextTimestep();
    }

    const observations = [start];
    const consumedBefore = accessor.consumedCount;
    // Follow the server frame by frame until a step has consumed the burst (on
    // a loaded machine the frames may arrive several steps after the sends),
    // the buffer is empty and a frame passes without movement. Bounded by the
    // test timeout, not by a count of frames.
    for (;;) {
      await server.waitForNextTimestep();
      observations.push(observe(server, player));
      const last = observations.at(-1)!;
      const previous = observations.at(-2)!;
      const consumed = accessor.consumedCount > consumedBefore;
      if (consumed && accessor.size === 0 && last.x === previous.x && last.y === previous.y) break;
    }
    expect(Math.max(...perStep(observations))).toBeLessThanOrEqual(MAX_STEP_DISTANCE);
    const total = Math.hypot(player.x - start.x, player.y - start.y);
    expect(total).toBeGreaterThan(0);
    // At most INPUT_BUFFER inputs survive a burst, so at most that many steps of movement.
    expect(total).toBeLessThanOrEqual(INPUT_BUFFER * MAX_STEP_DISTANCE);
  });
});
