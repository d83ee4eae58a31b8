/**
 * Getting a player back into a room after the server said it is going away
 * (`server:shutdown`, then 4001). A deploy or a restart: the process (or, in
 * a cluster, another one) is usually up within seconds, and the room the
 * player was in is gone with its process, so the way back is a quick play.
 * Attempts start fast (a cluster's other processes answer at once) and back
 * off to one every few seconds (a single process restarting), until
 * REJOIN_GIVE_UP_MS; then the player is told to press Quick play.
 */
export const REJOIN_DELAYS_MS = [500, 1000, 2000, 3000, 5000] as const;
/** Two minutes: longer than a restart or a rolling deploy takes; a server down longer needs a person. */
export const REJOIN_GIVE_UP_MS = 120_000;

/** The wait before attempt `attempt` (0-based): the schedule above, then its last step. */
export function rejoinDelayMs(attempt: number): number {
  return REJOIN_DELAYS_MS[Math.min(attempt, REJOIN_DELAYS_MS.length - 1)] ?? 5000;
}

export type RejoinStatus = { kind: "waiting"; attempt: number } | { kind: "gave-up" };

export interface RejoinClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: RejoinClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Runs `attempt` on the schedule until it answers true, `cancel()` is called, or the time is up. */
export class Rejoiner {
  private timer: unknown;
  private attempts = 0;
  private cancelled = false;
  private readonly startedAt: number;

  constructor(
    private readonly attempt: () => Promise<boolean>,
    private readonly report: (status: RejoinStatus) => void,
    private readonly clock: RejoinClock = realClock,
  ) {
    this.startedAt = clock.now();
    this.schedule();
  }

  /** The player chose something else (a button on the start screen): no more attempts. */
  cancel(): void {
    this.cancelled = true;
    this.clock.clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.clock.now() - this.startedAt >= REJOIN_GIVE_UP_MS) {
      this.report({ kind: "gave-up" });
      return;
    }
    this.report({ kind: "waiting", attempt: this.attempts + 1 });
    this.timer = this.clock.setTimeout(() => void this.run(), rejoinDelayMs(this.attempts));
  }

  private async run(): Promise<void> {
    if (this.cancelled) return;
    this.attempts++;
    const joined = await this.attempt().catch(() => false);
    if (!joined && !this.cancelled) this.schedule();
  }
}
