import { describe, expect, it } from "vitest";
import { NAME_MAX_LENGTH, generatedName, sanitizeName, seededRandom } from "../../shared/index.ts";
import { nameKeys, sameName, uniqueName } from "../../shared/nameKeys.ts";

describe("sanitizeName", () => {
  it.each([
    ["trims", "  Alice  ", "Alice"],
    ["removes control characters", "Al\u0007ice\u001b", "Alice"],
    ["removes zero-width characters", "A\u200Bl\u200Ci\u200Dc\uFEFFe\u2060", "Alice"],
    ["removes bidi overrides", "\u202EecilA\u202C", "ecilA"],
    ["turns line breaks into one space", "Big\n\n\tBob", "Big Bob"],
    ["caps at 16 characters", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnop"],
    ["counts an emoji once and never splits it", "😀".repeat(20), "😀".repeat(16)],
    ["does not end on a space after cutting", "abcdefghijklmno pq", "abcdefghijklmno"],
    ["keeps letters of any script", "Zoë 李 Ünal", "Zoë 李 Ünal"],
    ["drops double quotes (commands quote names with them)", 'Bo" b \uFF02x', "Bo b x"],
    ["drops variation selectors after letters", "Alice\uFE0F\uFE0E", "Alice"],
    ["drops the combining grapheme joiner and tag characters", "Al\u034Fi\u{E0041}ce\u{E007F}", "Alice"],
    ["drops Mongolian variation selectors and the soft hyphen", "Al\u180Bi\u00ADce", "Alice"],
    [
      "keeps emoji whole",
      "\u{1F469}\u{1F3FD}\u200D\u{1F4BB}\u2764\uFE0F",
      "\u{1F469}\u{1F3FD}\u200D\u{1F4BB}\u2764\uFE0F",
    ],
    ["caps stacked combining marks at 3", `Z${"\u0301".repeat(30)}oe`, "Z\u0301\u0301\u0301oe"],
  ])("%s", (_label, raw, expected) => {
    expect(sanitizeName(raw)).toBe(expected);
  });

  it.each([
    ["empty", ""],
    ["only spaces", "    "],
    ["only invisible characters", "\u200B\u200E\u3164\u2800\uFE0F\u034F\u{E0020}"],
    ["a number", 42],
    ["undefined", undefined],
    ["an object", { toString: () => "Mallory" }],
  ])("returns '' for %s", (_label, raw) => {
    expect(sanitizeName(raw)).toBe("");
  });

  it("never returns more than NAME_MAX_LENGTH code points", () => {
    expect(Array.from(sanitizeName("x".repeat(10_000))).length).toBe(NAME_MAX_LENGTH);
  });
});

describe("generatedName", () => {
  it("is Player- and four hex digits", () => {
    expect(generatedName(seededRandom(1))).toMatch(/^Player-[0-9A-F]{4}$/);
  });

  it("follows the seed", () => {
    expect(generatedName(seededRandom(9))).toBe(generatedName(seededRandom(9)));
    expect(generatedName(() => 0)).toBe("Player-0000");
    expect(generatedName(() => 0.999999)).toBe("Player-FFFF");
  });
});

describe("uniqueName", () => {
  const takenBy = (...names: string[]) => {
    const taken = new Set(names.flatMap(nameKeys));
    return (key: string) => taken.has(key);
  };

  it("keeps a free name", () => {
    expect(uniqueName("Alice", takenBy("Bob"))).toBe("Alice");
  });

  it("numbers a name taken in any case or composition", () => {
    expect(uniqueName("troll", takenBy("Troll"))).toBe("troll 2");
    expect(uniqueName("ZOË", takenBy("zoe\u0308", "ZOË 2"))).toBe("ZOË 3");
  });

  it("numbers a look-alike of a taken name, keeping its spelling", () => {
    expect(uniqueName("\u0410lice", takenBy("Alice"))).toBe("\u0410lice 2");
    expect(uniqueName("M\u043Ed", takenBy("Mod", "MOD 2"))).toBe("M\u043Ed 3");
  });

  it("stays within NAME_MAX_LENGTH", () => {
    const long = "abcdefghijklmnop";
    const name = uniqueName(long, takenBy(long));
    expect(name).toBe("abcdefghijklmn 2");
    expect(Array.from(name).length).toBeLessThanOrEqual(NAME_MAX_LENGTH);
  });
});

describe("nameKeys (UTS #39 skeletons, case-folded)", () => {
  it.each([
    ["a Cyrillic capital А", "Alice", "\u0410lice"],
    ["a Cyrillic small о", "Mod", "M\u043Ed"],
    ["Greek capitals", "BOA", "\u0392\u039F\u0391"],
    ["a Cyrillic capital В, in another case", "bob", "\u0412OB"],
    ["fullwidth letters", "Alice", "\uFF21lice"],
    ["fullwidth small letters", "mod", "\uFF4D\uFF4F\uFF44"],
    ["mathematical letters", "paypal", "\u{1D52D}\u{1D4B6}\u1EFF\u{1D561}\u{1D552}\u2113"],
    ["a variation selector", "Alice", "Alice\uFE0F"],
    ["a zero-width space", "Alice", "Ali\u200Bce"],
    ["case", "ALICE", "alice"],
    ["composition", "Zoë", "zoe\u0308"],
    ["digit one for small L", "Bill", "Bi11"],
  ])("make a name with %s the same", (_label, a, b) => {
    expect(sameName(a, b)).toBe(true);
    expect(sameName(b, a)).toBe(true);
  });

  it.each([
    ["Alice", "Alicia"],
    ["Bob", "Bob 2"],
    ["allce", "ALICE"],
    ["\u0432ob", "bob 2"],
    ["李", "季"],
  ])("keep %j and %j apart", (a, b) => {
    expect(sameName(a, b)).toBe(false);
  });
});
