import { describe, expect, it } from "vitest";
import { CHAT_MAX_LENGTH, CHAT_MAX_RAW_UNITS, MAX_STACKED_MARKS, checkChatText } from "../../shared/index.ts";

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

  it("refuses a raw line longer than CHAT_MAX_RAW_UNITS before cleaning it, whatever cleaning would leave", () => {
    const padded = (units: number) => `hi${"\u200B".repeat(units - 2)}`;
    expect(checkChatText(padded(CHAT_MAX_RAW_UNITS))).toEqual({ ok: true, text: "hi" });
    expect(checkChatText(padded(CHAT_MAX_RAW_UNITS + 1))).toEqual({ ok: false, reason: "too_long" });
    // The longest line that can pass (astral code points, two units each) is well within it.
    expect(checkChatText("🎮".repeat(CHAT_MAX_LENGTH)).ok).toBe(true);
  });

  it("keeps markup as plain text (rendering is the client's job)", () => {
    expect(checkChatText("<img src=x onerror=alert(1)>")).toEqual({ ok: true, text: "<img src=x onerror=alert(1)>" });
  });
});

describe("stacked combining marks (MAX_STACKED_MARKS = 3 per base character)", () => {
  it("caps a Zalgo stack and delivers the rest of the line", () => {
    expect(MAX_STACKED_MARKS).toBe(3);
    const zalgo = `a${"\u0301".repeat(50)}b${"\u0316\u0317".repeat(20)}c`;
    expect(checkChatText(zalgo)).toEqual({ ok: true, text: "a\u0301\u0301\u0301b\u0316\u0317\u0316c" });
    // Invisible characters between marks do not reset the count.
    expect(checkChatText(`x${"\u0301\u200B".repeat(10)}`)).toEqual({ ok: true, text: "x\u0301\u0301\u0301" });
    // Marks with no base at all are capped too.
    expect(checkChatText("\u0301".repeat(10))).toEqual({ ok: true, text: "\u0301\u0301\u0301" });
  });

  it.each([
    ["Vietnamese (precomposed)", "Tiếng Việt có dấu: người, được, ở, ệ"],
    ["Vietnamese (decomposed: up to 2 marks a letter)", "Tiếng Việt có dấu: người, được, ở, ệ".normalize("NFD")],
    ["Hindi / Devanagari", "नमस्ते, आप कैसे हैं? स्त्री क्षत्रिय"],
    ["Devanagari with nukta, vowel sign and anusvara (3 marks)", "\u0915\u093C\u0948\u0902"],
    ["Arabic with harakat", "بِسْمِ ٱللَّٰهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ"],
    ["Hebrew with niqqud", "שָׁלוֹם עֲלֵיכֶם"],
    ["Thai with a vowel and a tone mark", "สวัสดี กั้น"],
    ["Myanmar (spacing marks do not stack)", "\u1000\u103C\u103D\u1031\u1038"],
    [
      "emoji ZWJ sequences",
      "\u{1F468}\u200D\u{1F469}\u200D\u{1F467} \u{1F469}\u{1F3FD}\u200D\u{1F4BB} \u{1F3F3}\uFE0F\u200D\u{1F308}",
    ],
    ["flags", "\u{1F1EB}\u{1F1F7} \u{1F1EF}\u{1F1F5} \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"],
    ["keycaps and emoji presentation", "1\uFE0F\u20E3 #\uFE0F\u20E3 \u2764\uFE0F \u263A\uFE0E"],
  ])("keeps %s unchanged", (_label, text) => {
    expect(checkChatText(text)).toEqual({ ok: true, text });
  });

  it("drops joiners and selectors outside emoji", () => {
    expect(checkChatText("a\u200Db\uFE0Fc \u{1F600}\u200D\u200Dx")).toEqual({ ok: true, text: "abc \u{1F600}x" });
  });
});
