import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { NOT_FOUND_BODY } from "../server/http/plainAnswers.ts";
import {
  isRefusal,
  type HttpAdmission,
  type HttpRefusalResponse,
  type MatchmakeAdmitted,
} from "../server/net/httpAdmission.ts";
import type { HttpConnectionAdmission } from "../server/net/httpConnections.ts";
import { routedPath } from "../server/net/requestPath.ts";
import { withMatchmakeClient } from "./matchmakeContext.ts";

/**
 * Mirrors: @colyseus/core@0.18.17 src/router/index.ts (bindRouterToTransport: `server.prependListener("request", …)`, the `/__healthcheck` endpoint it adds)
 * Mirrors: @colyseus/ws-transport@0.18.4 src/WebSocketTransport.ts (the `server` option is the http.Server it listens on and takes 'upgrade' from; an https.Server has the same events and `listen`)
 *
 * The HTTP server the WebSocket transport listens on, with the admission
 * (server/net/httpAdmission.ts) in front of every request listener.
 *
 * Why not an express middleware: Colyseus answers /matchmake from its own
 * router, in a 'request' listener it prepends at listen time ahead of
 * express (core router/index.ts bindRouterToTransport), so a middleware
 * never sees those requests. Intercepting the server's 'request' emission
 * runs before every listener, whenever it was added. The same interception
 * sees each accepted TCP socket ('connection') before Node gives it a parser,
 * so a connection over the per-IP cap costs nothing but its accept.
 *
 * Slow requests (Node's documented http.Server options, pinned in
 * test/wall/http.test.ts): `headersTimeout` bounds the time from the first
 * byte of a request head (and, for a connection's first request, from
 * accept: a socket that sends nothing expires too) to its end, trickled
 * bytes or not; but Node only checks it every `connectionsCheckingInterval`,
 * 30 s by default, so a 10 s timeout closed sockets after 10 to 40 s. The
 * check walks only the connections in the middle of a request head or body,
 * in C++: running it every tenth of the timeout (at most every second)
 * keeps the bound within 10 % of the setting for no measurable cost, and,
 * unlike a timer per socket from 'connection', also covers every later
 * request of a keep-alive connection. Between requests, an idle keep-alive
 * connection is closed after Node's `keepAliveTimeout` (5 s).
 *
 * With TLS (TLS_CERT_FILE) the server is an https.Server: Node emits
 * 'connection' with the raw TCP socket before the handshake (the cap applies
 * there, before any TLS work), and the same header and request timeouts to
 * the decrypted stream once the handshake is done; the handshake itself is
 * bounded by `handshakeTimeout`, set to the header timeout, so a peer that
 * connects and sends no ClientHello is closed as a silent plain socket is.
 * The request and 'upgrade' then carry the TLSSocket, a different object
 * from the raw socket the slot was taken for: slots are keyed by the
 * connection's address pair, which both share (pinned in
 * test/wall/tls-server.test.ts).
 */

/** The whole-request bound (Node's default is 300 s); Node requires it to be at least `headersTimeout`. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Node's default header timeout is 60 s: the server's own default is EdgeSettings' (10 s). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;

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

export interface HttpServerLimits {
  /** Request head deadline (EdgeSettings.headersTimeoutMs, at most REQUEST_TIMEOUT_MS); also the TLS handshake's. */
  headersTimeoutMs: number;
  /** Each accepted socket, before any byte is read; refused ones are destroyed at once. */
  admitConnection: HttpConnectionAdmission;
  /** Set: serve HTTPS (and so WSS) with this PEM certificate and key (server/tls/certificate.ts loads them). */
  tls: { cert: Buffer; key: Buffer } | undefined;
}

/** The http.Server, or with TLS the https.Server (whose setSecureContext swaps the certificate). */
export type GatedServer = http.Server | https.Server;

