import type { Logger } from "../logger.ts";
import { createClientIpResolver, limitKey, type ClientIpResolver } from "./clientIp.ts";
import { ConnectionLimits } from "./connectionLimits.ts";
import type { EdgeSettings } from "./edgeSettings.ts";
import {
  frameRefusal,
  type CountEdgeRefusal,
  type FrameRefusalReason,
  type UpgradeRefusalReason,
} from "./edgeRefusals.ts";
import { createFrameAdmission, type FrameAdmission, type FrameEvent } from "./frameAdmission.ts";
import type { FramePolicy } from "./framePolicy.ts";
import { createHttpAdmission, type HttpAdmission } from "./httpAdmission.ts";
import { createOriginPolicy, type OriginPolicy } from "./originPolicy.ts";
import { TokenBuckets } from "./rateLimits.ts";

export interface EdgeOptions {
  settings: EdgeSettings;
  /** Outside production the default origin policy also admits localhost. */
  production: boolean;
  /** What clients may send (framePolicy.ts). */
  framePolicy: FramePolicy;
  /** True once shutdown began: new upgrades are refused with 503. */
  shuttingDown: () => boolean;
  logger: Logger | undefined;
  /** Counts each refusal (`tickwire_messages_rejected_total`); refusals are otherwise only debug-logged. */
  countRefusal?: CountEdgeRefusal;
}

/** What the upgrade admission reads of a WebSocket upgrade request (no socket: its peer address only). */
export interface UpgradeRequest {
  origin: string | undefined;
  host: string | undefined;
  remoteAddress: string | undefined;
  forwardedFor: string | string[] | undefined;
}

/** Accepted (call `release` once the connection's TCP socket is gone), or refused with an HTTP status. */
export type UpgradeVerdict = { accept: true; release: () => void } | { accept: false; status: number; reason: string };

/**
 * Every decision at the edge, made from plain values: the wall
 * (colyseus/transport.ts) applies them to ws and the HTTP server, and owns
 * no policy of its own. One per app; the shared pieces are exposed for
 * tests and introspection.
 */
export interface Edge {
  readonly settings: EdgeSettings;
  readonly origins: OriginPolicy;
  readonly clientIp: ClientIpResolver;
  readonly connections: ConnectionLimits;
  /** Per-IP request budget, shared by /matchmake, /auth and WebSocket upgrades. */
  readonly requests: TokenBuckets;
  /** The gate in front of /matchmake and /auth. */
  readonly http: HttpAdmission;
  /** Shutdown, Origin, per-IP budget, per-IP concurrent connections, in that order. */
  admitUpgrade(request: UpgradeRequest): UpgradeVerdict;
  /** The frame admission of one new connection (rate, frame policy, dispatch firewall). */
  frames(roomId: string | undefined): FrameAdmission;
  /** `ws` closed a connection for a protocol violation (bad opcode, invalid UTF-8, oversize, fragments). */
  protocolViolation(reason: FrameRefusalReason): void;
  /** A client that stopped reading was cut off with this many bytes queued. */
  slowConsumerCutOff(roomId: string | undefined, buffered: number): void;
}

export function createEdge(options: EdgeOptions): Edge {
  const { settings, production, framePolicy, shuttingDown, logger, countRefusal = () => undefined } = options;
  const log = logger?.child({ component: "edge" });
  const origins = createOriginPolicy({ allowedOrigins: settings.allowedOrigins, allowLocalhost: !production });
  const clientIp = createClientIpResolver(settings.trustedProxies);
  const connections = new ConnectionLimits(settings.maxConnectionsPerIp);
  const requests = new TokenBuckets({ ratePerSecond: settings.httpRatePerMinute / 60, burst: settings.httpBurst });
  const http = createHttpAdmission({
    origins,
    clientIp,
    requests,
    matchmakeMaxBodyBytes: settings.matchmakeMaxBodyBytes,
    // Debug, not warn: a flood of refusals must not become a flood of log lines.
    onRefused: (refusal) => {
      countRefusal({ type: "http", reason: refusal.error });
      log?.debug(refusal, "http request refused");
    },
  });

  return {
    settings,
    origins,
    clientIp,
    connections,
    requests,
    http,
    admitUpgrade({ origin, host, remoteAddress, forwardedFor }) {
      const ip = limitKey(clientIp(remoteAddress, forwardedFor));
      const refuse = (status: number, reason: string, label: UpgradeRefusalReason): UpgradeVerdict => {
        countRefusal({ type: "upgrade", reason: label });
        log?.debug({ ip, code: status, reason }, "websocket upgrade refused");
        return { accept: false, status, reason };
      };
      if (shuttingDown()) return refuse(503, "shutting down", "shutting_down");
      if (!origins.allows(origin, host)) return refuse(403, "origin not allowed", "origin_forbidden");
      if (!requests.take(ip)) return refuse(429, "too many requests", "rate_limited");
      const release = connections.acquire(ip);
      if (release === undefined) return refuse(429, "too many connections", "too_many_connections");
      return { accept: true, release };
    },
    frames(roomId) {
      return createFrameAdmission({
        messagesPerSecond: settings.maxMessagesPerSecond,
        policy: framePolicy,
        onEvent: (event: FrameEvent) => {
          countRefusal({ type: "frame", reason: frameRefusal(event) });
          if (event.kind === "dispatch_threw") log?.error({ err: event.error, roomId }, "frame dispatch threw");
          else log?.debug({ roomId, ...event }, "frame refused");
        },
      });
    },
    protocolViolation(reason) {
      countRefusal({ type: "frame", reason });
    },
    slowConsumerCutOff(roomId, buffered) {
      log?.info({ roomId, buffered }, "slow consumer cut off");
    },
  };
}
