import type { IncomingMessage, Server as HttpServer } from "node:http";
import { performance } from "node:perf_hooks";
import type { Server as HttpsServer } from "node:https";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { WebSocket } from "ws";
import type { Edge, UpgradeVerdict } from "../server/net/edge.ts";
import { denyReconnection } from "./closeSocket.ts";
import { CostCutter } from "./costCutter.ts";
import { tapInboundFrames } from "./frameTap.ts";
import { createGatedHttpServer, type HttpServerLimits } from "./httpServerGate.ts";
import { gateJoinHandshake } from "./joinGate.ts";
import { guardSlowConsumer } from "./sendGuard.ts";
import { wsErrorRefusal } from "./wsErrors.ts";

/**
 * Mirrors: @colyseus/core@0.18.17 src/Server.ts (listen: its 'error' listener is attached in the listening callback, which a failed bind never calls)
 * Mirrors: @colyseus/ws-transport@0.18.4 src/WebSocketTransport.ts (listen passes the callback to server.listen; constructor options, `wss` 'connection', shutdown(), onConnection's `/<processId>/<roomId>` path, its latency-check socket when neither a room id nor a sessionId is given)
 * Mirrors: @colyseus/core@0.18.17 src/MatchMaker.ts (getLocalRoomById reads a plain object, so `constructor` finds a function), src/Transport.ts (connectClientToRoom calls room.hasReservedSeat on what it found)
 * Mirrors: ws@8.23.0 lib/websocket-server.js (verifyClient and its async two-argument form, maxPayload, maxFragments, maxBufferedChunks; 'error' before a protocol-violation close)
 */

/**
 * Network reads `ws` may hold for one unfinished frame (its `maxBufferedChunks`,
 * default 262 144). A frame is at most MAX_PAYLOAD_BYTES and arrives in a few
 * reads; a peer trickling it a byte at a time would otherwise pin one Buffer
 * object (~100 B of overhead) per byte. Over the cap: close 1008.
 */
export const MAX_BUFFERED_CHUNKS = 256;

type VerifyInfo = { origin: string | undefined; req: IncomingMessage };
type VerifyDone = (accept: boolean, code?: number, message?: string) => void;

/**
 * Colyseus' WebSocket transport applying the edge's decisions
 * (server/net/edge.ts; defaults in server/config.ts, reasons in SECURITY.md):
 *
 * - `maxPayload`: `ws` closes a bigger message's connection with 1009.
 * - `maxFragments`: `ws` closes with 1008 past this many fragments per
 *   message (its default is 16 384; browsers and the SDK never fragment).
 *   With `maxBufferedChunks`, the knobs ws 8.21 added against the
 *   tiny-fragment memory DoS (GHSA-96hv-2xvq-fx4p).
 * - heartbeat: a ping every `heartbeatIntervalMs`; a client whose missed
 *   pongs reach `heartbeatMaxMissed` at a ping tick is terminated
 *   (WebSocketTransport#autoTerminateUnresponsiveClients), so a dead peer is
 *   detected within (heartbeatMaxMissed + 1) × heartbeatIntervalMs.
 * - upgrade admission (`verifyClient`, which `ws` calls with the raw request
 *   and so the socket's peer address): the edge's verdict (shutdown,
 *   Origin, per-IP request budget, a path naming a room seat, per-IP
 *   concurrent connections). Refused there, a path that names no seat never
 *   reaches onConnection (which would look it up in the matchmaker).
 * - per connection: the frame tap applying the frame admission (rate, frame
 *   policy, dispatch firewall), the join handshake deadline, and the
 *   slow-consumer cap.
 * - the cost meter (costCutter.ts): each connection's dispatch time, frames
 *   and unsent bytes, alone and summed per client IP; the heaviest are cut.
 * - `tls` (TLS_CERT_FILE): the server is an https.Server, so the same port
 *   serves https:// and wss:// with every limit above (httpServerGate.ts).
 */
export class GuardedTransport extends WebSocketTransport {
  readonly edge: Edge;
  readonly costs: CostCutter;
  /** With TLS, the https.Server (for `setSecureContext` on SIGHUP, server/tls/CertificateReloader.ts); else undefined. */
  readonly httpsServer: HttpsServer | undefined;

