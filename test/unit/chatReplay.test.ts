import { describe, expect, it } from "vitest";
import { ChatLog } from "../../server/chat/ChatLog.ts";
import { ChatKind, type ChatLine, type UnnumberedChatLine } from "../../shared/index.ts";

const say = (n: number): UnnumberedChatLine => ({ kind: ChatKind.Say, from: "s", name: "n", text: `line ${n}`, at: n });
const whisper = (n: number): UnnumberedChatLine => ({
  kind: ChatKind.Whisper,
  from: "s_alice",
  name: "Alice",
  to: "s_bob",
  toName: "Bob",
  text: `line ${n}`,
  at: n,
});
const texts = (lines: ChatLine[]) => lines.map((l) => l.text);

describe("ChatLog.replay (the chat:since page)", () => {
  it("returns the lines after an id, oldest first, complete", () => {
    const log = new ChatLog(100);
    for (let i = 1; i <= 10; i++) log.append(say(i));
    const replay = log.replay(7, "p_any", 100);
    expect(replay.lines.map((l) => l.id)).toEqual([8, 9, 10]);
    expect(replay).toMatchObject({ complete: true, hasMore: false });
    expect(log.replay(10, "p_any", 100).lines).toEqual([]);
    expect(log.replay(999, "p_any", 100).lines).toEqual([]);
  });

  it("pages: at most `limit` lines, then hasMore, resuming from the last id", () => {
    const log = new ChatLog(500);
    for (let i = 1; i <= 250; i++) log.append(say(i));
    const first = log.replay(0, "p", 100);
    expect(first.lines).toHaveLength(100);
    expect(first.hasMore).toBe(true);
    const second = log.replay(first.lines.at(-1)!.id, "p", 100);
    expect(second.lines[0]?.id).toBe(101);
    const third = log.replay(second.lines.at(-1)!.id, "p", 100);
    expect(third).toMatchObject({ hasMore: false, complete: true });
    expect(third.lines).toHaveLength(50);
  });

  it("is not complete when lines after the id have rolled out of the log", () => {
    const log = new ChatLog(50);
    for (let i = 1; i <= 120; i++) log.append(say(i));
    const replay = log.replay(10, "p", 100);
    expect(replay.complete).toBe(false);
    expect(replay.lines[0]?.id).toBe(71);
    expect(replay.lines).toHaveLength(50);
    expect(log.replay(70, "p", 100).complete).toBe(true);
  });

  it("replays a whisper only to its audience, and does not count hidden lines against the page", () => {
    const log = new ChatLog(100);
    log.append(say(1));
    log.append(whisper(2), ["p_alice", "p_bob"]);
    log.append(whisper(3), ["p_alice", "p_bob"]);
    log.append(say(4));
    expect(texts(log.replay(0, "p_bob", 100).lines)).toEqual(["line 1", "line 2", "line 3", "line 4"]);
    expect(texts(log.replay(0, "p_carol", 100).lines)).toEqual(["line 1", "line 4"]);
    const page = log.replay(1, "p_carol", 1);
    expect(texts(page.lines)).toEqual(["line 4"]);
    expect(page.hasMore).toBe(false);
  });

  it("agrees with since() when unpaged", () => {
    const log = new ChatLog(20);
    for (let i = 1; i <= 30; i++) log.append(say(i), i % 3 === 0 ? ["p_a"] : null);
    const { lines, complete } = log.replay(5, "p_b", Infinity);
    expect(log.since(5, "p_b")).toEqual({ lines, complete });
  });
});
