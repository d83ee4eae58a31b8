import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { NOT_FOUND_BODY } from "../server/http/plainAnswers.ts";
import type { HttpAdmission, HttpRefusalResponse } from "../server/net/httpAdmission.ts";
import { routedPath } from "../server/net/requestPath.ts";

/**
 * Mirrors: @colyseus/core@0.18.17 src/router/index.ts (bindRouterToTransport: `server.prependListener("request", …)`, the `/__healthcheck` endpoint it adds)
 * Mirrors: @colyseus/ws-transport@0.18.4 src/WebSocketTransport.ts (the `server` option is the http.Server it listens on)
 *
 * The HTTP server the WebSocket transport listens on, with the admission
 * (server/net/httpAdmission.ts) in front of every request listener.
 *
 * Why not an express middleware: Colyseus answers /matchmake from its own
 * router, in a 'request' listener it prepends at listen time ahead of
 * express (core router/index.ts bindRouterToTransport), so a middleware
 * never sees those requests. Intercepting the server's 'request' emission
 * runs before every listener, whenever it was added.
 */

/**
 * Slow-request bounds (Node's defaults are 60 s for headers and 300 s for a
 * whole request): a client trickling bytes holds a socket for at most this.
 */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Routes Colyseus' router adds on its own (bindRouterToTransport) that name
 * the framework: `GET /__healthcheck` answers "OK" on every Colyseus server.
 * Answered 404 here like any unknown route; the load balancer checks
 * `/health` (deploy/haproxy). Matched as the routers read paths
 * (requestPath.ts), so `/__HealthCheck` or `//__healthcheck` are hidden too.
 */
export const COLYSEUS_BUILTIN_ROUTES: readonly string[] = ["/__healthcheck"];

const NOT_FOUND: Answer = {
  status: 404,
  headers: { "content-type": "application/json", "content-length": Buffer.byteLength(NOT_FOUND_BODY) },
  body: NOT_FOUND_BODY,
};

export function createGatedHttpServer(admit: HttpAdmission): http.Server {
  const server = http.createServer();
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  const gatedEmit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== "request") return emit(event, ...args);
    const req = args[0] as IncomingMessage;
    const res = args[1] as ServerResponse;
    if (COLYSEUS_BUILTIN_ROUTES.includes(routedPath(req.url))) {
      answer(res, NOT_FOUND);
      return true;
    }
    const verdict = admit({
      method: req.method,
      url: req.url,
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress,
    });
    if (!(verdict instanceof Promise)) {
      if (verdict === undefined) return emit(event, ...args);
      answer(res, verdict);
      return true;
    }
    // A shared budget (cluster mode) answers later; the request's body waits
    // unread in its stream meanwhile, and Node parses nothing else on this
    // connection until the response ends. The admission never rejects and is
    // bounded by its store timeout; the catch is a last resort, not a path.
    verdict.then(
      (refusal) => {
        if (req.destroyed || res.writableEnded) return;
        if (refusal === undefined) emit(event, ...args);
        else answer(res, refusal);
      },
      () => answer(res, UNAVAILABLE),
    );
    return true;
  };
  server.emit = gatedEmit as typeof server.emit;
  return server;
}

/** Answered if the admission itself failed: refused, never let through unchecked. */
const UNAVAILABLE: Answer = {
  status: 503,
  headers: { "content-type": "application/json", connection: "close" },
  body: JSON.stringify({ error: "unavailable" }),
};

type Answer = Omit<HttpRefusalResponse, "status"> & { status: number };

/** Answers the request with the admission's refusal. */
function answer(res: ServerResponse, refusal: Answer): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(refusal.status, refusal.headers);
  res.end(refusal.body);
}
