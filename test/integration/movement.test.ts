import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { MAX_STEP_DISTANCE, MoveInput, POSITION_SCALE } from "../../shared/index.ts";
import { joinArena, untilPatched } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const INPUT_BUFFER = 8;
let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer({ arena: { spawnSeed: 1234, inputBufferSize: INPUT_BUFFER } });
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

/** Record the server-side position of `player` after each of the next `ticks` fixed steps. */
async function trackTicks(server: ArenaRoom, player: { x: number; y: number }, ticks: number, beforeTick?: () => void) {
  const positions = [{ x: player.x, y: player.y }];
  for (let i = 0; i < ticks; i++) {
    beforeTick?.();
    await server.waitForNextTimestep();
    positions.push({ x: player.x, y: player.y });
  }
  return positions;
}

function steps(positions: Array<{ x: number; y: number }>): number[] {
  return positions.slice(1).map((p, i) => Math.hypot(p.x - positions[i]!.x, p.y - positions[i]!.y));
}

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
    const positions = await trackTicks(server, player, 8, () => input.send());
    const moved = steps(positions);
    expect(Math.max(...moved)).toBeLessThanOrEqual(MAX_STEP_DISTANCE);
    expect(moved.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it("100 inputs in one tick buy no extra speed: one is consumed per tick, the buffer is bounded", async () => {
    const { server, alice, player } = await arenaWithTwo();
    const start = { x: player.x, y: player.y };
    const input = alice.room.input({ type: MoveInput });
    input.data.dx = player.x > 800 ? -1 : 1;
    input.data.dy = player.y > 450 ? -1 : 1;
    for (let i = 0; i < 100; i++) input.send();

    const positions = [start];
    const accessor = server.inputs.get(alice.room.sessionId);
    // Follow the server tick by tick until the buffer is empty and a tick passes without movement.
    for (let tick = 0; tick < 200; tick++) {
      await server.waitForNextTimestep();
      positions.push({ x: player.x, y: player.y });
      const last = positions.at(-1)!;
      const previous = positions.at(-2)!;
      if (accessor.size === 0 && last.x === previous.x && last.y === previous.y) break;
    }
    const moved = steps(positions);
    expect(Math.max(...moved)).toBeLessThanOrEqual(MAX_STEP_DISTANCE);
    const total = Math.hypot(player.x - start.x, player.y - start.y);
    expect(total).toBeGreaterThan(0);
    // At most INPUT_BUFFER inputs survive a burst, so at most that many ticks of movement.
    expect(total).toBeLessThanOrEqual(INPUT_BUFFER * MAX_STEP_DISTANCE);
    expect(moved.filter((d) => d > 0).length).toBeLessThanOrEqual(INPUT_BUFFER);
  });
});
