import type { Role } from "../../shared/index.ts";

export interface Mute {
  /** ms since the epoch. */
  until: number;
  /** The muted player's name and role when muted: lets `/unmute` find them after they left. */
  name: string;
  role: Role;
}

/** Mutes by player id (not session): rejoining does not lift them. Expired ones are forgotten. */
export class MuteList {
  private readonly mutes = new Map<string, Mute>();

  /** Mute until `until`, replacing any earlier decision (a moderator may shorten a mute). */
  set(playerId: string, mute: Mute): void {
    this.mutes.set(playerId, mute);
  }

  /** Mute until at least `until`: never shortens an existing mute. */
  extend(playerId: string, mute: Mute): void {
    const current = this.mutes.get(playerId);
    this.mutes.set(playerId, current !== undefined && current.until > mute.until ? current : mute);
  }

  /** Lift a mute; false when there was none in force. */
  lift(playerId: string, now: number): boolean {
    const live = this.remainingMs(playerId, now) > 0;
    this.mutes.delete(playerId);
    return live;
  }

  /** ms left on the player's mute; 0 when not muted. */
  remainingMs(playerId: string, now: number): number {
    const mute = this.mutes.get(playerId);
    if (mute === undefined) return 0;
    return Math.max(0, mute.until - now);
  }

  /** Mutes still in force, by player id. */
  *active(now: number): IterableIterator<[string, Mute]> {
    for (const entry of this.mutes) if (entry[1].until > now) yield entry;
  }

  sweep(now: number): void {
    for (const [playerId, mute] of this.mutes) if (mute.until <= now) this.mutes.delete(playerId);
  }

  get size(): number {
    return this.mutes.size;
  }
}
