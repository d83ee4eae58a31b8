import { Protocol } from "@colyseus/core";
import { Client, ErrorCode, MatchMakeError } from "@colyseus/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { WorldRoom } from "../../server/rooms/WorldRoom.ts";
import type { TickwireServer } from "../../server/app.ts";
import { MAX_STEP_DISTANCE, MoveInput, type RoomListing } from "../../shared/index.ts";
import { joinArena, recordFrames, untilPatched, type ArenaPlayer, type ReceivedFrame } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const VIEW_RADIUS = 200;
const VIEW_MARGIN = 50;
let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer({ world: { size: 2000, viewRadius: VIEW_RADIUS, viewMargin: VIEW_MARGIN } });
});
afterEach(async () => {
  await ts.colyseus.cleanup();
});
afterAll(async () => {
  await ts.close();
});

interface Placed {
  server: WorldRoom;
  alice: ArenaPlayer;
  bob: ArenaPlayer;
}

/** Alice and Bob in a fresh world room, placed where the test wants them, views settled. */
async function placed(alicePos: { x: number; y: number }, bobPos: { x: number; y: number }): Promise<Placed> {
  const server = await ts.colyseus.createRoom<WorldRoom>("world", {});
  const alice = await joinArena(ts, server.roomId, { name: "Alice" });
  const bob = await joinArena(ts, server.roomId, { name: "Bob" });
  Object.assign(serverPlayer(server, alice), alicePos);
  Object.assign(serverPlayer(server, bob), bobPos);
  await server.waitForNextTimestep();
  await settled(alice, bob);
  return { server, alice, bob };
}

/**
 * Wait until every client holds what the server held when this was called.
 * Patches and steps run on separate timers, so the first patch to arrive may
 * have left before the last step: the second one is after it.
 */
async function settled(...players: ArenaPlayer[]): Promise<void> {
  for (let i = 0; i < 2; i++) await Promise.all(players.map((p) => p.room.waitForNextPatch()));
}

function serverPlayer(server: WorldRoom, who: ArenaPlayer) {
  const player = server.state.players.get(who.room.sessionId);
  if (player === undefined) throw new Error("player missing on the server");
  return player;
}

/**
 * Walk `count` steps in direction (dx, dy), one input per server tick as a
 * real client sends them (a burst beyond the input buffer would be dropped),
 * calling `afterStep` after each tick. Resolves once all were simulated.
 */
async function walk(
  server: WorldRoom,
  who: ArenaPlayer,
  dx: number,
  dy: number,
  count: number,
  afterStep: () => void = () => undefined,
): Promise<void> {
  const accessor = server.inputs.get(who.room.sessionId);
  const target = accessor.consumedCount + count;
  const input = who.room.input({ type: MoveInput });
  input.data.dx = dx;
  input.data.dy = dy;
  for (let i = 0; i < count; i++) {
    input.send();
    await server.waitForNextTimestep();
    afterStep();
  }
  for (let i = 0; i < 20 && accessor.consumedCount < target; i++) await server.waitForNextTimestep();
  expect(accessor.consumedCount).toBe(target);
}

const patches = (frames: ReceivedFrame[]) => frames.filter((f) => f.code === Protocol.ROOM_STATE_PATCH);
const patchBodyBytes = (frames: ReceivedFrame[]) => patches(frames).reduce((sum, f) => sum + f.body.length, 0);

