import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Health } from "../../server/http/health.ts";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { TickwireCloseCode } from "../../shared/index.ts";
import { closed, guestClient, joinArena, untilPatched } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer({ arena: { spawnSeed: 99 } });
});
afterEach(async () => {
  await ts.colyseus.cleanup();
});
afterAll(async () => {
  await ts.close();
});

describe("joining and leaving", () => {
  it("keys players by sessionId with sanitised or generated names", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const named = await joinArena(ts, server.roomId, { name: "\u202EDave\u202C" });
    const anonymous = await joinArena(ts, server.roomId, {});
    const blank = await joinArena(ts, server.roomId, { name: "\u200B \u3164" });
    const players = server.state.players;
    expect(players.get(named.room.sessionId)?.name).toBe("Dave");
    expect(players.get(anonymous.room.sessionId)?.name).toMatch(/^Player-[0-9A-F]{4}$/);
    expect(players.get(blank.room.sessionId)?.name).toMatch(/^Player-[0-9A-F]{4}$/);
  });

  it("removes a player from state when they leave", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    expect(bob.room.state.players.has(alice.room.sessionId)).toBe(true);
    await alice.room.leave();
    await untilPatched(bob.room, () => !bob.room.state.players.has(alice.room.sessionId));
    expect(server.state.players.has(alice.room.sessionId)).toBe(false);
    expect(bob.room.state.players.size).toBe(1);
  });

  it("puts the 65th client in a second room", async () => {
    const rooms = [];
    for (let i = 0; i < 65; i++) {
      const { client } = await guestClient(ts, `p${i}`);
      const room = await client.joinOrCreate("arena", {});
      room.onMessage("chat:history", () => undefined);
      rooms.push(room);
    }
    const byRoom = new Map<string, number>();
    for (const r of rooms) byRoom.set(r.roomId, (byRoom.get(r.roomId) ?? 0) + 1);
    expect([...byRoom.values()].sort((a, b) => b - a)).toEqual([64, 1]);
    expect(rooms[64]?.roomId).not.toBe(rooms[0]?.roomId);
  });

  it("closes only the sender of an unknown message type, even with a 150-character name", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const mallory = await joinArena(ts, server.roomId, { name: "Mallory" });
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    const code = closed(mallory.room);
    // Not a declared message: the typed client would refuse it without the cast.
    mallory.room.send("x".repeat(150) as never);
    expect(await code).toBe(TickwireCloseCode.UnknownMessage);
    await untilPatched(bob.room, () => !bob.room.state.players.has(mallory.room.sessionId));
    bob.room.send("chat", { text: "still up" });
    expect((await bob.inbox.waitFor("chat")).text).toBe("still up");
  });
});

describe("GET /health", () => {
  it("reports status, rooms, clients and uptime", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    await joinArena(ts, server.roomId, { name: "A" });
    await joinArena(ts, server.roomId, { name: "B" });
    const response = await fetch(`${ts.httpUrl}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Health;
    expect(Object.keys(body).sort()).toEqual(["clients", "rooms", "status", "uptimeS"]);
    expect(body).toMatchObject({ status: "ok", rooms: 1, clients: 2 });
    expect(body.uptimeS).toBeGreaterThanOrEqual(0);
  });
});
