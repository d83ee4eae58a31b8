import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PlayerSnapshot } from "../../server/http/debug.ts";
import type { WorldRoom } from "../../server/rooms/WorldRoom.ts";
import { joinArena, type ArenaPlayer } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer({ debugEndpoints: true, world: { size: 2000, viewRadius: 200, viewMargin: 50 } });
});
afterEach(async () => {
  await ts.colyseus.cleanup();
});
afterAll(async () => {
  await ts.close();
});

async function debugPlayers(roomId: string, who: ArenaPlayer): Promise<string[]> {
  const response = await fetch(`${ts.httpUrl}/debug/rooms/${roomId}/clients/${who.room.sessionId}`);
  expect(response.status).toBe(200);
  const { players } = (await response.json()) as { players: Record<string, PlayerSnapshot> };
  return Object.keys(players).sort();
}

const decoded = (who: ArenaPlayer) => [...who.room.state.players.keys()].sort();

describe("world visibility: state, chat and the debug snapshot follow one rule", () => {
  it("a far-away player is in none of them, a near one in all of them", async () => {
    const server = await ts.colyseus.createRoom<WorldRoom>("world", {});
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    const carol = await joinArena(ts, server.roomId, { name: "Carol" });
    const places: Array<[ArenaPlayer, { x: number; y: number }]> = [
      [alice, { x: 200, y: 200 }],
      [bob, { x: 300, y: 200 }],
      [carol, { x: 1800, y: 1800 }],
    ];
    for (const [who, place] of places) Object.assign(server.state.players.get(who.room.sessionId) ?? {}, place);
    await server.waitForNextTimestep();
    // Patches and steps run on separate timers: the second patch from now left after the step.
    for (let i = 0; i < 2; i++) await Promise.all([alice, bob, carol].map((p) => p.room.waitForNextPatch()));

    const near = [alice.room.sessionId, bob.room.sessionId].sort();
    const far = [carol.room.sessionId];
    for (const [who, sees] of [
      [alice, near],
      [bob, near],
      [carol, far],
    ] as const) {
      expect(decoded(who)).toEqual(sees);
      expect(await debugPlayers(server.roomId, who)).toEqual(sees);
    }

    carol.room.send("chat", { text: "far" });
    bob.room.send("chat", { text: "near" });
    await carol.inbox.waitFor("chat", (l) => l.text === "far");
    await alice.inbox.waitFor("chat", (l) => l.text === "near");
    alice.room.send("chat:since", { afterId: 0 });
    expect((await alice.inbox.waitFor("chat:since")).lines.map((l) => l.text)).toEqual(["near"]);
    carol.room.send("chat:since", { afterId: 0 });
    expect((await carol.inbox.waitFor("chat:since")).lines.map((l) => l.text)).toEqual(["far"]);
    expect(alice.inbox.all("chat").map((l) => l.text)).toEqual(["near"]);
  });
});
