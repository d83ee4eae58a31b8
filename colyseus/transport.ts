import type { IncomingMessage } from "node:http";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { WebSocket } from "ws";
import type { Logger } from "../server/logger.ts";
import { createClientIpResolver, limitKey, type ClientIpResolver } from "../server/net/clientIp.ts";
import { ConnectionLimits } from "../server/net/connectionLimits.ts";
import type { EdgeSettings } from "../server/net/edgeSettings.ts";
import { frameGuardRefusal, type CountEdgeRefusal, type UpgradeRefusalReason } from "../server/net/edgeRefusals.ts";
import { createFrameAdmission, type FrameGuardEvent } from "../server/net/frameAdmission.ts";
import type { FramePolicy } from "../server/net/framePolicy.ts";
import { createHttpAdmission } from "../server/net/httpAdmission.ts";
import { createOriginPolicy, type OriginPolicy } from "../server/net/originPolicy.ts";
import { TokenBuckets } from "../server/net/rateLimits.ts";
import { denyReconnection } from "./closeSocket.ts";
import { tapInboundFrames } from "./frameTap.ts";
import { createGatedHttpServer } from "./httpServerGate.ts";
import { guardSlowConsumer } from "./sendGuard.ts";
import { wsErrorRefusal } from "./wsErrors.ts";

/**
 * Mirrors: @colyseus/ws-transport@0.18.4 src/WebSocketTransport.ts (constructor options, `wss` 'connection', onConnection's `/<processId>/<roomId>` path)
 * Mirrors: ws@8.23.0 lib/websocket-server.js (verifyClient, maxPayload, maxFragments, maxBufferedChunks; 'error' before a protocol-violation close)
 */

export interface EdgeOptions {
  net: EdgeSettings;
  /** Outside production the default origin policy also admits localhost. */
  production: boolean;
  /** What clients may send (server/net/framePolicy.ts). */
  framePolicy: FramePolicy;
  /** True once shutdown began: new upgrades are refused with 503. */
  shuttingDown: () => boolean;
  logger: Logger | undefined;
  /** Counts each refusal (`tickwire_messages_rejected_total`); refusals are otherwise only debug-logged. */
  countRefusal?: CountEdgeRefusal;
}

/** The shared pieces of the edge, exposed for /health-style introspection and tests. */
export interface Edge {
  readonly origins: OriginPolicy;
  readonly clientIp: ClientIpResolver;
  readonly connections: ConnectionLimits;
  readonly requests: TokenBuckets;
}

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
 * Colyseus' WebSocket transport with Tickwire's limits set on purpose
 * (defaults in server/config.ts, reasons in SECURITY.md):
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
 *   and so the socket's peer address): Origin, per-IP request budget,
 *   per-IP concurrent connections, shutdown.
 * - per connection: the frame tap applying the frame admission (rate, frame
 *   policy, dispatch firewall), and the slow-consumer cap.
 */
export class GuardedTransport extends WebSocketTransport {
  readonly edge: Edge;

  constructor(options: EdgeOptions) {
    const { net, production, framePolicy, shuttingDown, logger, countRefusal = () => undefined } = options;
    const log = logger?.child({ component: "edge" });
    const edge: Edge = {
      origins: createOriginPolicy({ allowedOrigins: net.allowedOrigins, allowLocalhost: !production }),
      clientIp: createClientIpResolver(net.trustedProxies),
      connections: new ConnectionLimits(net.maxConnectionsPerIp),
      requests: new TokenBuckets({ ratePerSecond: net.httpRatePerMinute / 60, burst: net.httpBurst }),
    };
    const server = createGatedHttpServer(
      createHttpAdmission({
        origins: edge.origins,
        clientIp: edge.clientIp,
        requests: edge.requests,
        matchmakeMaxBodyBytes: net.matchmakeMaxBodyBytes,
        // Debug, not warn: a flood of refusals must not become a flood of log lines.
        onRefused: (refusal) => {
          countRefusal({ type: "http", reason: refusal.error });
          log?.debug(refusal, "http request refused");
        },
      }),
    );

    const verifyClient = ({ origin, req }: VerifyInfo, done: VerifyDone): void => {
      const ip = limitKey(edge.clientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"]));
      const refuse = (code: number, reason: string, label: UpgradeRefusalReason) => {
        countRefusal({ type: "upgrade", reason: label });
        log?.debug({ ip, code, reason }, "websocket upgrade refused");
        done(false, code, reason);
      };
      if (shuttingDown()) return refuse(503, "shutting down", "shutting_down");
      if (!edge.origins.allows(origin, req.headers.host)) return refuse(403, "origin not allowed", "origin_forbidden");
      if (!edge.requests.take(ip)) return refuse(429, "too many requests", "rate_limited");
      const release = edge.connections.acquire(ip);
      if (release === undefined) return refuse(429, "too many connections", "too_many_connections");
      // Fires once the TCP socket is gone, whichever way the connection ends.
      req.socket.once("close", release);
      done(true);
    };

    super({
      server,
      maxPayload: net.maxPayloadBytes,
      maxFragments: net.maxFragments,
      maxBufferedChunks: MAX_BUFFERED_CHUNKS,
      pingInterval: net.heartbeatIntervalMs,
      pingMaxRetries: net.heartbeatMaxMissed,
      verifyClient,
    });
    this.edge = edge;

    this.wss.on("connection", (ws: WebSocket, req: IncomingMessage) => {
      const roomId = roomIdOf(req);
      tapInboundFrames(
        ws,
        createFrameAdmission({
          messagesPerSecond: net.maxMessagesPerSecond,
          policy: framePolicy,
          onEvent: (event: FrameGuardEvent) => {
            countRefusal({ type: "frame", reason: frameGuardRefusal(event) });
            if (event.kind === "dispatch_threw") log?.error({ err: event.error, roomId }, "frame dispatch threw");
            else log?.debug({ roomId, ...event }, "frame refused");
          },
        }),
      );
      guardSlowConsumer(ws, net.maxBufferedBytes, (buffered) =>
        log?.info({ roomId, buffered }, "slow consumer cut off"),
      );
      // `ws` emits 'error' for protocol violations (bad opcode, invalid UTF-8,
      // oversize, too many fragments) and then closes with the matching code:
      // such a client is not owed a reconnection seat.
      ws.on("error", (error: Error) => {
        countRefusal({ type: "frame", reason: wsErrorRefusal(error) });
        denyReconnection(ws);
      });
    });
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
