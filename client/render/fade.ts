import type { RenderPlayer } from "../net/session.ts";

/** How long a player takes to fade in when the server starts sending it, and out when it stops. */
export const FADE_MS = 300;

/** A player as drawn this frame: `alpha` in (0, 1], below 1 while fading in or out. */
export interface FadedPlayer extends RenderPlayer {
  alpha: number;
  /** True for a player the server no longer sends, drawn where it was last seen while it fades out. */
  leaving: boolean;
}

interface Tracked {
  player: RenderPlayer;
  /** When it was first seen (fading in from there). */
  since: number;
  /** When it was last in the list; undefined while it is. */
  goneAt: number | undefined;
}

/**
 * Fades players in and out of the open world's area of interest. The server
 * adds a player to a client's view when it comes within VIEW_RADIUS and
 * removes it beyond the margin: without this, they pop into and out of
 * existence mid-screen. The players present at the first frame (the initial
 * state) appear at once. The local player never fades.
 */
export class FadeTracker {
  private readonly tracked = new Map<string, Tracked>();
  private started = false;

  constructor(private readonly durationMs: number = FADE_MS) {}

  /** This frame's players, plus those still fading out, each with its alpha. */
  update(now: number, players: readonly RenderPlayer[]): FadedPlayer[] {
    const present = new Set<string>();
    for (const player of players) {
      present.add(player.sessionId);
      const known = this.tracked.get(player.sessionId);
      // Back before its fade-out ended: fade in again from where it had got to.
      const since =
        known === undefined
          ? this.started && !player.self
            ? now
            : -Infinity
          : known.goneAt === undefined
            ? known.since
            : now - this.durationMs * this.alphaOf(known, now);
      this.tracked.set(player.sessionId, { player, since, goneAt: undefined });
    }
    this.started = true;

    const faded: FadedPlayer[] = [];
    for (const [sessionId, entry] of this.tracked) {
      if (!present.has(sessionId)) entry.goneAt ??= now;
      const alpha = this.alphaOf(entry, now);
      if (alpha <= 0) {
        // Invisible: just arrived (kept, it fades in from here) or faded out (forgotten).
        if (entry.goneAt !== undefined) this.tracked.delete(sessionId);
        continue;
      }
      faded.push({ ...entry.player, alpha, leaving: entry.goneAt !== undefined });
    }
    return faded;
  }

  private alphaOf(entry: Tracked, now: number): number {
    const fadeIn = Math.min((now - entry.since) / this.durationMs, 1);
    if (entry.goneAt === undefined) return fadeIn;
    return Math.min(fadeIn, 1 - (now - entry.goneAt) / this.durationMs);
  }
}
