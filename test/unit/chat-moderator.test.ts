import { describe, expect, it } from "vitest";
import { ChatModerator, type ChatEffect, type ChatMember } from "../../server/chat/ChatModerator.ts";
import type { ChatSettings } from "../../server/chat/ChatSettings.ts";
import { defaultConfig } from "../../server/config.ts";
import { CHAT_MAX_LENGTH, seededRandom, type ChatRejected, type UnnumberedChatLine } from "../../shared/index.ts";

const alice: ChatMember = { sessionId: "s_alice", playerId: "p_alice", name: "Alice", role: "player" };
const bob: ChatMember = { sessionId: "s_bob", playerId: "p_bob", name: "Bob", role: "player" };
const mo: ChatMember = { sessionId: "s_mo", playerId: "p_mo", name: "Mo", role: "moderator" };
const mod2: ChatMember = { sessionId: "s_mod2", playerId: "p_mod2", name: "Mod2", role: "moderator" };
const root: ChatMember = { sessionId: "s_root", playerId: "p_root", name: "Root", role: "admin" };
const roster = [alice, bob, mo, mod2, root];

/** A moderator on a hand-driven clock. */
function setup(chat: Partial<ChatSettings> = {}) {
  const clock = { now: 1_700_000_000_000 };
  const moderator = new ChatModerator({ ...defaultConfig().chat, ...chat }, () => clock.now);
  const send = (sender: ChatMember, text: string, members: ChatMember[] = roster) =>
    moderator.handle(sender, text, members);
  return { clock, moderator, send };
}

const rejections = (effects: ChatEffect[]): ChatRejected[] =>
  effects.flatMap((e) => (e.type === "reject" ? [e.rejection] : []));
const posts = (effects: ChatEffect[]) =>
  effects.flatMap((e) => (e.type === "post" ? [{ line: e.line, audience: e.audience }] : []));
const lines = (effects: ChatEffect[]): UnnumberedChatLine[] => posts(effects).map((p) => p.line);
const rejected = (effects: ChatEffect[]) => rejections(effects)[0];

describe("ChatModerator: lines", () => {
  it("posts a cleaned line to the room with the sender's session, name and the clock's time", () => {
    const { send, clock } = setup();
    const effects = send(alice, "  hello \u200B  world ");
    expect(effects).toEqual([
      {
        type: "post",
        audience: null,
        line: { kind: "say", from: "s_alice", name: "Alice", text: "hello world", at: clock.now },
      },
    ]);
  });

  it("rejects empty and overlong lines", () => {
    const { send } = setup();
    expect(rejected(send(alice, " \u202E\u200B "))).toEqual({ reason: "empty" });
    expect(rejected(send(alice, "x".repeat(CHAT_MAX_LENGTH + 1)))).toEqual({ reason: "too_long" });
    expect(lines(send(alice, "x".repeat(CHAT_MAX_LENGTH)))).toHaveLength(1);
  });

  it("masks listed words and never adds markup", () => {
    const { send } = setup({ wordList: ["darn"] });
    expect(lines(send(alice, "Darn, see <b>https://x.test/darn</b>"))[0]?.text).toBe(
      "****, see <b>https://x.test/****</b>",
    );
  });
});

