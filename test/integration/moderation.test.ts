import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { TickwireCloseCode, type ChatLine, type GuestTokenResponse } from "../../shared/index.ts";
import { closed, joinArena, joinWith, untilPatched, type ArenaPlayer } from "../helpers/clients.ts";
import { joinAsRole } from "../helpers/operators.ts";
import { captureLogs } from "../helpers/logs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const SECRET = "moderation-test-secret-0123456789abcdef";
/** The rooms' clock: frozen unless a test moves it, so no token refills behind a test's back. */
const clock = { now: 0 };
const logs = captureLogs("info");
const logLines = logs.lines;
let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer({
    auth: { secret: SECRET },
    chat: { wordList: ["darn"] },
    deps: { now: () => clock.now, logger: logs.logger },
  });
});
beforeEach(() => {
  clock.now = Date.UTC(2030, 0, 1);
});
afterEach(async () => {
  await ts.colyseus.cleanup();
});
afterAll(async () => {
  await ts.close();
});

const texts = (player: Pick<ArenaPlayer, "inbox">) => player.inbox.all("chat").map((line) => line.text);

/**
 * Resolves once `player` has received every message the room sent it before
 * now: it says something and waits for its own line (one socket, in order).
 */
async function settle(player: Pick<ArenaPlayer, "room" | "inbox">, marker = `marker ${Math.random()}`): Promise<void> {
  player.room.send("chat", { text: marker });
  await player.inbox.waitFor("chat", (line) => line.text === marker);
}

async function room() {
  return ts.colyseus.createRoom<ArenaRoom>("arena", {});
}

describe("flood control through the SDK", () => {
  it("delivers exactly the burst of a 20-line flood and rejects the rest with reasons", async () => {
    const server = await room();
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });

    for (let i = 1; i <= 20; i++) alice.room.send("chat", { text: `flood ${i}` });
    await alice.inbox.waitFor("chat:rejected", () => alice.inbox.all("chat:rejected").length === 15);
    await settle(bob);

    const delivered = bob.inbox.all("chat").filter((l) => l.kind === "say" && l.from === alice.room.sessionId);
    expect(delivered.map((l) => l.text)).toEqual(["flood 1", "flood 2", "flood 3", "flood 4", "flood 5"]);
    // Three rate-limit rejections (the third triggers the auto-mute), then twelve "muted".
    expect(alice.inbox.all("chat:rejected")).toEqual([
      ...Array.from({ length: 3 }, () => ({ reason: "rate_limited", retryAfterMs: 1000 })),
      ...Array.from({ length: 12 }, () => ({ reason: "muted", remainingMs: 60_000 })),
    ]);
    const system = bob.inbox.all("chat").filter((l) => l.kind === "system");
    expect(system).toEqual([
      expect.objectContaining({
        from: "system",
        text: "Alice was muted for 1 min for flooding.",
        notice: { action: "auto_mute", target: "Alice", targetSession: alice.room.sessionId, durationMs: 60_000 },
      }),
    ]);
    expect(bob.inbox.all("chat:rejected")).toEqual([]);

    // A minute later (on the room's clock) Alice may speak again.
    clock.now += 60_000;
    await settle(alice, "sorry");
  });

  it("keeps a player's bucket when they leave and rejoin", async () => {
    const server = await room();
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    await joinArena(ts, server.roomId, { name: "Keeper" }); // keeps the room open
    for (let i = 1; i <= 5; i++) alice.room.send("chat", { text: `line ${i}` });
    await alice.inbox.waitFor("chat", (l) => l.text === "line 5");
    await alice.room.leave();

    const again = await joinWith(alice.client, server.roomId);
    again.room.send("chat", { text: "fresh start?" });
    expect(await again.inbox.waitFor("chat:rejected")).toEqual({ reason: "rate_limited", retryAfterMs: 1000 });
  });
});

