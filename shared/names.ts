import { NAME_MAX_LENGTH } from "./constants.ts";
import { cleanText, truncateCodePoints } from "./text.ts";

/**
 * Server-side display name rule: invisible and control characters removed,
 * double quotes removed (chat commands quote names that have spaces, so a
 * name holding one could never be typed in `/mute "…"`), whitespace
 * collapsed, trimmed, at most NAME_MAX_LENGTH code points. Returns "" when
 * nothing printable is left (the caller then generates one).
 */
export function sanitizeName(raw: unknown): string {
  if (typeof raw !== "string") return "";
  return truncateCodePoints(cleanText(raw.replace(/["\uFF02]/g, "")), NAME_MAX_LENGTH).trimEnd();
}

/** Names compare case-insensitively and regardless of Unicode composition ("ZOË" is "zoë"). */
export function foldName(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

/**
 * `name`, or `name 2`, `name 3`… (cut to fit NAME_MAX_LENGTH): the first one
 * `isTaken` does not refuse. Rooms keep display names unique (case-folded), so
 * a moderator can always name a player: two guests calling themselves "Troll"
 * and "troll" would otherwise make `/mute Troll` ambiguous forever, and a guest
 * could take a moderator's name.
 */
export function uniqueName(name: string, isTaken: (folded: string) => boolean): string {
  if (!isTaken(foldName(name))) return name;
  for (let n = 2; ; n++) {
    const suffix = ` ${n}`;
    const candidate = `${truncateCodePoints(name, NAME_MAX_LENGTH - suffix.length).trimEnd()}${suffix}`;
    if (!isTaken(foldName(candidate))) return candidate;
  }
}

/** `Player-4F2A`: four hex digits drawn from `random` (the room's seeded PRNG). */
export function generatedName(random: () => number): string {
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .toUpperCase()
    .padStart(4, "0");
  return `Player-${suffix}`;
}