describe("ChatModerator: flood control", () => {
  it("lets the burst through, then rejects with the time to wait", () => {
    const { send } = setup();
    for (let i = 0; i < 5; i++) expect(lines(send(alice, `line ${i}`))).toHaveLength(1);
    expect(rejected(send(alice, "one too many"))).toEqual({ reason: "rate_limited", retryAfterMs: 1000 });
  });

  it("refills one line per second", () => {
    const { send, clock } = setup();
    for (let i = 0; i < 5; i++) send(alice, `line ${i}`);
    clock.now += 1000;
    expect(lines(send(alice, "after a second"))).toHaveLength(1);
    expect(rejected(send(alice, "again"))).toMatchObject({ reason: "rate_limited" });
    clock.now += 5000;
    for (let i = 0; i < 5; i++) expect(lines(send(alice, `burst ${i}`))).toHaveLength(1);
  });

  it("keys the bucket by player id, not by session", () => {
    const { send } = setup();
    const aliceTab2 = { ...alice, sessionId: "s_alice_2" };
    for (let i = 0; i < 5; i++) send(alice, `line ${i}`);
    expect(rejected(send(aliceTab2, "from my other tab"))).toMatchObject({ reason: "rate_limited" });
    expect(lines(send(bob, "unaffected"))).toHaveLength(1);
  });

  it("auto-mutes after three rejections in 30 s, with a system line, then answers muted", () => {
    const { send, clock } = setup();
    for (let i = 0; i < 5; i++) send(alice, `line ${i}`);
    expect(lines(send(alice, "x1"))).toEqual([]);
    expect(lines(send(alice, "x2"))).toEqual([]);
    const third = send(alice, "x3");
    expect(rejected(third)).toMatchObject({ reason: "rate_limited" });
    expect(posts(third)).toEqual([
      {
        audience: null,
        line: {
          kind: "system",
          from: "system",
          name: "System",
          text: "Alice was muted for 1 min for flooding.",
          at: clock.now,
          notice: { action: "auto_mute", target: "Alice", targetSession: "s_alice", durationMs: 60_000 },
        },
      },
    ]);
    expect(third).toContainEqual({
      type: "audit",
      action: "auto_mute",
      actorId: null,
      targetId: "p_alice",
      durationMs: 60_000,
    });
    clock.now += 10_000;
    expect(rejected(send(alice, "let me talk"))).toEqual({ reason: "muted", remainingMs: 50_000 });
    clock.now += 50_000;
    expect(lines(send(alice, "I am back"))).toHaveLength(1);
  });

  it("follows its settings", () => {
    const { send } = setup({ rateBurst: 2, floodRejections: 1, autoMuteMs: 5000 });
    send(alice, "a");
    send(alice, "b");
    const over = send(alice, "c");
    expect(lines(over)[0]?.text).toBe("Alice was muted for 5 s for flooding.");
  });

  it("charges commands to the bucket too", () => {
    const { send } = setup();
    for (let i = 0; i < 5; i++) send(alice, `/w Bob hello ${i}`);
    expect(rejected(send(alice, "/w Bob one more"))).toMatchObject({ reason: "rate_limited" });
  });
});

describe("ChatModerator: repeats", () => {
  it("rejects the same text the third time in a row, ignoring case", () => {
    const { send, clock } = setup();
    expect(lines(send(alice, "buy gold"))).toHaveLength(1);
    clock.now += 2000;
    expect(lines(send(alice, "BUY  GOLD"))).toHaveLength(1);
    clock.now += 2000;
    expect(rejected(send(alice, "Buy gold"))).toEqual({ reason: "repeated" });
    clock.now += 2000;
    expect(lines(send(alice, "something else"))).toHaveLength(1);
    clock.now += 2000;
    expect(lines(send(alice, "buy gold"))).toHaveLength(1);
  });

  it("counts whispers per recipient", () => {
    const { send, clock } = setup();
    send(alice, "/w Bob hi");
    clock.now += 2000;
    send(alice, "/w Bob hi");
    clock.now += 2000;
    expect(rejected(send(alice, "/w Bob hi"))).toEqual({ reason: "repeated" });
    clock.now += 2000;
    expect(lines(send(alice, "/w Mo hi"))).toHaveLength(1);
  });
});