describe("whispers", () => {
  it("reach the sender and the recipient only, and stay out of others' history", async () => {
    const server = await room();
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    const carol = await joinArena(ts, server.roomId, { name: "Carol" });

    alice.room.send("chat", { text: "/w bob the code is 1234" });
    const expected = {
      kind: "whisper",
      from: alice.room.sessionId,
      name: "Alice",
      to: bob.room.sessionId,
      toName: "Bob",
      text: "the code is 1234",
    };
    expect(await bob.inbox.waitFor("chat")).toMatchObject(expected);
    expect(await alice.inbox.waitFor("chat")).toMatchObject(expected);
    alice.room.send("chat", { text: "hello all" });
    await carol.inbox.waitFor("chat", (l) => l.text === "hello all");
    expect(texts(carol)).toEqual(["hello all"]);

    const dave = await joinArena(ts, server.roomId, { name: "Dave" });
    const history = (await dave.inbox.waitFor("chat:history")).map((l) => l.text);
    expect(history).toEqual(["hello all"]);

    // Bob's identity sees it again in history after rejoining with a new session.
    await bob.room.leave();
    const bobAgain = await joinWith(bob.client, server.roomId);
    const bobHistory = await bobAgain.inbox.waitFor("chat:history");
    expect(bobHistory.map((l) => l.text)).toEqual(["the code is 1234", "hello all"]);
    // One id sequence for all lines: the whisper's id comes before the public line's.
    const [whisper, publicLine] = bobHistory;
    expect(whisper!.id).toBeLessThan(publicLine!.id);
  });

  it("say who could not be found", async () => {
    const server = await room();
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    alice.room.send("chat", { text: "/w Nobody hi" });
    expect(await alice.inbox.waitFor("chat:rejected")).toEqual({ reason: "no_such_player", name: "Nobody" });
  });

  it("keep names unique in a room, so two guests called Sam and sam can each be named", async () => {
    const server = await room();
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const sam = await joinArena(ts, server.roomId, { name: "Sam" });
    const sam2 = await joinArena(ts, server.roomId, { name: "sam" });
    expect(server.state.players.get(sam.room.sessionId)?.name).toBe("Sam");
    expect(server.state.players.get(sam2.room.sessionId)?.name).toBe("sam 2");
    alice.room.send("chat", { text: "/w SAM hi one" });
    alice.room.send("chat", { text: '/w "Sam 2" hi two' });
    await settle(alice);
    await settle(sam);
    await settle(sam2);
    expect(texts(sam).filter((t) => t.startsWith("hi"))).toEqual(["hi one"]);
    expect(texts(sam2).filter((t) => t.startsWith("hi"))).toEqual(["hi two"]);
    expect(alice.inbox.all("chat:rejected")).toEqual([]);
  });

  it("cannot let a guest take a moderator's name", async () => {
    const server = await room();
    const mo = await joinAsRole(ts, server.roomId, SECRET, { name: "Mo", role: "moderator" });
    const impostor = await joinArena(ts, server.roomId, { name: "MO" });
    expect(server.state.players.get(mo.room.sessionId)?.name).toBe("Mo");
    expect(server.state.players.get(impostor.room.sessionId)?.name).toBe("MO 2");
    expect(server.state.players.get(impostor.room.sessionId)?.role).toBe("player");
  });
});

