import type { Logger } from "../logger.ts";
import { createClientIpResolver, createProxyTrust, limitKey, type ClientIpResolver } from "./clientIp.ts";
import type { CutReason, Cut } from "./connectionCost.ts";
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
import { createHttpConnectionAdmission, type HttpConnectionAdmission } from "./httpConnections.ts";
import { andThen, type MaybePromise } from "./maybePromise.ts";
import { createOriginPolicy, type OriginPolicy } from "./originPolicy.ts";
import { PendingSeats } from "./pendingSeats.ts";
import { upgradeTarget } from "./upgradeTarget.ts";
import { TokenBuckets } from "./rateLimits.ts";
import {
  localRequestBudget,
  sharedRequestBudget,
  type BudgetVerdict,
  type PointsLimiter,
  type RequestBudget,
} from "./requestBudget.ts";
import {
  localConnectionAdmission,
  sharedConnectionAdmission,
  type ConnectionAdmission,
  type ConnectionSlot,
  type ConnectionSlotStore,
} from "./sharedConnections.ts";
import { SHARED_STORE_RETRY_MS, SHARED_STORE_TIMEOUT_MS, SharedStoreGuard, type SharedLimit } from "./sharedStore.ts";

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
  /** Counts each connection cut for its cost (`tickwire_connections_cut_total{reason}`). */
  countCut?: (reason: CutReason) => void;
  /**
   * Cluster mode: the stores that make the per-IP budget and cap hold for the
   * whole deployment (server/cluster/sharedLimits.ts). Unset: both are held in
   * this process' memory, decided synchronously, as for a single process.
   */
  shared?: SharedLimitStores;
  /** Reports the shared stores' health: degraded (falling back to per-process limits) or not, and each fallback. */
  sharedHealth?: SharedLimitsHealth;
  /** True while matchmaking cannot work (a cluster with Redis down): /matchmake is refused with 503. */
  matchmakingUnavailable?: () => boolean;
  /** ms since the epoch (seat reservations' lifetimes); default Date.now. */
  now?: () => number;
}

/** What the edge needs of the shared stores. */
export interface SharedLimitStores {
  /** The per-IP request budget as a fixed window in the store (requestBudget.ts fixedWindowFor). */
  requests: PointsLimiter;
  connections: ConnectionSlotStore;
  /** How often this process republishes its connection counts (less than the store's TTL for them). */
  syncIntervalMs: number;
}

export interface SharedLimitsHealth {
  degraded(down: boolean): void;
  fellBack(limit: SharedLimit): void;
}

/** What the upgrade admission reads of a WebSocket upgrade request (no socket: its peer address only). */
export interface UpgradeRequest {
  /** The request target (path and query); only its shape is judged (upgradeTarget.ts), never logged. */
  url: string | undefined;
  origin: string | undefined;
  host: string | undefined;
  remoteAddress: string | undefined;
  forwardedFor: string | string[] | undefined;
  /**
   * Whether the client's address is over its connection cost budget with no
   * live connection of its own to blame (connectionCost.ts refusesUpgrades,
   * asked by the wall that owns the meter): refused 429 until it decays.
   */
  ipTooCostly?: (ip: string) => boolean;
}

