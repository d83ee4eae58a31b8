import { ChatRejectReason, foldName, type ChatRejected, type Role } from "../../shared/index.ts";
import { nameKeys } from "../../shared/nameKeys.ts";

export { foldName };

/** Someone a command can name: a player in the room, or a muted player who has left. */
export interface Candidate {
  playerId: string;
  name: string;
  role: Role;
  /** Absent for a player who is no longer in the room. */
  sessionId?: string;
}

/** One identity a name resolved to, with every session it has in the room (two tabs are one player). */
export interface Target {
  playerId: string;
  name: string;
  role: Role;
  sessionIds: string[];
}

/**
 * The single identity answering to `name`: every candidate whose name is the
 * same (`nameKeys`: case, composition, invisible marks and look-alike letters
 * from other scripts do not matter, as for uniqueness). Several sessions of
 * one player id are one target. When several player ids answer (a muted
 * player who left and a newcomer who took a look-alike of their name), the
 * one whose name is spelled exactly as typed, up to case, wins; otherwise
 * the name is ambiguous.
 */
export function resolveTarget(
  name: string,
  candidates: Iterable<Candidate>,
): { ok: true; target: Target } | { ok: false; rejection: ChatRejected } {
  const [lower, upper] = nameKeys(name);
  const found = new Map<string, Target>();
  for (const candidate of candidates) {
    const [candidateLower, candidateUpper] = nameKeys(candidate.name);
    if (candidateLower !== lower && candidateUpper !== upper) continue;
    let target = found.get(candidate.playerId);
    if (target === undefined) {
      target = { playerId: candidate.playerId, name: candidate.name, role: candidate.role, sessionIds: [] };
      found.set(candidate.playerId, target);
    }
    if (candidate.sessionId !== undefined) target.sessionIds.push(candidate.sessionId);
  }
  let matches = [...found.values()];
  if (matches.length > 1) {
    const typed = foldName(name);
    const exact = matches.filter((target) => foldName(target.name) === typed);
    if (exact.length === 1) matches = exact;
  }
  const [target, ...others] = matches;
  if (target === undefined) return { ok: false, rejection: { reason: ChatRejectReason.NoSuchPlayer, name } };
  if (others.length > 0) {
    return { ok: false, rejection: { reason: ChatRejectReason.AmbiguousName, name, matches: matches.length } };
  }
  return { ok: true, target };
}
