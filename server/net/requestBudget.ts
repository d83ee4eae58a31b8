import type { MaybePromise } from "./maybePromise.ts";
import type { TokenBuckets } from "./rateLimits.ts";
import type { SharedStoreGuard } from "./sharedStore.ts";

/** One request's share of its IP's budget: taken, or refused with the `Retry-After` to send. */
export type BudgetVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/** The per-IP request budget of /matchmake, /auth and WebSocket upgrades (HTTP_RATE_PER_MIN, HTTP_BURST). */
export interface RequestBudget {
  take(ip: string): MaybePromise<BudgetVerdict>;
}

const TAKEN: BudgetVerdict = { ok: true };

/** This process' token buckets (rateLimits.ts), answered synchronously: the single-process budget. */
export function localRequestBudget(buckets: TokenBuckets): RequestBudget {
  return {
    take: (ip) => (buckets.take(ip) ? TAKEN : { ok: false, retryAfterSeconds: buckets.retryAfterSeconds(ip) }),
  };
}

/**
 * The shape of rate-limiter-flexible's limiters this needs (`RateLimiterRedis`,
 * `RateLimiterMemory`): `consume` resolves when the point was taken and
 * rejects with a `RateLimiterRes` (not an Error) when the key is out of
 * points, or with an Error when the store failed.
 */
export interface PointsLimiter {
  consume(key: string): Promise<unknown>;
}

/** A `RateLimiterRes` refusal, as opposed to a store error. */
function refusal(reason: unknown): { msBeforeNext: number } | undefined {
  if (typeof reason !== "object" || reason === null || reason instanceof Error) return undefined;
  const msBeforeNext = (reason as { msBeforeNext?: unknown }).msBeforeNext;
  return typeof msBeforeNext === "number" ? { msBeforeNext } : undefined;
}

/**
 * A budget held in a store every process shares (cluster mode), so N
 * processes behind a balancer give one IP one budget, not N. When the store
 * fails or stalls (guard), the request is decided by `fallback`: this
 * process' own budget, as a single process would.
 */
export function sharedRequestBudget(options: {
  store: PointsLimiter;
  fallback: RequestBudget;
  guard: SharedStoreGuard;
}): RequestBudget {
  const { store, fallback, guard } = options;
  return {
    async take(ip) {
      const shared = await guard.run("http", () =>
        store.consume(ip).then(
          (): BudgetVerdict => TAKEN,
          (reason: unknown): BudgetVerdict => {
            const refused = refusal(reason);
            if (refused === undefined) throw reason;
            return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(refused.msBeforeNext / 1000)) };
          },
        ),
      );
      return shared.ok ? shared.value : fallback.take(ip);
    },
  };
}

/**
 * The token bucket (HTTP_BURST tokens, HTTP_RATE_PER_MIN refill) as the fixed
 * window rate-limiter-flexible's Redis store counts: `points` requests per
 * `durationSeconds`. The window is the time the bucket takes to refill from
 * empty, so the first burst and the long-run rate match the bucket's; the
 * difference is at a window's edge, where a client that spent a whole window
 * at its end can spend the next at once (up to 2 × burst in a short span, as
 * with any fixed window). The store counts in whole seconds and a 0-second
 * window would never expire, so the window is at least 1 s, with the points
 * raised to keep the rate.
 */
export function fixedWindowFor(ratePerMinute: number, burst: number): { points: number; durationSeconds: number } {
  const perSecond = ratePerMinute / 60;
  const durationSeconds = Math.max(1, Math.ceil(burst / perSecond));
  return { points: Math.max(burst, Math.floor(perSecond * durationSeconds)), durationSeconds };
}
