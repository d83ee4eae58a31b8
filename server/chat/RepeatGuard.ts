export interface RepeatSettings {
  /** The `limit`-th identical line in a row is rejected (3: two go through, the third does not). */
  limit: number;
  /** A line older than this no longer counts towards a run. */
  windowMs: number;
}

interface Run {
  key: string;
  count: number;
  lastAt: number;
}

/**
 * Rejects the same text sent too many times in a row by one player. Callers
 * pass a key that already folds what should count as "the same" (case,
 * whisper recipient).
 */
export class RepeatGuard {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly settings: RepeatSettings) {}

  /** Record `key` from `playerId`; false when it is one repeat too many. */
  allow(playerId: string, key: string, now: number): boolean {
    const run = this.runs.get(playerId);
    if (run !== undefined && run.key === key && now - run.lastAt <= this.settings.windowMs) {
      // Rejected repeats extend the run: a spammer does not get every third line through.
      run.count += 1;
      run.lastAt = now;
      return run.count < this.settings.limit;
    }
    this.runs.set(playerId, { key, count: 1, lastAt: now });
    return this.settings.limit > 1;
  }

  /** Forget runs that have gone stale: they could not extend anyway. */
  sweep(now: number): void {
    for (const [playerId, run] of this.runs) if (now - run.lastAt > this.settings.windowMs) this.runs.delete(playerId);
  }

  get size(): number {
    return this.runs.size;
  }
}