describe("moderation commands", () => {
  it("forbid /mute to a player; a moderator's mute works and survives rejoining and token renewal", async () => {
    const server = await room();
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    const mo = await joinAsRole(ts, server.roomId, SECRET, { name: "Mo", role: "moderator" });

    bob.room.send("chat", { text: "/mute Alice" });
    expect(await bob.inbox.waitFor("chat:rejected")).toEqual({ reason: "forbidden", command: "mute" });
    await settle(alice, "still talking");

    mo.room.send("chat", { text: "/mute bob 5" });
    const notice = (line: ChatLine) => line.kind === "system";
    for (const player of [alice, bob, mo]) {
      expect(await player.inbox.waitFor("chat", notice)).toMatchObject({
        from: "system",
        text: "Mo muted Bob for 5 min.",
        notice: { action: "mute", target: "Bob", targetSession: bob.room.sessionId, by: "Mo", durationMs: 300_000 },
      });
    }
    bob.room.send("chat", { text: "hey" });
    expect(await bob.inbox.waitFor("chat:rejected", (r) => r.reason === "muted")).toEqual({
      reason: "muted",
      remainingMs: 300_000,
    });
    bob.room.send("chat", { text: "/w Alice psst" });
    await bob.inbox.waitFor("chat:rejected", () => bob.inbox.all("chat:rejected").length === 3);

    // Leave, renew with the renewal token (same player id), rejoin: still muted.
    await bob.room.leave();
    const renewed = (await (
      await fetch(`${ts.httpUrl}/auth/guest`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${bob.identity.renewToken}` },
        body: JSON.stringify({ name: "Bob" }),
      })
    ).json()) as GuestTokenResponse;
    expect(renewed.playerId).toBe(bob.identity.playerId);
    bob.client.auth.token = renewed.token;
    const bobAgain = await joinWith(bob.client, server.roomId);
    clock.now += 60_000;
    bobAgain.room.send("chat", { text: "I'm back" });
    expect(await bobAgain.inbox.waitFor("chat:rejected")).toEqual({ reason: "muted", remainingMs: 240_000 });

    await settle(alice);
    expect(texts(alice).filter((t) => t.includes("back") || t.includes("hey") || t.includes("psst"))).toEqual([]);

    // When the mute runs out, Bob speaks again.
    clock.now += 240_000;
    await settle(bobAgain, "finally");
  });

  it("/unmute lifts a mute, with a system line", async () => {
    const server = await room();
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    const admin = await joinAsRole(ts, server.roomId, SECRET, { name: "Root", role: "admin" });
    admin.room.send("chat", { text: "/mute Bob" });
    await bob.inbox.waitFor("chat", (l) => l.kind === "system");
    admin.room.send("chat", { text: "/unmute Bob" });
    expect(await bob.inbox.waitFor("chat", (l) => l.text === "Root unmuted Bob.")).toMatchObject({
      kind: "system",
      notice: { action: "unmute", target: "Bob", by: "Root" },
    });
    await settle(bob, "thanks");
  });

  it("/kick removes the player with the Kicked close code after a system line; they may rejoin", async () => {
    const server = await room();
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    const mo = await joinAsRole(ts, server.roomId, SECRET, { name: "Mo", role: "moderator" });
    const bobClosed = closed(bob.room);
    // Otherwise "Bob is gone from Alice's view" below could hold before he ever appeared in it.
    await untilPatched(alice.room, () => alice.room.state.players.has(bob.room.sessionId));

    mo.room.send("chat", { text: "/kick bob darn spam" });
    expect(await bobClosed).toBe(TickwireCloseCode.Kicked);
    // Bob's last message explains it; the reason went through the word mask.
    expect(bob.inbox.all("chat").at(-1)).toMatchObject({
      kind: "system",
      text: "Mo kicked Bob: **** spam",
      notice: { action: "kick", target: "Bob", by: "Mo", reason: "**** spam" },
    });
    expect(await alice.inbox.waitFor("chat", (l) => l.kind === "system")).toMatchObject({
      text: "Mo kicked Bob: **** spam",
    });
    await untilPatched(alice.room, () => !alice.room.state.players.has(bob.room.sessionId));
    expect(server.state.players.has(bob.room.sessionId)).toBe(false);

    const audit = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === "chat moderation");
    expect(audit.at(-1)).toMatchObject({
      roomId: server.roomId,
      action: "kick",
      actorId: mo.identity.playerId,
      targetId: bob.identity.playerId,
    });

    // Kicking is not banning (a guest can mint a new identity at will anyway).
    const bobAgain = await joinWith(bob.client, server.roomId);
    await settle(bobAgain, "I'll behave");
  });

  it("answer a bad command with a reason and never break the room", async () => {
    const server = await room();
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const mo = await joinAsRole(ts, server.roomId, SECRET, { name: "Mo", role: "moderator" });
    const admin = await joinAsRole(ts, server.roomId, SECRET, { name: "Root", role: "admin" });
    const attempts: Array<[string, unknown]> = [
      ["/kick", { reason: "invalid_command", command: "kick", usage: "/kick <name> [reason]" }],
      ["/mute Alice forever", { reason: "invalid_command", command: "mute", usage: "/mute <name> [minutes]" }],
      ["/kick Root", { reason: "outranked", name: "Root" }],
    ];
    for (const [text, rejection] of attempts) {
      mo.room.send("chat", { text });
      expect(await mo.inbox.waitFor("chat:rejected", (r) => JSON.stringify(r) === JSON.stringify(rejection))).toEqual(
        rejection,
      );
    }
    alice.room.send("chat", { text: "/shrug" });
    expect(await alice.inbox.waitFor("chat:rejected")).toEqual({ reason: "unknown_command", command: "shrug" });
    await settle(admin, "all good");
    expect(server.clients.length).toBe(3);
  });

  it("masks listed words in lines everyone sees", async () => {
    const server = await room();
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    alice.room.send("chat", { text: "DARN it, see https://example.com" });
    expect((await bob.inbox.waitFor("chat")).text).toBe("**** it, see https://example.com");
  });
});
