/**
 * How a limit shared through a store (Redis, in a cluster) behaves when the
 * store fails: the caller decides with this process' own limit instead, so a
 * request or upgrade is never let through unchecked and never waits longer
 * than `timeoutMs` on a store that stopped answering.
 *
 * Why not rate-limiter-flexible's `insuranceLimiter` alone: it falls back
 * silently, per call, and only on errors. Here the fallback also covers a
 * store that hangs (a timeout), is logged once per outage rather than per
 * request, is counted in a metric, and after a failure the store is left
 * alone for `retryMs` (a stalled store would otherwise cost every request the
 * whole timeout).
 */

/** Which shared limit fell back (the `limit` label of tickwire_shared_limits_fallbacks_total). */
export type SharedLimit = "http" | "connections";

export interface SharedStoreGuardOptions {
  /** Longest wait for one store answer. */
  timeoutMs: number;
  /** After a failure, calls skip the store this long before trying it again. */
  retryMs: number;
  now?: () => number;
  /** The store failed while it was up: log once, raise the degraded gauge. */
  onDown?: (error: unknown) => void;
  /** The store answered again after an outage. */
  onUp?: () => void;
  /** One decision was taken with the per-process limit instead of the shared one. */
  onFallback?: (limit: SharedLimit) => void;
}

export type GuardedResult<T> = { ok: true; value: T } | { ok: false };

/** Defaults: Redis answers in well under 1 ms on a LAN; 250 ms is a stalled store, not a slow one. */
export const SHARED_STORE_TIMEOUT_MS = 250;
export const SHARED_STORE_RETRY_MS = 1000;

export class SharedStoreGuard {
  private down = false;
  private retryAt = 0;
  private readonly now: () => number;

  constructor(private readonly options: SharedStoreGuardOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True while the last store call failed (the limits are per process). */
  get degraded(): boolean {
    return this.down;
  }

  /**
   * Run one store call. `{ ok: false }` when the store failed, timed out, or
   * is being left alone after a failure: the caller then uses its local limit.
   * `limit` names the decision that falls back (counted); undefined for a
   * bookkeeping write that decides nothing.
   */
  async run<T>(limit: SharedLimit | undefined, call: () => Promise<T>): Promise<GuardedResult<T>> {
    if (this.down && this.now() < this.retryAt) return this.fellBack(limit);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`shared limit store did not answer within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
    });
    try {
      const value = await Promise.race([call(), timedOut]);
      if (this.down) {
        this.down = false;
        this.options.onUp?.();
      }
      return { ok: true, value };
    } catch (error) {
      this.retryAt = this.now() + this.options.retryMs;
      if (!this.down) {
        this.down = true;
        this.options.onDown?.(error);
      }
      return this.fellBack(limit);
    } finally {
      clearTimeout(timer);
    }
  }

  private fellBack(limit: SharedLimit | undefined): GuardedResult<never> {
    if (limit !== undefined) this.options.onFallback?.(limit);
    return { ok: false };
  }
}
