import type { IncomingHttpHeaders } from "node:http";
import { limitKey, type ClientIpResolver } from "./clientIp.ts";
import { andThen, type MaybePromise } from "./maybePromise.ts";
import type { OriginPolicy } from "./originPolicy.ts";
import type { PendingSeats, Seat } from "./pendingSeats.ts";
import type { BudgetVerdict, RequestBudget } from "./requestBudget.ts";
import { isUnder, routedPath } from "./requestPath.ts";

export interface HttpAdmissionOptions {
  origins: OriginPolicy;
  clientIp: ClientIpResolver;
  /** Per-IP request budget, shared with WebSocket upgrades (and, in a cluster, with the other processes). */
  requests: RequestBudget;
  matchmakeMaxBodyBytes: number;
  /** Called for each refusal (for logs and counters). */
  onRefused?: (refusal: HttpRefusal) => void;
  /** True while matchmaking cannot work (a cluster with Redis down): /matchmake gets 503 at once. */
  matchmakingUnavailable?: () => boolean;
  /** Unclaimed seat reservations per address (MAX_PENDING_SEATS_PER_IP); unset, not counted. */
  pendingSeats?: PendingSeats;
  /** ms since the epoch, for the reservations' lifetimes. */
  now?: () => number;
}

/** What the admission reads of one HTTP request (no socket: its peer address only). */
export interface HttpRequestHead {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
}

/** Why the gate refused a request: the `error` of the JSON body, and a metrics label (a fixed set). */
export type HttpRefusalReason =
  | "origin_forbidden"
  | "rate_limited"
  | "too_large"
  | "length_required"
  | "matchmaking_unavailable"
  | "too_many_pending_seats";

export interface HttpRefusal {
  status: 403 | 411 | 413 | 429 | 503;
  error: HttpRefusalReason;
  ip: string;
  /** The routed path (requestPath.ts), cut to 200 characters: it is the client's text. */
  path: string;
}

/** The whole answer to a refused request. */
export interface HttpRefusalResponse {
  status: HttpRefusal["status"];
  headers: Record<string, string | number>;
  body: string;
}

/**
 * An admitted matchmaking request that may reserve a seat: the gate runs it
 * with its client's address known to the rooms' `onAuth`
 * (colyseus/matchmakeContext.ts) and reports how it was answered, so the
 * seat stays counted as pending only when one was reserved.
 */
export interface MatchmakeAdmitted {
  /** The client's address as the per-IP limits key it (clientIp.ts limitKey). */
  clientKey: string;
  /** The matchmaker's answer: its status and (the start of) its body. Called once. */
  answered(status: number, body: string): void;
}

/**
 * Admits a request (undefined, or a matchmaking request to follow) or
 * answers it with a refusal: at once with a per-process budget, once the
 * shared store answered in a cluster (never later than its timeout:
 * sharedStore.ts).
 */
export type HttpAdmission = (
  request: HttpRequestHead,
) => MaybePromise<HttpRefusalResponse | MatchmakeAdmitted | undefined>;

/** Whether an admission verdict is a refusal to answer (as opposed to a request to pass on). */
export function isRefusal(
  verdict: HttpRefusalResponse | MatchmakeAdmitted | undefined,
): verdict is HttpRefusalResponse {
  return verdict !== undefined && "status" in verdict;
}

/**
 * Routes a browser calls across origins, and the ones worth flooding:
 * matchmaking and tokens. Matched as whole first segments of the routed
 * path, so every spelling a router accepts (`/Auth/guest`,
 * `http://x/auth/guest`) is gated too.
 */
const GATED_SEGMENTS = ["matchmake", "auth"];

/**
 * The gate in front of /matchmake and /auth: foreign origins get 403, a
 * client over its request budget 429, an oversized or unsized matchmaking
 * body 413/411, matchmaking while it cannot work (Redis down) 503, a client
 * holding MAX_PENDING_SEATS_PER_IP unclaimed reservations 429
 * `too_many_pending_seats` (pendingSeats.ts). Everything else passes. Applied ahead of every HTTP listener
 * by colyseus/httpServerGate.ts (why there: see that file). The matchmaking
 * router reads chunked bodies without a size limit (better-call get_raw_body
 * is called without bodySizeLimit), hence the Content-Length rule.
 */
export function createHttpAdmission(options: HttpAdmissionOptions): HttpAdmission {
  return (req) => {
    const path = routedPath(req.url);
    if (!GATED_SEGMENTS.some((segment) => isUnder(path, segment))) return undefined;
    const ip = limitKey(options.clientIp(req.remoteAddress, req.headers["x-forwarded-for"]));
    const refuse = (
      status: HttpRefusal["status"],
      error: HttpRefusalReason,
      extraHeaders: Record<string, string> = {},
    ): HttpRefusalResponse => {
      let headers = extraHeaders;
      options.onRefused?.({ status, error, ip, path: path.slice(0, 200) });
      const body = JSON.stringify({ error });
      // An allowed page must be able to read why it was refused (a 429 it cannot see is a mystery).
      const corsOrigin = options.origins.corsOrigin(req.headers.origin, req.headers.host);
      if (corsOrigin !== undefined) headers = { ...headers, "access-control-allow-origin": corsOrigin, vary: "Origin" };
      // "connection: close": the refused request's body, if any, is never read.
      return {
        status,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          connection: "close",
          ...headers,
        },
        body,
      };
    };

    if (!options.origins.allows(req.headers.origin, req.headers.host)) return refuse(403, "origin_forbidden");
    // Preflights are free: browsers send one per real request, which pays.
    if (req.method === "OPTIONS") return undefined;
    // Before the budget: the shared budget is in the same Redis, and the client spent nothing.
    if (isUnder(path, "matchmake") && options.matchmakingUnavailable?.() === true) {
      return refuse(503, "matchmaking_unavailable", { "retry-after": "2" });
    }
    return andThen(options.requests.take(ip), (budget: BudgetVerdict) => {
      if (!budget.ok) return refuse(429, "rate_limited", { "retry-after": String(budget.retryAfterSeconds) });
      if (!isUnder(path, "matchmake") || req.method !== "POST") return undefined;
      // A body is either sized up front or refused; no body at all is fine.
      const length = req.headers["content-length"];
      if (req.headers["transfer-encoding"] !== undefined) return refuse(411, "length_required");
      if (length !== undefined && Number(length) > options.matchmakeMaxBodyBytes) return refuse(413, "too_large");
      // Last: a request refused for anything else holds no place.
      const { pendingSeats, now = Date.now } = options;
      if (pendingSeats === undefined) return undefined;
      const pending = pendingSeats.claim(ip, now());
      if (!pending.ok) {
        return refuse(429, "too_many_pending_seats", { "retry-after": String(pending.retryAfterSeconds) });
      }
      return {
        clientKey: ip,
        answered(status, body) {
          const seat = status === 200 ? reservedSeat(body) : undefined;
          if (seat === undefined) pending.claim.failed();
          else pending.claim.reserved(seat, now());
        },
      } satisfies MatchmakeAdmitted;
    });
  };
}

/** The seat of a seat reservation answer (core MatchMaker buildSeatReservation), if it is one. */
export function reservedSeat(body: string): Seat | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { sessionId, roomId, processId } = parsed as Record<string, unknown>;
    const named = (value: unknown): value is string => typeof value === "string" && value !== "";
    return named(sessionId) && named(roomId) && named(processId) ? { sessionId, roomId, processId } : undefined;
  } catch {
    return undefined;
  }
}