describe("ChatModerator: whispers", () => {
  it("posts to the sender's and recipient's player ids only, with the recipient's session and name", () => {
    const { send, clock } = setup();
    expect(posts(send(alice, "/w bob meet at the tower"))).toEqual([
      {
        audience: ["p_alice", "p_bob"],
        line: {
          kind: "whisper",
          from: "s_alice",
          name: "Alice",
          to: "s_bob",
          toName: "Bob",
          text: "meet at the tower",
          at: clock.now,
        },
      },
    ]);
  });

  it("names who could not be found, who is ambiguous, and refuses whispering yourself", () => {
    const { send } = setup();
    const twins = [...roster, { ...bob, sessionId: "s_bob2", playerId: "p_bob2" }];
    expect(rejected(send(alice, "/w Nobody hi"))).toEqual({ reason: "no_such_player", name: "Nobody" });
    expect(rejected(send(alice, "/w bob hi", twins))).toEqual({ reason: "ambiguous_name", name: "bob", matches: 2 });
    expect(rejected(send(alice, "/w alice hi"))).toEqual({ reason: "self_target", name: "Alice" });
  });

  it("is silenced by a mute, and masked like any line", () => {
    const { send } = setup({ wordList: ["heck"] });
    expect(lines(send(alice, "/w Bob heck"))[0]?.text).toBe("****");
    send(mo, "/mute Alice");
    expect(rejected(send(alice, "/w Bob please"))).toMatchObject({ reason: "muted" });
  });

  it("rejects an overlong whisper and explains a malformed one", () => {
    const { send } = setup();
    expect(rejected(send(alice, `/w Bob ${"x".repeat(CHAT_MAX_LENGTH + 1)}`))).toEqual({ reason: "too_long" });
    expect(rejected(send(alice, "/w Bob"))).toEqual({
      reason: "invalid_command",
      command: "w",
      usage: "/w <name> <text>",
    });
  });
});

describe("ChatModerator: moderation commands", () => {
  it("forbids them to players, before looking at arguments", () => {
    const { send } = setup();
    for (const text of ["/mute Bob", "/unmute Bob", "/kick Bob", "/kick", "/mute Bob forever"]) {
      const effects = send(alice, text);
      expect(rejected(effects)).toMatchObject({ reason: "forbidden" });
      expect(effects).toHaveLength(1);
    }
  });

  it("mutes for the default time with a system line, until unmuted", () => {
    const { send, clock } = setup();
    const effects = send(mo, "/mute bob");
    expect(lines(effects)).toEqual([
      {
        kind: "system",
        from: "system",
        name: "System",
        text: "Mo muted Bob for 10 min.",
        at: clock.now,
        notice: { action: "mute", target: "Bob", targetSession: "s_bob", by: "Mo", durationMs: 600_000 },
      },
    ]);
    expect(effects).toContainEqual({
      type: "audit",
      action: "mute",
      actorId: "p_mo",
      targetId: "p_bob",
      durationMs: 600_000,
    });
    clock.now += 1000;
    expect(rejected(send(bob, "hello?"))).toEqual({ reason: "muted", remainingMs: 599_000 });
    expect(lines(send(mo, "/unmute Bob"))[0]).toMatchObject({
      text: "Mo unmuted Bob.",
      notice: { action: "unmute", target: "Bob", by: "Mo" },
    });
    expect(lines(send(bob, "hello?"))).toHaveLength(1);
  });

  it("takes minutes, and clamps them to the maximum", () => {
    const { send, moderator } = setup({ muteMaxMs: 3_600_000 });
    expect(lines(send(mo, "/mute Bob 0.5"))[0]?.text).toBe("Mo muted Bob for 30 s.");
    expect(moderator.mutedFor("p_bob")).toBe(30_000);
    expect(lines(send(mo, "/mute Bob 600"))[0]?.text).toBe("Mo muted Bob for 1 h.");
    expect(moderator.mutedFor("p_bob")).toBe(3_600_000);
  });

  it("lets a muted moderator still moderate", () => {
    const { send } = setup();
    send(root, "/mute Mo");
    expect(rejected(send(mo, "hi"))).toMatchObject({ reason: "muted" });
    expect(lines(send(mo, "/mute Bob"))).toHaveLength(1);
  });

  it("respects rank: nobody moderates an equal or higher role, or themselves", () => {
    const { send } = setup();
    expect(rejected(send(mo, "/mute Mod2"))).toEqual({ reason: "outranked", name: "Mod2" });
    expect(rejected(send(mo, "/kick Root"))).toEqual({ reason: "outranked", name: "Root" });
    expect(rejected(send(mo, "/mute Mo"))).toEqual({ reason: "self_target", name: "Mo" });
    expect(lines(send(root, "/mute Mod2 1"))).toHaveLength(1);
  });

  it("unmutes a muted player who has left, by the name they had", () => {
    const { send } = setup();
    send(mo, "/mute Bob");
    const withoutBob = roster.filter((m) => m !== bob);
    const [line] = lines(send(mo, "/unmute bob", withoutBob));
    // No targetSession: Bob is not in the room.
    expect(line?.kind === "system" && line.notice).toEqual({
      action: "unmute",
      target: "Bob",
      by: "Mo",
    });
    expect(rejected(send(mo, "/unmute bob", withoutBob))).toEqual({ reason: "no_such_player", name: "bob" });
  });

  it("refuses to unmute someone who is not muted, or no longer", () => {
    const { send, clock } = setup();
    expect(rejected(send(mo, "/unmute Bob"))).toEqual({ reason: "not_muted", name: "Bob" });
    send(mo, "/mute Bob 1");
    clock.now += 60_000;
    expect(rejected(send(mo, "/unmute Bob"))).toEqual({ reason: "not_muted", name: "Bob" });
  });

  it("kicks every session of the target after a system line with the (masked) reason", () => {
    const { send } = setup({ wordList: ["heck"] });
    const bobTab2 = { ...bob, sessionId: "s_bob_2" };
    const effects = send(mo, "/kick Bob spamming heck", [...roster, bobTab2]);
    expect(effects.map((e) => e.type)).toEqual(["post", "kick", "audit"]);
    expect(lines(effects)[0]).toMatchObject({
      text: "Mo kicked Bob: spamming ****",
      notice: { action: "kick", target: "Bob", targetSession: "s_bob", by: "Mo", reason: "spamming ****" },
    });
    expect(effects[1]).toEqual({ type: "kick", sessionIds: ["s_bob", "s_bob_2"] });
    expect(lines(send(mo, "/kick Alice"))[0]?.text).toBe("Mo kicked Alice.");
  });

  it("answers unknown commands and bad arguments with reasons", () => {
    const { send } = setup();
    expect(rejected(send(alice, "/dance"))).toEqual({ reason: "unknown_command", command: "dance" });
    expect(rejected(send(mo, "/mute Bob soon"))).toEqual({
      reason: "invalid_command",
      command: "mute",
      usage: "/mute <name> [minutes]",
    });
    expect(rejected(send(mo, "/kick Nobody"))).toEqual({ reason: "no_such_player", name: "Nobody" });
  });
});

