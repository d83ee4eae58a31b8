import type { IncomingHttpHeaders } from "node:http";
import { limitKey, type ClientIpResolver } from "./clientIp.ts";
import { andThen, type MaybePromise } from "./maybePromise.ts";
import type { OriginPolicy } from "./originPolicy.ts";
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
  "origin_forbidden" | "rate_limited" | "too_large" | "length_required" | "matchmaking_unavailable";

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
 * Admits a request (undefined) or answers it with a refusal: at once with a
 * per-process budget, once the shared store answered in a cluster
 * (never later than its timeout: sharedStore.ts).
 */
export type HttpAdmission = (request: HttpRequestHead) => MaybePromise<HttpRefusalResponse | undefined>;

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
 * body 413/411, matchmaking while it cannot work (Redis down) 503. Everything else passes. Applied ahead of every HTTP listener
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
      if (isUnder(path, "matchmake") && req.method === "POST") {
        // A body is either sized up front or refused; no body at all is fine.
        const length = req.headers["content-length"];
        if (req.headers["transfer-encoding"] !== undefined) return refuse(411, "length_required");
        if (length !== undefined && Number(length) > options.matchmakeMaxBodyBytes) return refuse(413, "too_large");
      }
      return undefined;
    });
  };
}
