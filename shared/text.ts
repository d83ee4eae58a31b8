/**
 * Text hygiene shared by names and chat. Runs on the server (authoritative) and
 * on the client (to show the player what will be accepted).
 */

/** Whitespace controls become spaces so "a\nb" stays two words. */
const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * Invisible or direction-changing code points: controls (Cc), format characters
 * (Cf: zero-width space/joiners, BOM, soft hyphen, bidi embeddings, overrides
 * and isolates), lone surrogates (Cs), and the blank "letters" that render as
 * nothing (Hangul fillers, braille blank) and are used to fake empty names.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\u115F\u1160\u3164\uFFA0\u2800]/gu;

const WHITESPACE_RUN = /\s+/gu;

/** Remove invisible characters, turn line breaks into spaces, collapse runs of whitespace, trim. */
export function cleanText(raw: string): string {
  return raw.replace(WHITESPACE_CONTROLS, " ").replace(INVISIBLE, "").replace(WHITESPACE_RUN, " ").trim();
}

/** Length in code points, so an emoji counts once and is never split in half. */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** The first `max` code points of `text`. */
export function truncateCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join("");
}
