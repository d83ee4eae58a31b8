/** Chat moderation, per room. Durations in ms here, in the units their names say in the environment. */
export interface ChatSettings {
  /** Token bucket: lines a player may send at once... */
  rateBurst: number;
  /** ...and lines per second it refills. */
  rateRefillPerSecond: number;
  /** This many rate-limit rejections within `floodWindowMs` auto-mute the player for `autoMuteMs`. */
  floodRejections: number;
  floodWindowMs: number;
  autoMuteMs: number;
  /** The `repeatLimit`-th identical line in a row (each within `repeatWindowMs` of the last) is rejected. */
  repeatLimit: number;
  repeatWindowMs: number;
  /** `/mute <name>` without minutes, and the most `/mute <name> <minutes>` may give. */
  muteDefaultMs: number;
  muteMaxMs: number;
  /** Words masked with `*` (from CHAT_WORDLIST and CHAT_WORDLIST_FILE). */
  wordList: string[];
}
