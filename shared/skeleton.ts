/**
 * Confusable skeletons (Unicode UTS #39 §4): two strings that render alike
 * ("Alice" with a Cyrillic "А", "Ａlice" fullwidth, "Alice" + U+FE0F) have the
 * same skeleton. For comparing only: a skeleton is a hodgepodge of scripts
 * ("m" becomes "rn") and is never shown.
 *
 * The character map is `unhomoglyph` (nodeca; MIT; Unicode's confusables.txt
 * as JSON, no dependencies, runs in Node and browsers) rather than a hand
 * table; it maps code points only, so the NFD and ignorable steps of the
 * algorithm are done here. Its data is Unicode 13.0's confusables.txt: newer
 * versions add look-alikes among characters added since (none of them Latin,
 * Cyrillic or Greek letters).
 */
import unhomoglyph from "unhomoglyph";

const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/** skeleton(X) = NFD(map(remove default-ignorables(NFD(X)))), as UTS #39 (15.1 and later) defines it. */
export function skeleton(text: string): string {
  return unhomoglyph(text.normalize("NFD").replace(DEFAULT_IGNORABLE, "")).normalize("NFD");
}
