import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { HttpAdmission } from "../server/net/httpAdmission.ts";

/**
 * Mirrors: @colyseus/core@0.18.17 src/router/index.ts (bindRouterToTransport: `server.prependListener("request", …)`)
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

export function createGatedHttpServer(admit: HttpAdmission): http.Server {
  const server = http.createServer();
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  const gatedEmit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === "request" && refused(admit, args[0] as IncomingMessage, args[1] as ServerResponse)) return true;
    return emit(event, ...args);
  };
  server.emit = gatedEmit as typeof server.emit;
  return server;
}

/** Answers the request itself when the admission refuses it. */
function refused(admit: HttpAdmission, req: IncomingMessage, res: ServerResponse): boolean {
  const refusal = admit({
    method: req.method,
    url: req.url,
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress,
  });
  if (refusal === undefined) return false;
  res.writeHead(refusal.status, refusal.headers);
  res.end(refusal.body);
  return true;
}
