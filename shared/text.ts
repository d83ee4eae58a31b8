/**
 * Text hygiene shared by names and chat. Runs on the server (authoritative) and
 * on the client (to show the player what will be accepted).
 */
import { MAX_STACKED_MARKS } from "./constants.ts";

/** Whitespace controls become spaces so "a\nb" stays two words. */
const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * An emoji sequence whose invisible parts are kept, or one invisible code
 * point, which is dropped. Invisible: controls (Cc), format characters (Cf:
 * zero-width space/joiners, word joiner, BOM, soft hyphen, bidi embeddings,
 * overrides and isolates, tag characters), lone surrogates (Cs), every
 * Default_Ignorable_Code_Point (variation selectors, the combining grapheme
 * joiner, Mongolian variation selectors, the Hangul fillers that render as
 * nothing) and the braille blank: all are used to fake empty names or to make
 * one name look like another.
 *
 * The exceptions are where these code points are the text (they would
 * otherwise break emoji into pieces): U+FE0F/U+FE0E right after an emoji
 * ("❤️", keycaps "1️⃣"), U+200D between pictographs (👩‍💻, 🏳️‍🌈, 👨‍👩‍👧) and tag
 * characters inside a subdivision flag (🏴 + tags + U+E007F: 🏴󠁧󠁢󠁳󠁣󠁴󠁿). A joiner or selector anywhere
 * else is dropped. Name skeletons ignore all of them anyway (`nameKeys`).
 */
const EMOJI_OR_INVISIBLE = new RegExp(
  "(\\u{1F3F4}[\\u{E0020}-\\u{E007E}]+\\u{E007F}" +
    "|\\p{Emoji}(?:[\\uFE0E\\uFE0F]|\\p{Emoji_Modifier})?" +
    "(?:\\u200D\\p{Extended_Pictographic}(?:\\uFE0F|\\p{Emoji_Modifier})?)*)" +
    "|[\\p{Cc}\\p{Cf}\\p{Cs}\\p{Default_Ignorable_Code_Point}\\u2800]",
  "gu",
);

/** A run of combining marks (after one base character, or at the start). */
const MARK_RUN = /\p{M}+/gu;
/** Marks that stack on their base (nonspacing, enclosing); spacing marks (Mc) take room in the line instead. */
const STACKING_MARK = /[\p{Mn}\p{Me}]/u;

const WHITESPACE_RUN = /\s+/gu;

/**
 * Remove invisible characters, cap stacked combining marks, turn line breaks
 * into spaces, collapse runs of whitespace, trim.
 */
export function cleanText(raw: string): string {
  const visible = raw.replace(WHITESPACE_CONTROLS, " ").replace(EMOJI_OR_INVISIBLE, (_, emoji?: string) => emoji ?? "");
  return capStackedMarks(visible).replace(WHITESPACE_RUN, " ").trim();
}

/**
 * Keep at most MAX_STACKED_MARKS nonspacing or enclosing marks on each base
 * character, dropping the rest (as invisible characters are dropped: the line
 * is still delivered). Counted per base code point rather than per grapheme
 * cluster, so Indic conjuncts (one cluster of several consonants, each with
 * its own marks) are never cut, and the result does not depend on the
 * runtime's grapheme rules.
 */
export function capStackedMarks(text: string): string {
  return text.replace(MARK_RUN, (run) => {
    // Code units ≥ code points, so a short run cannot be over the cap.
    if (run.length <= MAX_STACKED_MARKS) return run;
    let stacked = 0;
    let kept = "";
    for (const mark of run) {
      if (STACKING_MARK.test(mark) && ++stacked > MAX_STACKED_MARKS) continue;
      kept += mark;
    }
    return kept;
  });
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