describe("world area of interest", () => {
  it("never sends a far-away player's moves to a client: its patches carry no bytes about them", async () => {
    const { server, alice, bob } = await placed({ x: 200, y: 200 }, { x: 1600, y: 1600 });
    expect(alice.room.state.players.has(bob.room.sessionId)).toBe(false);
    expect(alice.room.state.players.has(alice.room.sessionId)).toBe(true);

    const toAlice = recordFrames(alice.room);
    const toBob = recordFrames(bob.room);
    await walk(server, bob, -1, 0, 10);
    await settled(alice, bob);

    expect(serverPlayer(server, bob).x).toBe(1600 - 10 * MAX_STEP_DISTANCE);
    // Bob's own client received his moves (the control: movement did produce bytes)...
    expect(patchBodyBytes(toBob)).toBeGreaterThan(0);
    // ...while every patch Alice got was an empty heartbeat: header only, no schema body.
    expect(patches(toAlice).length).toBeGreaterThan(0);
    expect(patchBodyBytes(toAlice)).toBe(0);
    expect(alice.room.state.players.has(bob.room.sessionId)).toBe(false);
  });

  it("adds a player who walks into range, with their current position", async () => {
    const { server, alice, bob } = await placed({ x: 200, y: 200 }, { x: 600, y: 200 });
    expect(alice.room.state.players.has(bob.room.sessionId)).toBe(false);

    // 40 steps of 10 units west: Bob crosses the 200 enter radius at step 20 and ends on Alice.
    let firstX: number | undefined;
    await walk(server, bob, -1, 0, 40, () => {
      firstX ??= alice.room.state.players.get(bob.room.sessionId)?.x;
    });
    // Bob appeared while still walking, where he was then: inside the enter radius, not at x = 600.
    expect(firstX).toBeDefined();
    expect((firstX ?? Number.NaN) - 200).toBeLessThanOrEqual(VIEW_RADIUS);
    expect(firstX).toBeGreaterThan(200);

    await settled(alice);
    const seen = alice.room.state.players.get(bob.room.sessionId);
    const truth = serverPlayer(server, bob);
    expect({ name: seen?.name, x: seen?.x, y: seen?.y, hue: seen?.hue }).toEqual({
      name: "Bob",
      x: truth.x,
      y: truth.y,
      hue: truth.hue,
    });
    expect(truth.x).toBe(200);
  });

  it("removes a player who walks out of range, and sends nothing about them afterwards", async () => {
    const { server, alice, bob } = await placed({ x: 200, y: 200 }, { x: 300, y: 200 });
    expect(alice.room.state.players.has(bob.room.sessionId)).toBe(true);

    // 30 steps east: x = 600, 400 from Alice (beyond the 250 leave radius).
    await walk(server, bob, 1, 0, 30);
    await untilPatched(alice.room, () => !alice.room.state.players.has(bob.room.sessionId));

    const toAlice = recordFrames(alice.room);
    await walk(server, bob, 0, 1, 5);
    await settled(alice);
    expect(patchBodyBytes(toAlice)).toBe(0);
    expect(alice.room.state.players.has(bob.room.sessionId)).toBe(false);
  });

  it("keeps a player between the enter and leave radius in view (hysteresis)", async () => {
    const { server, alice, bob } = await placed({ x: 200, y: 200 }, { x: 350, y: 200 });
    expect(alice.room.state.players.has(bob.room.sessionId)).toBe(true);

    // 9 steps east: x = 440, 240 from Alice, past the enter radius but inside the leave radius.
    await walk(server, bob, 1, 0, 9);
    await settled(alice);
    expect(serverPlayer(server, bob).x).toBe(440);
    expect(alice.room.state.players.get(bob.room.sessionId)?.x).toBe(440);
  });

  it("delivers chat locally: to players in the sender's view, not to far-away ones", async () => {
    const { server, alice, bob } = await placed({ x: 200, y: 200 }, { x: 300, y: 200 });
    const carol = await joinArena(ts, server.roomId, { name: "Carol" });
    Object.assign(serverPlayer(server, carol), { x: 1800, y: 1800 });
    await server.waitForNextTimestep();
    alice.room.send("chat", { text: "near" });
    carol.room.send("chat", { text: "far" });
    expect((await bob.inbox.waitFor("chat", (l) => l.text === "near")).name).toBe("Alice");
    await carol.inbox.waitFor("chat", (l) => l.text === "far");
    // Barrier: a later line from Alice reached Bob, so "far" would have too.
    alice.room.send("chat", { text: "after" });
    await bob.inbox.waitFor("chat", (l) => l.text === "after");
    expect(bob.inbox.all("chat").map((l) => l.text)).toEqual(["near", "after"]);
    expect(carol.inbox.all("chat").map((l) => l.text)).toEqual(["far"]);
    expect(await carol.inbox.waitFor("chat:history")).toEqual([]);
    // Replay (after a reconnect) and history follow the same audience: never a far-away line.
    bob.room.send("chat:since", { afterId: 0 });
    expect((await bob.inbox.waitFor("chat:since")).lines.map((l) => l.text)).toEqual(["near", "after"]);
    carol.room.send("chat:since", { afterId: 0 });
    expect((await carol.inbox.waitFor("chat:since")).lines.map((l) => l.text)).toEqual(["far"]);
    const dave = await joinArena(ts, server.roomId, { name: "Dave" });
    expect(await dave.inbox.waitFor("chat:history")).toEqual([]);
  });

  it("refuses a join without a token, as the arena does", async () => {
    const server = await ts.colyseus.createRoom<WorldRoom>("world", {});
    const client = new Client<TickwireServer>(`ws://127.0.0.1:${ts.port}`);
    const refused = await client.joinById(server.roomId, {}).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(MatchMakeError);
    expect((refused as MatchMakeError).code).toBe(ErrorCode.AUTH_FAILED);
  });

  it("tells the client the map size and the view radius (the browser's minimap draws it)", async () => {
    const server = await ts.colyseus.createRoom<WorldRoom>("world", {});
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const state = alice.room.state as unknown as { width: number; height: number; viewRadius: number };
    expect({ width: state.width, height: state.height, viewRadius: state.viewRadius }).toEqual({
      width: 2000,
      height: 2000,
      viewRadius: VIEW_RADIUS,
    });
  });

  it("GET /rooms lists world rooms beside arenas, each with its kind; GET /rooms/:id answers for a world room", async () => {
    const world = await ts.colyseus.createRoom<WorldRoom>("world", {});
    const arena = await ts.colyseus.createRoom("arena", {});
    await joinArena(ts, world.roomId, { name: "Alice" });
    const listing = (await (await fetch(`${ts.httpUrl}/rooms`)).json()) as RoomListing[];
    expect(listing.map(({ roomId, kind, clients }) => ({ roomId, kind, clients }))).toEqual([
      { roomId: world.roomId, kind: "world", clients: 1 },
      { roomId: arena.roomId, kind: "arena", clients: 0 },
    ]);
    // A world player whose connection drops asks this; a 404 would end a session the SDK could reconnect.
    const one = await fetch(`${ts.httpUrl}/rooms/${world.roomId}`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as RoomListing).kind).toBe("world");
    expect((await fetch(`${ts.httpUrl}/rooms/nosuchroom`)).status).toBe(404);
  });
});