  constructor(edge: Edge, tls?: HttpServerLimits["tls"]) {
    const { settings } = edge;
    const verifyClient = ({ origin, req }: VerifyInfo, done: VerifyDone): void => {
      const apply = (verdict: UpgradeVerdict): void => {
        if (!verdict.accept) return done(false, verdict.status, verdict.reason);
        // Fires once the TCP socket is gone, whichever way the connection ends.
        // A verdict that came late (a shared store) may find the socket already
        // gone: its 'close' has fired, so the slot is given back now.
        if (req.socket.destroyed) verdict.release();
        else req.socket.once("close", verdict.release);
        done(true);
      };
      const verdict = edge.admitUpgrade({
        url: req.url,
        origin,
        host: req.headers.host,
        remoteAddress: req.socket.remoteAddress,
        forwardedFor: req.headers["x-forwarded-for"],
        ipTooCostly: (ip) => this.costs.costs.refusesUpgrades(ip, performance.now()),
      });
      // `ws` waits for `done` (verifyClient with two parameters is its async form).
      if (verdict instanceof Promise) verdict.then(apply, () => done(false, 503, "unavailable"));
      else apply(verdict);
    };

    const server = createGatedHttpServer(edge.http, {
      headersTimeoutMs: settings.headersTimeoutMs,
      admitConnection: (peerAddress) => edge.admitHttpConnection(peerAddress),
      tls,
    });
    super({
      // ws-transport types the option as an http.Server; it only calls `listen`, `close`, `address` and `on`
      // ('upgrade', 'listening', 'close', 'error', 'request'), which an https.Server has alike.
      server: server as HttpServer,
      maxPayload: settings.maxPayloadBytes,
      maxFragments: settings.maxFragments,
      maxBufferedChunks: MAX_BUFFERED_CHUNKS,
      pingInterval: settings.heartbeatIntervalMs,
      pingMaxRetries: settings.heartbeatMaxMissed,
      verifyClient,
    });
    this.edge = edge;
    this.httpsServer = tls === undefined ? undefined : (server as HttpsServer);
    const costs = new CostCutter(settings.cost, (cut) => edge.connectionCut(cut));
    this.costs = costs;

    this.wss.on("connection", (ws: WebSocket, req: IncomingMessage) => {
      const roomId = roomIdOf(req);
      // Before the tap: the tap's checks run first on every frame (joinGate.ts).
      gateJoinHandshake(ws, settings.joinHandshakeTimeoutMs, (why) => edge.joinNotCompleted(roomId, why));
      const meter = costs.meter(ws, {
        ip: edge.ipOf(req.socket.remoteAddress, req.headers["x-forwarded-for"]),
        roomId,
        sessionId: sessionIdOf(req),
      });
      tapInboundFrames(ws, edge.frames(roomId), meter);
      guardSlowConsumer(ws, settings.maxBufferedBytes, (buffered) => edge.slowConsumerCutOff(roomId, buffered));
      // `ws` emits 'error' for protocol violations (bad opcode, invalid UTF-8,
      // oversize, too many fragments) and then closes with the matching code:
      // such a client is not owed a reconnection seat.
      ws.on("error", (error: Error) => {
        edge.protocolViolation(wsErrorRefusal(error));
        denyReconnection(ws);
      });
    });
  }

  /**
   * Core's Server#listen attaches its 'error' listener only in the listening
   * callback, which a failed bind never calls: a port in use left `listen()`
   * pending forever (the process up, serving nothing) with the error logged.
   * Here a bind error reaches the callback, so core rejects and the entry
   * point can say which port and exit (server/index.ts listenOrExit).
   */
  override listen(port: number, hostname?: string, backlog?: number, listeningListener?: (err?: Error) => void): this {
    const server = this.server;
    if (server === undefined) return super.listen(port, hostname, backlog, listeningListener);
    const failed = (error: Error): void => listeningListener?.(error);
    server.once("error", failed);
    return super.listen(port, hostname, backlog, (error?: Error) => {
      server.off("error", failed);
      listeningListener?.(error);
    });
  }

  override shutdown(): void {
    this.costs.stop();
    super.shutdown();
  }
}

/**
 * The room id from a Colyseus connection path `/<processId>/<roomId>?…`
 * (the shape WebSocketTransport#onConnection matches). Only the path: the
 * query holds the reconnection and auth tokens, which must never reach a log.
 */
export function roomIdOf(req: Pick<IncomingMessage, "url">): string | undefined {
  const path = (req.url ?? "").split("?")[0] ?? "";
  return /\/[\w-]+\/([\w-]+)$/.exec(path)?.[1];
}

/**
 * The `sessionId` query parameter of a seat's connection (upgradeTarget.ts),
 * for log lines: it is public (every player sees the others' in the state),
 * unlike the query's tokens, which are never read here.
 */
export function sessionIdOf(req: Pick<IncomingMessage, "url">): string | undefined {
  const query = (req.url ?? "").split("?")[1];
  if (query === undefined) return undefined;
  const sessionId = new URLSearchParams(query).get("sessionId");
  return sessionId !== null && /^[\w-]{1,64}$/.test(sessionId) ? sessionId : undefined;
}
