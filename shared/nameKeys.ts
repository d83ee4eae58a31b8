/**
 * How names are compared: uniqueness in a room and naming a player in a
 * command. Not exported from `index.ts`: the confusables table behind
 * `skeleton` is ~100 KB that only the server needs, and the browser bundle
 * would carry it anyway (measured: +142 KB, +66 KB gzipped). Import this file
 * directly.
 */
import { NAME_MAX_LENGTH } from "./constants.ts";
import { skeleton } from "./skeleton.ts";
import { truncateCodePoints } from "./text.ts";

/**
 * What a name is compared by, for uniqueness and for naming a player in a
 * command: two names are the same when they share a key. Each key is a UTS #39
 * confusable skeleton (`skeleton.ts`) of the name folded to one case, after
 * NFKC (fullwidth and other compatibility forms, which the skeleton map
 * misses in lower case: "ｍ" is "m").
 *
 * Two keys, because case and look-alikes do not commute: lower case first
 * keeps "ALICE" = "alice" (the skeleton maps capital I to "l" but leaves "i"),
 * but loses the Cyrillic capital "В" (its lower case "в" looks like nothing
 * Latin); upper case first keeps "ВOB" = "BOB". Prefixed so a key of one kind
 * never meets one of the other.
 */
export function nameKeys(name: string): [string, string] {
  const compatible = name.normalize("NFKC");
  return [`l:${skeleton(compatible.toLowerCase())}`, `u:${skeleton(compatible.toUpperCase())}`];
}

/** Whether two names are the same for uniqueness and commands (see `nameKeys`). */
export function sameName(a: string, b: string): boolean {
  const [al, au] = nameKeys(a);
  const [bl, bu] = nameKeys(b);
  return al === bl || au === bu;
}

/**
 * `name`, or `name 2`, `name 3`… (cut to fit NAME_MAX_LENGTH): the first one
 * `isTaken` refuses none of the keys of (`nameKeys`). Rooms keep display names
 * unique this way, so a moderator can always name a player: two guests
 * calling themselves "Troll" and "troll", or "Alice" and "Аlice" (Cyrillic А),
 * would otherwise make `/mute Troll` ambiguous forever, and a guest could take
 * a moderator's name.
 */
export function uniqueName(name: string, isTaken: (key: string) => boolean): string {
  const free = (candidate: string) => !nameKeys(candidate).some(isTaken);
  if (free(name)) return name;
  for (let n = 2; ; n++) {
    const suffix = ` ${n}`;
    const candidate = `${truncateCodePoints(name, NAME_MAX_LENGTH - suffix.length).trimEnd()}${suffix}`;
    if (free(candidate)) return candidate;
  }
}
