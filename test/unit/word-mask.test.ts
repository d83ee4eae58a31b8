import { describe, expect, it } from "vitest";
import { WordMask } from "../../server/chat/WordMask.ts";

describe("WordMask", () => {
  const mask = new WordMask(["darn", "heck", "dummkopf", "дурак", "bad word", "c++", "Scheiße"]);

  it("masks whole words with one * per character, case-insensitively", () => {
    expect(mask.mask("Darn it, HECK! darn.")).toBe("**** it, ****! ****.");
  });

  it("leaves words that merely contain a listed word", () => {
    expect(mask.mask("darned heckler, undarn, darn_it, darn2")).toBe("darned heckler, undarn, darn_it, darn2");
  });

  it("finds words in any script and counts characters, not UTF-16 units", () => {
    expect(mask.mask("ты ДУРАК!")).toBe("ты *****!");
    expect(mask.mask("Du Dummkopf")).toBe("Du ********");
    expect(mask.mask("so eine SCHEISSE")).toBe("so eine SCHEISSE"); // ß is not folded to SS: documented limit
    expect(mask.mask("so eine Scheiße")).toBe("so eine *******");
  });

  it("treats combining marks as part of a word and compares in NFC", () => {
    const accents = new WordMask(["café"]);
    expect(accents.mask("un cafe\u0301 noir")).toBe("un **** noir");
    expect(accents.mask("un café noir")).toBe("un **** noir");
    expect(new WordMask(["cafe"]).mask("un cafe\u0301")).toBe("un café");
  });

  it("masks phrases and words with regex metacharacters literally", () => {
    expect(mask.mask("a BAD  WORD here")).toBe("a BAD  WORD here"); // the line is cleaned before masking: one space
    expect(mask.mask("a BAD WORD here")).toBe("a ******** here");
    expect(mask.mask("I like c++ and cpp")).toBe("I like *** and cpp");
  });

  it("does nothing with an empty list or blank entries", () => {
    const none = new WordMask(["", "  ", "\u200B"]);
    expect(none.empty).toBe(true);
    expect(none.mask("anything <b>goes</b>")).toBe("anything <b>goes</b>");
  });

  it("never adds markup: links and tags stay plain text", () => {
    expect(mask.mask("see https://example.com/darn <a href=x>heck</a>")).toBe(
      "see https://example.com/**** <a href=x>****</a>",
    );
  });
});
