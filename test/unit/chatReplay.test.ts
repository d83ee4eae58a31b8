import { describe, expect, it } from "vitest";
import { ChatLog } from "../../server/chat/ChatLog.ts";
import { visibleTo } from "../../server/chat/visibility.ts";
import type { ChatLine } from "../../shared/index.ts";

const line = (n: number, extra: Partial<ChatLine> & { to?: string } = {}) => ({
  from: "s",
  name: "n",
  text: `line ${n}`,
  at: n,
  ...extra,
});
const texts = (lines: ChatLine[]) => lines.map((l) => l.text);

describe("ChatLog.since (reconnect replay)", () => {
  it("returns the lines after an id, oldest first", () => {
    const log = new ChatLog(100);
    for (let i = 1; i <= 10; i++) log.append(line(i));
    expect(log.since(7, 100)).toEqual({
      lines: [7, 8, 9].map((n) => expect.objectContaining({ id: n + 1, text: `line ${n + 1}` }) as ChatLine),
      hasMore: false,
      truncated: false,
    });
    expect(log.since(10, 100).lines).toEqual([]);
    expect(log.since(999, 100).lines).toEqual([]);
    expect(log.lastId).toBe(10);
  });

  it("pages: at most `limit` lines, then hasMore", () => {
    const log = new ChatLog(500);
    for (let i = 1; i <= 250; i++) log.append(line(i));
    const first = log.since(0, 100);
    expect(first.lines).toHaveLength(100);
    expect(first.hasMore).toBe(true);
    const second = log.since(first.lines.at(-1)!.id, 100);
    expect(second.lines[0]?.id).toBe(101);
    const third = log.since(second.lines.at(-1)!.id, 100);
    expect(third).toMatchObject({ hasMore: false });
    expect(third.lines).toHaveLength(50);
  });

  it("says so when lines after the id have rolled out of the buffer", () => {
    const log = new ChatLog(50);
    for (let i = 1; i <= 120; i++) log.append(line(i));
    const replay = log.since(10, 100);
    expect(replay.truncated).toBe(true);
    expect(replay.lines[0]?.id).toBe(71);
    expect(replay.lines).toHaveLength(50);
    expect(log.since(70, 100).truncated).toBe(false);
  });

  it("replays a whisper only to its sender and recipient", () => {
    const log = new ChatLog(100);
    log.append(line(1));
    log.append(line(2, { from: "alice", to: "bob" }));
    log.append(line(3));
    expect(texts(log.since(0, 100, visibleTo("bob")).lines)).toEqual(["line 1", "line 2", "line 3"]);
    expect(texts(log.since(0, 100, visibleTo("alice")).lines)).toEqual(["line 1", "line 2", "line 3"]);
    expect(texts(log.since(0, 100, visibleTo("carol")).lines)).toEqual(["line 1", "line 3"]);
    expect(texts(log.history(50, visibleTo("carol")))).toEqual(["line 1", "line 3"]);
  });

  it("does not count invisible lines against the page", () => {
    const log = new ChatLog(100);
    log.append(line(1, { from: "alice", to: "bob" }));
    log.append(line(2, { from: "alice", to: "bob" }));
    log.append(line(3));
    const replay = log.since(0, 1, visibleTo("carol"));
    expect(texts(replay.lines)).toEqual(["line 3"]);
    expect(replay.hasMore).toBe(false);
  });
});