/**
 * Accepted (call `release` once the connection's TCP socket is gone), or
 * refused with an HTTP status. Ready at once for a single process; in a
 * cluster, once the shared store answered or timed out.
 */
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
  /** This process' connections per IP (in a cluster, its own share of the cap the store sums). */
  readonly connections: ConnectionLimits;
  /**
   * Per-IP request budget held in this process, shared by /matchmake, /auth
   * and WebSocket upgrades. In a cluster, the budget is in the shared store
   * and this one decides only while the store is down.
   */
  readonly requests: TokenBuckets;
  /** The gate in front of /matchmake and /auth. */
  readonly http: HttpAdmission;
  /** Seat reservations this process answered and no WebSocket has claimed yet, per IP (MAX_PENDING_SEATS_PER_IP). */
  readonly pendingSeats: PendingSeats;
  /** This process' open non-WebSocket connections per peer address (httpConnections.ts). */
  readonly httpConnections: ConnectionLimits;
  /** A new TCP connection, before any byte is read: within MAX_HTTP_SOCKETS_PER_IP, or refused. */
  admitHttpConnection: HttpConnectionAdmission;
  /** Shutdown, Origin, the IP's cost, per-IP budget, a path that names a room seat, per-IP concurrent connections, in that order. */
  admitUpgrade(request: UpgradeRequest): MaybePromise<UpgradeVerdict>;
  /** The frame admission of one new connection (rate, frame policy, dispatch firewall). */
  frames(roomId: string | undefined): FrameAdmission;
  /** `ws` closed a connection for a protocol violation (bad opcode, invalid UTF-8, oversize, fragments). */
  protocolViolation(reason: FrameRefusalReason): void;
  /** A client was closed with 4408: it did not acknowledge JOIN_ROOM in time, or sent too much before doing so. */
  joinNotCompleted(roomId: string | undefined, why: "timeout" | "overflow"): void;
  /** A client that stopped reading was cut off with this many bytes queued. */
  slowConsumerCutOff(roomId: string | undefined, buffered: number): void;
  /** The key a connection's per-IP limits and costs are held under (clientIp.ts limitKey). */
  ipOf(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined): string;
  /** A connection is being cut for its cost (connectionCost.ts): one warn line naming the reason, one count. */
  connectionCut(cut: Cut<unknown>): void;
  /** Stop republishing connection counts (the app is closing). */
  close(): void;
}

