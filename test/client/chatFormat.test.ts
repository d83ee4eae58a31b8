import { describe, expect, it } from "vitest";
import { ChatBook, HELP_TEXT, entryFromLine, rejectionText } from "../../client/ui/chatFormat.ts";
import { CHAT_COMMANDS, formatDuration, type ChatLine, type ChatRejected, type SayLine } from "../../shared/index.ts";

const at = Date.UTC(2026, 0, 1, 12, 34);
const say = (id: number, text = `line ${id}`): SayLine => ({
  kind: "say",
  id,
  from: "alice-sid",
  name: "Alice",
  text,
  at,
});
const whisper = (id: number): ChatLine => ({
  kind: "whisper",
  id,
  from: "alice-sid",
  name: "Alice",
  to: "bob-sid",
  toName: "Bob",
  text: "psst",
  at,
});
const system = (id: number): ChatLine => ({
  kind: "system",
  id,
  from: "system",
  name: "System",
  text: "Mallory was muted for 10 min by Mo.",
  at,
  notice: { action: "mute", target: "Mallory", by: "Mo", durationMs: 600_000 },
});

describe("entryFromLine", () => {
  it("keeps markup as plain text", () => {
    expect(entryFromLine(say(1, "<img src=x onerror=alert(1)>"), "bob-sid")).toMatchObject({
      kind: "chat",
      name: "Alice",
      text: "<img src=x onerror=alert(1)>",
    });
  });

  it("renders system lines by kind, not by name", () => {
    expect(entryFromLine(system(2), "bob-sid")).toMatchObject({
      kind: "system",
      text: "Mallory was muted for 10 min by Mo.",
    });
    const impostor: SayLine = { ...say(3, "I am the system"), name: "System", from: "mallory-sid" };
    expect(entryFromLine(impostor, "bob-sid").kind).toBe("chat");
  });

  it("tags whispers by direction, naming the recipient from the line itself", () => {
    expect(entryFromLine(whisper(4), "alice-sid")).toMatchObject({ kind: "whisper", tag: "to Bob", name: "Alice" });
    expect(entryFromLine(whisper(4), "bob-sid")).toMatchObject({ kind: "whisper", tag: "whispers", name: "Alice" });
  });

  it("badges moderators and admins by the sender's role in the room, never players", () => {
    const roles: Record<string, "player" | "moderator" | "admin"> = { "alice-sid": "moderator", "bob-sid": "player" };
    const roleOf = (sid: string) => roles[sid];
    expect(entryFromLine(say(6), "x", roleOf).badge).toBe("moderator");
    expect(entryFromLine({ ...say(7), from: "bob-sid" }, "x", roleOf).badge).toBeUndefined();
    expect(entryFromLine(say(8), "x").badge).toBeUndefined();
  });

  it("formats the time as HH:MM", () => {
    expect(entryFromLine(say(5), "x").time).toMatch(/^\d{2}:\d{2}$/);
  });
});

describe("ChatBook", () => {
  const add = (book: ChatBook, line: ChatLine) => book.addServer(line, entryFromLine(line, "x"));

  it("deduplicates replayed lines and keeps id order", () => {
    const book = new ChatBook();
    expect([add(book, say(1)), add(book, say(3)), add(book, say(2)), add(book, say(3))]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(book.list().map((e) => e.text)).toEqual(["line 1", "line 2", "line 3"]);
    expect(book.lastId).toBe(3);
  });

  it("places local notices after the newest server line", () => {
    const book = new ChatBook();
    add(book, say(5));
    book.addLocal("system", "Bob joined.", 0);
    add(book, say(6));
    expect(book.list().map((e) => e.text)).toEqual(["line 5", "Bob joined.", "line 6"]);
  });

  it("keeps at most `limit` entries", () => {
    const book = new ChatBook(3);
    for (let id = 1; id <= 10; id++) add(book, say(id));
    expect(book.list().map((e) => e.text)).toEqual(["line 8", "line 9", "line 10"]);
  });
});

describe("rejectionText", () => {
  it.each<[ChatRejected, RegExp]>([
    [{ reason: "empty" }, /Nothing/],
    [{ reason: "too_long" }, /280/],
    [{ reason: "repeated" }, /already/],
    [{ reason: "rate_limited", retryAfterMs: 1500 }, /2 s/],
    [{ reason: "muted", remainingMs: 30_000 }, /30 s/],
    [{ reason: "forbidden", command: "kick" }, /moderators.*\/kick/],
    [{ reason: "unknown_command", command: "dance" }, /\/dance/],
    [{ reason: "invalid_command", command: "w", usage: "/w <name> <text>" }, /Usage: \/w <name> <text>/],
    [{ reason: "no_such_player", name: "Zed" }, /Zed/],
    [{ reason: "ambiguous_name", name: "Bob", matches: 2 }, /2 players/],
    [{ reason: "self_target", name: "Me" }, /yourself/],
    [{ reason: "outranked", name: "Mo" }, /Mo outranks/],
    [{ reason: "not_muted", name: "Bob" }, /not muted/],
  ])("%j", (rejection, expected) => {
    expect(rejectionText(rejection)).toMatch(expected);
  });

  it("formats durations", () => {
    expect([
      formatDuration(500),
      formatDuration(90_000),
      formatDuration(600_000),
      formatDuration(3 * 3600_000),
    ]).toEqual(["1 s", "1 min 30 s", "10 min", "3 h"]);
  });

  it("help lists every command the server parses, and /help", () => {
    for (const command of CHAT_COMMANDS) expect(HELP_TEXT).toContain(command.usage);
    expect(HELP_TEXT).toContain("/help");
  });
});
