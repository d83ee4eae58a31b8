import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { CHAT_HISTORY_SIZE, CHAT_MAX_LENGTH } from "../../shared/index.ts";
import { joinArena } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let ts: TestServer;

beforeAll(async () => {
  // Flood control has its own tests (moderation.test.ts); here lines must all get through.
  ts = await startTestServer({ chat: { rateBurst: 1000 } });
});
afterEach(async () => {
  await ts.colyseus.cleanup();
});
afterAll(async () => {
  await ts.close();
});

async function twoInRoom() {
  const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
  const alice = await joinArena(ts, server.roomId, { name: "  Al\u200Bice\u0007 " });
  const bob = await joinArena(ts, server.roomId, { name: "Bob" });
  return { server, alice, bob };
}

describe("chat", () => {
  it("reaches both clients with the sender's server-side name and a server timestamp", async () => {
    const { alice, bob } = await twoInRoom();
    const before = Date.now();
    alice.room.send("chat", { text: "  hello   arena " });
    const [toAlice, toBob] = await Promise.all([alice.inbox.waitFor("chat"), bob.inbox.waitFor("chat")]);
    expect(toBob).toEqual(toAlice);
    expect(toBob).toMatchObject({ from: alice.room.sessionId, name: "Alice", text: "hello arena" });
    expect(toBob.id).toBeGreaterThan(0);
    expect(toBob.at).toBeGreaterThanOrEqual(before);
    expect(toBob.at).toBeLessThanOrEqual(Date.now());
  });

  it("gives ids that increase line by line", async () => {
    const { alice, bob } = await twoInRoom();
    for (const text of ["one", "two", "three"]) alice.room.send("chat", { text });
    await bob.inbox.waitFor("chat", (l) => l.text === "three");
    const ids = bob.inbox.all("chat").map((l) => l.id);
    expect(ids).toHaveLength(3);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(3);
  });

  it("sends a late joiner the last 50 lines as one chat:history, oldest first", async () => {
    const { server, alice } = await twoInRoom();
    const total = CHAT_HISTORY_SIZE + 10;
    for (let i = 1; i <= total; i++) alice.room.send("chat", { text: `line ${i}` });
    await alice.inbox.waitFor("chat", (l) => l.text === `line ${total}`);

    const carol = await joinArena(ts, server.roomId, { name: "Carol" });
    const history = await carol.inbox.waitFor("chat:history");
    expect(carol.inbox.all("chat:history")).toHaveLength(1);
    expect(history).toHaveLength(CHAT_HISTORY_SIZE);
    expect(history.map((l) => l.text)).toEqual(
      Array.from({ length: CHAT_HISTORY_SIZE }, (_, i) => `line ${total - CHAT_HISTORY_SIZE + 1 + i}`),
    );
    expect(history.every((l) => l.name === "Alice")).toBe(true);
  });

  it("sends a first joiner an empty history", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const first = await joinArena(ts, server.roomId, { name: "First" });
    expect(await first.inbox.waitFor("chat:history")).toEqual([]);
  });

  it.each([
    ["too_long", "x".repeat(CHAT_MAX_LENGTH + 1)],
    ["empty", "   \u200B  "],
  ])("rejects a %s line to the sender only", async (reason, text) => {
    const { alice, bob } = await twoInRoom();
    alice.room.send("chat", { text });
    expect(await alice.inbox.waitFor("chat:rejected")).toEqual({ reason });
    // A valid line afterwards is a barrier: Bob has received everything sent before it.
    alice.room.send("chat", { text: "after" });
    await bob.inbox.waitFor("chat", (l) => l.text === "after");
    expect(bob.inbox.all("chat:rejected")).toEqual([]);
    expect(bob.inbox.all("chat").map((l) => l.text)).toEqual(["after"]);
  });

  it("answers a wrongly shaped payload with a typed error and keeps the connection", async () => {
    const { alice, bob } = await twoInRoom();
    // The typed client refuses this at compile time; a hostile client would not.
    alice.room.send("chat", { text: 42 } as unknown as { text: string });
    const error = await alice.inbox.waitFor("error");
    expect(error).toMatchObject({ code: "invalid_payload", type: "chat" });
    expect(error.message).toContain("text");
    alice.room.send("chat", { text: "still here" });
    await bob.inbox.waitFor("chat", (l) => l.text === "still here");
    expect(bob.inbox.all("error")).toEqual([]);
  });
});
