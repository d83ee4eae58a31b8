import { describe, expect, it } from "vitest";
import {
  NAME_MAX_LENGTH,
  foldName,
  generatedName,
  sanitizeName,
  seededRandom,
  uniqueName,
} from "../../shared/index.ts";

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
  ])("%s", (_label, raw, expected) => {
    expect(sanitizeName(raw)).toBe(expected);
  });

  it.each([
    ["empty", ""],
    ["only spaces", "    "],
    ["only invisible characters", "\u200B\u200E\u3164\u2800"],
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
    const taken = new Set(names.map(foldName));
    return (folded: string) => taken.has(folded);
  };

  it("keeps a free name", () => {
    expect(uniqueName("Alice", takenBy("Bob"))).toBe("Alice");
  });

  it("numbers a name taken in any case or composition", () => {
    expect(uniqueName("troll", takenBy("Troll"))).toBe("troll 2");
    expect(uniqueName("ZOË", takenBy("zoe\u0308", "ZOË 2"))).toBe("ZOË 3");
  });

  it("stays within NAME_MAX_LENGTH", () => {
    const long = "abcdefghijklmnop";
    const name = uniqueName(long, takenBy(long));
    expect(name).toBe("abcdefghijklmn 2");
    expect(Array.from(name).length).toBeLessThanOrEqual(NAME_MAX_LENGTH);
  });
});