export function createEdge(options: EdgeOptions): Edge {
  const {
    settings,
    production,
    framePolicy,
    shuttingDown,
    logger,
    countRefusal = () => undefined,
    countCut = () => undefined,
  } = options;
  const log = logger?.child({ component: "edge" });
  const origins = createOriginPolicy({ allowedOrigins: settings.allowedOrigins, allowLocalhost: !production });
  const clientIp = createClientIpResolver(settings.trustedProxies);
  const connections = new ConnectionLimits(settings.maxConnectionsPerIp);
  const requests = new TokenBuckets({ ratePerSecond: settings.httpRatePerMinute / 60, burst: settings.httpBurst });
  const limits = admissionLimits(options, requests, connections);
  const httpConnections = new ConnectionLimits(settings.maxHttpSocketsPerIp);
  const now = options.now ?? Date.now;
  const pendingSeats = new PendingSeats({
    maxPerIp: settings.maxPendingSeatsPerIp,
    holdMs: settings.seatReservationSeconds * 1000,
  });
  // Addresses that never come back would keep their expired entries: swept once per reservation lifetime.
  const sweeper = setInterval(() => pendingSeats.sweep(now()), settings.seatReservationSeconds * 1000);
  sweeper.unref();
  const admitConnection = createHttpConnectionAdmission(httpConnections, createProxyTrust(settings.trustedProxies));
  const http = createHttpAdmission({
    origins,
    clientIp,
    requests: limits.budget,
    matchmakeMaxBodyBytes: settings.matchmakeMaxBodyBytes,
    matchmakingUnavailable: options.matchmakingUnavailable,
    pendingSeats,
    now,
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
    pendingSeats,
    httpConnections,
    admitHttpConnection(peerAddress) {
      const verdict = admitConnection(peerAddress);
      if (!verdict.admitted) {
        countRefusal({ type: "connection", reason: "too_many_connections" });
        log?.debug({ ip: verdict.ip }, "http connection refused: too many unfinished connections");
      }
      return verdict;
    },
    admitUpgrade({ url, origin, host, remoteAddress, forwardedFor, ipTooCostly }) {
      const ip = limitKey(clientIp(remoteAddress, forwardedFor));
      const refuse = (status: number, reason: string, label: UpgradeRefusalReason): UpgradeVerdict => {
        countRefusal({ type: "upgrade", reason: label });
        log?.debug({ ip, code: status, reason }, "websocket upgrade refused");
        return { accept: false, status, reason };
      };
      if (shuttingDown()) return refuse(503, "shutting down", "shutting_down");
      if (!origins.allows(origin, host)) return refuse(403, "origin not allowed", "origin_forbidden");
      // Before the budget: what the address spent already is the reason, it need not spend more to learn it.
      if (ipTooCostly?.(ip) === true) return refuse(429, "too costly", "too_costly");
      return andThen(limits.budget.take(ip), (budget: BudgetVerdict) => {
        if (!budget.ok) return refuse(429, "too many requests", "rate_limited");
        // After the budget, so probing paths costs like any upgrade; the path itself is not logged.
        const target = upgradeTarget(url);
        if (target === undefined) return refuse(404, "not found", "not_a_room");
        return andThen(limits.connections(ip), (release: ConnectionSlot): UpgradeVerdict => {
          if (release === undefined) return refuse(429, "too many connections", "too_many_connections");
          // The seat is being claimed now (or the room refuses it: either way it is no longer pending).
          if (target.kind === "seat") pendingSeats.claimed(target);
          return { accept: true, release };
        });
      });
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
    joinNotCompleted(roomId, why) {
      countRefusal({ type: "frame", reason: "join_timeout" });
      log?.info({ roomId, why, deadlineMs: settings.joinHandshakeTimeoutMs }, "join handshake not completed");
    },
    slowConsumerCutOff(roomId, buffered) {
      log?.info({ roomId, buffered }, "slow consumer cut off");
    },
    ipOf(remoteAddress, forwardedFor) {
      return limitKey(clientIp(remoteAddress, forwardedFor));
    },
    connectionCut({ subject: _socket, label, ...figures }) {
      countCut(figures.reason);
      // Warn, and not rate-limited: each line is a connection closed, and an
      // address has at most MAX_CONNECTIONS_PER_IP of them at a time.
      log?.warn({ ...label, ...figures, limits: settings.cost }, "connection cut: too costly");
    },
    close: () => {
      clearInterval(sweeper);
      limits.close();
    },
  };
}

/**
 * The budget and cap the admission asks: this process' own (synchronous) for
 * a single process; the shared stores in a cluster, each falling back to the
 * process' own when the store fails (sharedStore.ts), logged once per outage.
 */
function admissionLimits(
  options: EdgeOptions,
  requests: TokenBuckets,
  connections: ConnectionLimits,
): { budget: RequestBudget; connections: ConnectionAdmission; close: () => void } {
  const local = localRequestBudget(requests);
  const { shared, sharedHealth, logger } = options;
  if (shared === undefined) {
    return { budget: local, connections: localConnectionAdmission(connections), close: () => undefined };
  }
  const log = logger?.child({ component: "shared-limits" });
  const guard = new SharedStoreGuard({
    timeoutMs: SHARED_STORE_TIMEOUT_MS,
    retryMs: SHARED_STORE_RETRY_MS,
    onDown: (error) => {
      sharedHealth?.degraded(true);
      log?.warn(
        { err: error },
        "shared limits store unavailable: per-IP budget and connection cap now held per process until it answers again",
      );
    },
    onUp: () => {
      sharedHealth?.degraded(false);
      log?.info("shared limits store answers again: per-IP budget and connection cap shared by the cluster");
    },
    onFallback: (limit) => sharedHealth?.fellBack(limit),
  });
  const sharedConnections = sharedConnectionAdmission({
    local: connections,
    store: shared.connections,
    max: options.settings.maxConnectionsPerIp,
    guard,
  });
  // Keeps this process' counts alive in the store, repairs lost writes, and probes a store that went away.
  const timer = setInterval(() => void sharedConnections.sync(), shared.syncIntervalMs);
  timer.unref();
  void sharedConnections.sync();
  return {
    budget: sharedRequestBudget({ store: shared.requests, fallback: local, guard }),
    connections: sharedConnections.admit,
    close: () => clearInterval(timer),
  };
}
