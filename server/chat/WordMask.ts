import { cleanText, codePointLength } from "../../shared/index.ts";

/**
 * Masks listed words with `*`, one per character. Whole words only
 * ("ass" does not touch "class"), case-insensitive, Unicode-aware: a word
 * boundary is any character that is not a letter, mark, digit or `_` in any
 * script, so "Dummkopf!" and "ДУРАК" are found and "Scheiße" is one word.
 *
 * Not a filter for determined evasion (l33t spelling, inserted dots); it keeps
 * casual slurs off the screen. Text is compared in NFC, so a precomposed "é"
 * and "e" + combining accent are the same letter.
 */
export class WordMask {
  private readonly pattern: RegExp | undefined;

  constructor(words: Iterable<string>) {
    const unique = new Set<string>();
    for (const word of words) {
      const clean = cleanText(word).normalize("NFC").toLowerCase();
      if (clean !== "") unique.add(clean);
    }
    if (unique.size === 0) return;
    // Longest first, so "bad word" is masked whole before "bad" could match a part of it.
    const alternatives = [...unique].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = new RegExp(
      `(?<![\\p{L}\\p{M}\\p{N}_])(?:${alternatives.join("|")})(?![\\p{L}\\p{M}\\p{N}_])`,
      "giu",
    );
  }

  /** `text` with every listed word replaced by as many `*` as it has characters. */
  mask(text: string): string {
    if (this.pattern === undefined) return text;
    return text.normalize("NFC").replace(this.pattern, (word) => "*".repeat(codePointLength(word)));
  }

  get empty(): boolean {
    return this.pattern === undefined;
  }
}

/** Escape the syntax characters; with the `u` flag, escaping anything else is itself a syntax error. */
function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}
