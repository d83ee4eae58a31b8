import { describe, expect, it } from "vitest";
import {
  ChatBook,
  HELP_TEXT,
  entryFromLine,
  rejectionText,
  type IncomingChatLine,
} from "../../client/ui/chatFormat.ts";

// ChatLine is a union discriminated by `kind` (issue 4); these fixtures only set the fields the formatter reads.
const line = (id: number, extra: Partial<IncomingChatLine> = {}): IncomingChatLine =>
  ({
    id,
    kind: "say",
    from: "alice-sid",
    name: "Alice",
    text: `line ${id}`,
    at: Date.UTC(2026, 0, 1, 12, 34),
    ...extra,
  }) as IncomingChatLine;
const names: Record<string, string> = { "bob-sid": "Bob", "alice-sid": "Alice" };
const nameOf = (sid: string) => names[sid];

describe("entryFromLine", () => {
  it("keeps markup as plain text", () => {
    const entry = entryFromLine(line(1, { text: "<img src=x onerror=alert(1)>" }), "bob-sid", nameOf);
    expect(entry).toMatchObject({ kind: "chat", name: "Alice", text: "<img src=x onerror=alert(1)>" });
  });

  it("marks system lines", () => {
    expect(entryFromLine(line(2, { from: "system", name: "system" }), "bob-sid", nameOf).kind).toBe("system");
  });

  it("tags whispers by direction", () => {
    expect(entryFromLine(line(3, { to: "bob-sid" }), "alice-sid", nameOf)).toMatchObject({
      kind: "whisper",
      tag: "to Bob",
    });
    expect(entryFromLine(line(3, { to: "bob-sid" }), "bob-sid", nameOf)).toMatchObject({
      kind: "whisper",
      tag: "whisper",
      name: "Alice",
    });
  });

  it("formats the time as HH:MM", () => {
    expect(entryFromLine(line(4), "x", nameOf).time).toMatch(/^\d{2}:\d{2}$/);
  });
});

describe("ChatBook", () => {
  it("deduplicates replayed lines and keeps id order", () => {
    const book = new ChatBook();
    const add = (id: number) => book.addServer(line(id), entryFromLine(line(id), "x", nameOf));
    expect([add(1), add(3), add(2), add(3)]).toEqual([true, true, true, false]);
    expect(book.list().map((e) => e.text)).toEqual(["line 1", "line 2", "line 3"]);
    expect(book.lastId).toBe(3);
  });

  it("places local notices after the newest server line", () => {
    const book = new ChatBook();
    book.addServer(line(5), entryFromLine(line(5), "x", nameOf));
    book.addLocal("system", "Bob joined.", 0);
    book.addServer(line(6), entryFromLine(line(6), "x", nameOf));
    expect(book.list().map((e) => e.text)).toEqual(["line 5", "Bob joined.", "line 6"]);
  });

  it("keeps at most `limit` entries", () => {
    const book = new ChatBook(3);
    for (let id = 1; id <= 10; id++) book.addServer(line(id), entryFromLine(line(id), "x", nameOf));
    expect(book.list().map((e) => e.text)).toEqual(["line 8", "line 9", "line 10"]);
  });
});

describe("rejectionText", () => {
  it.each([
    ["empty", {}, /Nothing/],
    ["too_long", {}, /280/],
    ["rate_limited", { retryAfterMs: 1500 }, /2 s/],
    ["muted", { remainingMs: 30_000 }, /30/],
    ["forbidden", {}, /moderators/i],
    ["something_new", {}, /something_new/],
  ])("%s", (reason, details, expected) => {
    expect(rejectionText(reason, details)).toMatch(expected);
  });

  it("help lists every command", () => {
    for (const command of ["/w", "/mute", "/unmute", "/kick", "/help"]) expect(HELP_TEXT).toContain(command);
  });
});
