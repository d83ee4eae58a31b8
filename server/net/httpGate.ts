import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { limitKey, type ClientIpResolver } from "./clientIp.ts";
import type { OriginPolicy } from "./originPolicy.ts";
import type { TokenBuckets } from "./rateLimits.ts";
import { isUnder, routedPath } from "./requestPath.ts";

export interface HttpGateOptions {
  origins: OriginPolicy;
  clientIp: ClientIpResolver;
  /** Per-IP request budget, shared with WebSocket upgrades. */
  requests: TokenBuckets;
  matchmakeMaxBodyBytes: number;
  /** Called for each refusal (for logs and counters). */
  onRefused?: (refusal: HttpRefusal) => void;
}

/** Why the gate refused a request: the `error` of the JSON body, and a metrics label (a fixed set). */
export type HttpRefusalReason = "origin_forbidden" | "rate_limited" | "too_large" | "length_required";

export interface HttpRefusal {
  status: 403 | 411 | 413 | 429;
  error: HttpRefusalReason;
  ip: string;
  /** The routed path (requestPath.ts), cut to 200 characters: it is the client's text. */
  path: string;
}

/**
 * Routes a browser calls across origins, and the ones worth flooding:
 * matchmaking and tokens. Matched as whole first segments of the routed
 * path, so every spelling a router accepts (`/Auth/guest`,
 * `http://x/auth/guest`) is gated too.
 */
const GATED_SEGMENTS = ["matchmake", "auth"];

/**
 * Slow-request bounds (Node's defaults are 60 s for headers and 300 s for a
 * whole request): a client trickling bytes holds a socket for at most this.
 */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The HTTP server the WebSocket transport listens on, with a gate in front
 * of /matchmake and /auth: foreign origins get 403, a client over its
 * request budget 429, an oversized or unsized matchmaking body 413/411.
 *
 * Why not an express middleware: Colyseus answers /matchmake from its own
 * router, in a 'request' listener it installs at listen time ahead of
 * express (core router/index.ts bindRouterToTransport), so a middleware
 * never sees those requests. Intercepting the server's 'request' emission
 * runs before every listener, whenever it was added. The matchmaking router
 * also reads chunked bodies without a size limit (better-call get_raw_body
 * is called without bodySizeLimit), hence the Content-Length rule.
 */
export function createGatedHttpServer(options: HttpGateOptions): http.Server {
  const server = http.createServer();
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  const gatedEmit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === "request" && !admit(options, args[0] as IncomingMessage, args[1] as ServerResponse)) return true;
    return emit(event, ...args);
  };
  server.emit = gatedEmit as typeof server.emit;
  return server;
}

function admit(options: HttpGateOptions, req: IncomingMessage, res: ServerResponse): boolean {
  const path = routedPath(req.url);
  if (!GATED_SEGMENTS.some((segment) => isUnder(path, segment))) return true;
  const ip = limitKey(options.clientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"]));
  const refuse = (
    status: HttpRefusal["status"],
    error: HttpRefusalReason,
    extraHeaders: Record<string, string> = {},
  ) => {
    let headers = extraHeaders;
    options.onRefused?.({ status, error, ip, path: path.slice(0, 200) });
    const body = JSON.stringify({ error });
    // An allowed page must be able to read why it was refused (a 429 it cannot see is a mystery).
    const corsOrigin = options.origins.corsOrigin(req.headers.origin, req.headers.host);
    if (corsOrigin !== undefined) headers = { ...headers, "access-control-allow-origin": corsOrigin, vary: "Origin" };
    // "connection: close": the refused request's body, if any, is never read.
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      connection: "close",
      ...headers,
    });
    res.end(body);
    return false;
  };

  if (!options.origins.allows(req.headers.origin, req.headers.host)) return refuse(403, "origin_forbidden");
  // Preflights are free: browsers send one per real request, which pays.
  if (req.method === "OPTIONS") return true;
  if (!options.requests.take(ip)) {
    return refuse(429, "rate_limited", { "retry-after": String(options.requests.retryAfterSeconds(ip)) });
  }
  if (isUnder(path, "matchmake") && req.method === "POST") {
    // A body is either sized up front or refused; no body at all is fine.
    const length = req.headers["content-length"];
    if (req.headers["transfer-encoding"] !== undefined) return refuse(411, "length_required");
    if (length !== undefined && Number(length) > options.matchmakeMaxBodyBytes) return refuse(413, "too_large");
  }
  return true;
}