describe("ChatModerator: memory", () => {
  it("forgets identities once nothing about them can matter any more", () => {
    const { send, clock, moderator } = setup();
    for (let i = 0; i < 200; i++) {
      const member = { sessionId: `s${i}`, playerId: `p${i}`, name: `P${i}`, role: "player" as const };
      send(member, "hello");
    }
    send(mo, "/mute Bob 60");
    expect(moderator.tracked).toEqual({ flood: 201, mutes: 1, repeats: 200 });
    clock.now += 301_000; // past the repeat window; buckets refilled long ago
    send(alice, "hi"); // sweeps as a side effect
    expect(moderator.tracked).toEqual({ flood: 1, mutes: 1, repeats: 1 });
    clock.now += 3_600_000;
    moderator.sweep();
    expect(moderator.tracked).toEqual({ flood: 0, mutes: 0, repeats: 0 });
  });

  it("never throws, whatever it is sent", () => {
    const { send, clock } = setup();
    const random = seededRandom(2024);
    const pieces = [
      "/w",
      "/mute",
      "/unmute",
      "/kick",
      "/",
      "//",
      '"',
      "Bob",
      "bob",
      " ",
      "\u202E",
      "5",
      "-1",
      "💥",
      "Ω",
    ];
    const senders = [alice, bob, mo, root];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from(
        { length: 1 + Math.floor(random() * 6) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join(random() < 0.5 ? " " : "");
      clock.now += Math.floor(random() * 400);
      const effects = send(senders[i % senders.length] ?? alice, text);
      expect(effects.length).toBeGreaterThan(0);
    }
  });
});
