import { NAME_MAX_LENGTH, ROOM_TITLE_MAX_LENGTH } from "./constants.ts";
import { cleanText, truncateCodePoints } from "./text.ts";

/**
 * Server-side display name rule: the chat's text hygiene (`cleanText`:
 * invisible and control characters removed, stacked combining marks capped),
 * double quotes removed (chat commands quote names that have spaces, so a
 * name holding one could never be typed in `/mute "…"`), whitespace
 * collapsed, trimmed, at most NAME_MAX_LENGTH code points. Returns "" when
 * nothing printable is left (the caller then generates one).
 */
export function sanitizeName(raw: unknown): string {
  return displayText(raw, NAME_MAX_LENGTH);
}

/**
 * A room's display name (given at create time): the display-name rule
 * above, with its own length. "" means the room has none (the client shows
 * its id).
 */
export function sanitizeRoomTitle(raw: unknown): string {
  return displayText(raw, ROOM_TITLE_MAX_LENGTH);
}

function displayText(raw: unknown, maxLength: number): string {
  if (typeof raw !== "string") return "";
  return truncateCodePoints(cleanText(raw.replace(/["\uFF02]/g, "")), maxLength).trimEnd();
}

/** Names compare case-insensitively and regardless of Unicode composition ("ZOË" is "zoë"). */
export function foldName(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

/** `Player-4F2A`: four hex digits drawn from `random` (the room's seeded PRNG). */
export function generatedName(random: () => number): string {
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .toUpperCase()
    .padStart(4, "0");
  return `Player-${suffix}`;
}
