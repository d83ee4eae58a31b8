import { ChatRejectReason, foldName, type ChatRejected, type Role } from "../../shared/index.ts";

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
 * The single identity answering to `name`. Several sessions of one player id
 * are one target; several player ids are ambiguous (guests choose their own
 * names, so duplicates happen).
 */
export function resolveTarget(
  name: string,
  candidates: Iterable<Candidate>,
): { ok: true; target: Target } | { ok: false; rejection: ChatRejected } {
  const wanted = foldName(name);
  const found = new Map<string, Target>();
  for (const candidate of candidates) {
    if (foldName(candidate.name) !== wanted) continue;
    let target = found.get(candidate.playerId);
    if (target === undefined) {
      target = { playerId: candidate.playerId, name: candidate.name, role: candidate.role, sessionIds: [] };
      found.set(candidate.playerId, target);
    }
    if (candidate.sessionId !== undefined) target.sessionIds.push(candidate.sessionId);
  }
  const [target, ...others] = found.values();
  if (target === undefined) return { ok: false, rejection: { reason: ChatRejectReason.NoSuchPlayer, name } };
  if (others.length > 0) {
    return { ok: false, rejection: { reason: ChatRejectReason.AmbiguousName, name, matches: found.size } };
  }
  return { ok: true, target };
}
