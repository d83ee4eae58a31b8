import { NAME_MAX_LENGTH } from "./constants.ts";
import { cleanText, truncateCodePoints } from "./text.ts";

/**
 * Server-side display name rule: invisible and control characters removed,
 * whitespace collapsed, trimmed, at most NAME_MAX_LENGTH code points. Returns
 * "" when nothing printable is left (the caller then generates one).
 */
export function sanitizeName(raw: unknown): string {
  if (typeof raw !== "string") return "";
  return truncateCodePoints(cleanText(raw), NAME_MAX_LENGTH).trimEnd();
}

/** `Player-4F2A`: four hex digits drawn from `random` (the room's seeded PRNG). */
export function generatedName(random: () => number): string {
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .toUpperCase()
    .padStart(4, "0");
  return `Player-${suffix}`;
}
