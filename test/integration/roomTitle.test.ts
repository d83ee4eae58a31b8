import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RoomName, ROOM_TITLE_MAX_LENGTH, type RoomListing } from "../../shared/index.ts";
import { guestClient, joinWith, type ArenaSdkRoom } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

/** Item 4 of issue 12: a room's display name, given at create time, sanitised and owned by the server. */
let ts: TestServer;
const joined: ArenaSdkRoom[] = [];

beforeAll(async () => {
  ts = await startTestServer({ arena: { reconnectGraceSeconds: 7 } });
});
afterEach(async () => {
  for (const room of joined.splice(0)) await room.leave();
  await ts.colyseus.cleanup();
});
afterAll(async () => {
  await ts.close();
});

async function listing(roomId: string): Promise<RoomListing | undefined> {
  const rooms = (await (await fetch(`${ts.httpUrl}/rooms`)).json()) as RoomListing[];
  return rooms.find((room) => room.roomId === roomId);
}

async function create(title: unknown): Promise<ArenaSdkRoom> {
  const { client } = await guestClient(ts, "Creator");
  // A hostile client sends whatever it likes as options: the type says string, the wire says anything.
  const room = (await client.create(RoomName.Arena, { title: title as string })) as unknown as ArenaSdkRoom;
  await room.waitForInitialState();
  joined.push(room);
  return room;
}

describe("a room's display name", () => {
  it("is sanitised like a player name, and shown in the state and the listing", async () => {
    const room = await create(`  Friday\u0000 "night"\u200b   games and a very long tail to cut `);
    const expected = "Friday night games and a".slice(0, ROOM_TITLE_MAX_LENGTH);
    expect(room.state.title).toBe(expected);
    expect((await listing(room.roomId))?.title).toBe(expected);
    // The grace the client counts down while reconnecting travels with it.
    expect(room.state.reconnectGraceSeconds).toBe(7);
  });

  it("is empty when none (or no string) is given", async () => {
    for (const title of [undefined, 42, { toString: "x" }, "\u200b\u0007"]) {
      const room = await create(title);
      expect(room.state.title).toBe("");
      expect((await listing(room.roomId))?.title).toBe("");
    }
  });

  it("cannot be changed by a player who joins later with a title of their own", async () => {
    const room = await create("Alpha");
    const { client } = await guestClient(ts, "Mallory");
    const other = await joinWith(client, room.roomId, { title: "Hijacked" });
    joined.push(other.room);
    expect(other.room.state.title).toBe("Alpha");
    expect((await listing(room.roomId))?.title).toBe("Alpha");
  });
});