/** One TCP connection's address pair: the same on the raw socket and on the TLSSocket wrapping it. */
function connectionKey(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}|${socket.localAddress}|${socket.localPort}`;
}

const ADMIT_ALL: HttpConnectionAdmission = () => ({ admitted: true, release: () => undefined });

/** How often Node looks for expired request heads: a tenth of the timeout, between 50 ms and 1 s. */
export function connectionsCheckingIntervalFor(headersTimeoutMs: number): number {
  return Math.min(1000, Math.max(50, Math.round(headersTimeoutMs / 10)));
}

export function createGatedHttpServer(
  admit: HttpAdmission,
  { headersTimeoutMs = DEFAULT_HEADERS_TIMEOUT_MS, admitConnection = ADMIT_ALL, tls }: Partial<HttpServerLimits> = {},
): GatedServer {
  const timeouts = {
    connectionsCheckingInterval: connectionsCheckingIntervalFor(headersTimeoutMs),
    headersTimeout: headersTimeoutMs,
    requestTimeout: Math.max(REQUEST_TIMEOUT_MS, headersTimeoutMs),
  };
  const server: GatedServer =
    tls === undefined
      ? http.createServer(timeouts)
      : https.createServer({ ...timeouts, cert: tls.cert, key: tls.key, handshakeTimeout: headersTimeoutMs });
  // The slot each admitted connection holds until it becomes a WebSocket or closes.
  const slots = new Map<string, () => void>();
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  const gatedEmit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === "connection") {
      const socket = args[0] as Socket;
      const verdict = admitConnection(socket.remoteAddress);
      if (!verdict.admitted) {
        socket.destroy();
        return true;
      }
      const key = connectionKey(socket);
      const release = verdict.release;
      slots.set(key, release);
      socket.once("close", () => {
        release();
        if (slots.get(key) === release) slots.delete(key);
      });
      return emit(event, ...args);
    }
    if (event === "upgrade") {
      // The head is complete and `ws` takes the socket over: from here the
      // WebSocket cap (or ws' refusal, which destroys it) applies.
      const key = connectionKey((args[0] as IncomingMessage).socket);
      slots.get(key)?.();
      slots.delete(key);
      return emit(event, ...args);
    }
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
    const pass = (admitted: MatchmakeAdmitted | undefined): boolean => {
      if (admitted === undefined) return emit(event, ...args);
      watchAnswer(res, admitted);
      return withMatchmakeClient(admitted.clientKey, () => emit(event, ...args));
    };
    if (!(verdict instanceof Promise)) {
      if (!isRefusal(verdict)) return pass(verdict);
      answer(res, verdict);
      return true;
    }
    // A shared budget (cluster mode) answers later; the request's body waits
    // unread in its stream meanwhile, and Node parses nothing else on this
    // connection until the response ends. The admission never rejects and is
    // bounded by its store timeout; the catch is a last resort, not a path.
    verdict.then(
      (settled) => {
        if (req.destroyed || res.writableEnded) {
          if (!isRefusal(settled)) settled?.answered(0, "");
          return;
        }
        if (isRefusal(settled)) answer(res, settled);
        else pass(settled);
      },
      () => answer(res, UNAVAILABLE),
    );
    return true;
  };
  server.emit = gatedEmit as typeof server.emit;
  return server;
}

/** A seat reservation answer is ~150 bytes; more is not one (and is not kept). */
const ANSWER_BYTES_KEPT = 4096;

/**
 * Tell the admission how a matchmaking request was answered: its status and
 * the first bytes of its body (the seat reservation's JSON). Colyseus' router
 * writes it with `res.write`/`res.end` (core router/node.ts setResponse); a
 * request that ends without an answer (the client went away) reports 0.
 */
function watchAnswer(res: ServerResponse, admitted: MatchmakeAdmitted): void {
  const chunks: Buffer[] = [];
  let kept = 0;
  const keep = (chunk: unknown, encoding?: unknown): void => {
    if (kept >= ANSWER_BYTES_KEPT || chunk === undefined || chunk === null || typeof chunk === "function") return;
    const bytes =
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.from(chunk as Uint8Array);
    chunks.push(bytes);
    kept += bytes.length;
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    keep(args[0], args[1]);
    return write(...args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    keep(args[0], args[1]);
    return end(...args);
  }) as typeof res.end;
  let reported = false;
  const report = (status: number): void => {
    if (reported) return;
    reported = true;
    admitted.answered(status, Buffer.concat(chunks).subarray(0, ANSWER_BYTES_KEPT).toString("utf8"));
  };
  res.once("finish", () => report(res.statusCode));
  res.once("close", () => report(res.writableFinished ? res.statusCode : 0));
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
