import { describe, expect, it } from "vitest";
import { ChatLog } from "../../server/chat/ChatLog.ts";
import { ChatKind, type UnnumberedChatLine } from "../../shared/index.ts";

const say = (n: number): UnnumberedChatLine => ({ kind: ChatKind.Say, from: "s", name: "n", text: `line ${n}`, at: n });
const whisper = (n: number, from: string, to: string): UnnumberedChatLine => ({
  kind: ChatKind.Whisper,
  from: `session-${from}`,
  name: from,
  to: `session-${to}`,
  toName: to,
  text: `psst ${n}`,
  at: n,
});

describe("ChatLog", () => {
  it("numbers every line, whispers included, from one increasing sequence", () => {
    const log = new ChatLog(50);
    const ids = [log.append(say(1)).id, log.append(whisper(2, "a", "b"), ["a", "b"]).id, log.append(say(3)).id];
    expect(ids).toEqual([1, 2, 3]);
    expect(log.append(say(4)).id).toBe(4);
  });

  it("keeps only the last `capacity` lines; history is the last `limit`, oldest first", () => {
    const log = new ChatLog(80);
    for (let i = 1; i <= 120; i++) log.append(say(i));
    const history = log.historyFor("anyone", 50);
    expect(history).toHaveLength(50);
    expect(history[0]?.text).toBe("line 71");
    expect(history.at(-1)?.text).toBe("line 120");
    expect(history.map((l) => l.id)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
  });

  it("shows a whisper only to the player ids in its audience", () => {
    const log = new ChatLog(50);
    log.append(say(1));
    log.append(whisper(2, "alice", "bob"), ["p_alice", "p_bob"]);
    log.append(say(3));
    const texts = (playerId: string) => log.historyFor(playerId, 50).map((l) => l.text);
    expect(texts("p_alice")).toEqual(["line 1", "psst 2", "line 3"]);
    expect(texts("p_bob")).toEqual(["line 1", "psst 2", "line 3"]);
    expect(texts("p_carol")).toEqual(["line 1", "line 3"]);
  });

  it("fills a history with lines the viewer may see, not with others' whispers", () => {
    const log = new ChatLog(200);
    for (let i = 1; i <= 10; i++) log.append(say(i));
    for (let i = 11; i <= 100; i++) log.append(whisper(i, "a", "b"), ["p_a", "p_b"]);
    expect(log.historyFor("p_c", 5).map((l) => l.text)).toEqual([6, 7, 8, 9, 10].map((n) => `line ${n}`));
  });

  it("replays what a player may see after an id, and says when lines were lost", () => {
    const log = new ChatLog(5);
    for (let i = 1; i <= 4; i++) log.append(say(i));
    log.append(whisper(5, "a", "b"), ["p_a", "p_b"]);
    expect(log.since(2, "p_c")).toEqual({
      lines: [expect.objectContaining({ id: 3 }), expect.objectContaining({ id: 4 })],
      complete: true,
    });
    expect(log.since(2, "p_a").lines.map((l) => l.id)).toEqual([3, 4, 5]);
    expect(log.since(5, "p_a")).toEqual({ lines: [], complete: true });
    log.append(say(6)); // drops id 1
    log.append(say(7)); // drops id 2
    expect(log.since(0, "p_c").complete).toBe(false);
    expect(log.since(1, "p_c").complete).toBe(false);
    expect(log.since(2, "p_c")).toMatchObject({ complete: true });
  });

  it("returns copies of its lists", () => {
    const log = new ChatLog(5);
    log.append(say(1));
    log.historyFor("p", 5).pop();
    expect(log.historyFor("p", 5)).toHaveLength(1);
  });
});
