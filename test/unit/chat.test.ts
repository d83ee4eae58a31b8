import { describe, expect, it } from "vitest";
import { ChatLog } from "../../server/chat/ChatLog.ts";
import { CHAT_MAX_LENGTH, checkChatText } from "../../shared/index.ts";

describe("checkChatText", () => {
  it("accepts and cleans a normal line", () => {
    expect(checkChatText("  hello \n world  ")).toEqual({ ok: true, text: "hello world" });
  });

  it.each([
    ["empty", ""],
    ["whitespace", " \t\n "],
    ["invisible characters", "\u200B\u202E\u0000"],
  ])("rejects %s as empty", (_label, raw) => {
    expect(checkChatText(raw)).toEqual({ ok: false, reason: "empty" });
  });

  it("accepts exactly 280 characters and rejects 281", () => {
    expect(checkChatText("a".repeat(CHAT_MAX_LENGTH))).toEqual({ ok: true, text: "a".repeat(CHAT_MAX_LENGTH) });
    expect(checkChatText("a".repeat(CHAT_MAX_LENGTH + 1))).toEqual({ ok: false, reason: "too_long" });
  });

  it("counts after trimming", () => {
    const text = "b".repeat(CHAT_MAX_LENGTH);
    expect(checkChatText(`   ${text}   `)).toEqual({ ok: true, text });
  });

  it("counts an emoji as one character", () => {
    expect(checkChatText("🎮".repeat(CHAT_MAX_LENGTH)).ok).toBe(true);
    expect(checkChatText("🎮".repeat(CHAT_MAX_LENGTH + 1))).toEqual({ ok: false, reason: "too_long" });
  });

  it("keeps markup as plain text (rendering is the client's job)", () => {
    expect(checkChatText("<img src=x onerror=alert(1)>")).toEqual({ ok: true, text: "<img src=x onerror=alert(1)>" });
  });
});

describe("ChatLog", () => {
  const line = (n: number) => ({ from: "s", name: "n", text: `line ${n}`, at: n });

  it("numbers lines with increasing ids", () => {
    const log = new ChatLog(50);
    expect([log.append(line(1)).id, log.append(line(2)).id, log.append(line(3)).id]).toEqual([1, 2, 3]);
  });

  it("keeps only the last `capacity` lines, oldest first", () => {
    const log = new ChatLog(50);
    for (let i = 1; i <= 120; i++) log.append(line(i));
    const history = log.history();
    expect(history).toHaveLength(50);
    expect(history[0]?.text).toBe("line 71");
    expect(history.at(-1)?.text).toBe("line 120");
    expect(history.map((l) => l.id)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
  });

  it("returns a copy", () => {
    const log = new ChatLog(5);
    log.append(line(1));
    log.history().pop();
    expect(log.history()).toHaveLength(1);
  });
});
