import { describe, expect, it } from "vitest";
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
