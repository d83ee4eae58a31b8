import type { ConnectionCostSettings } from "./connectionCost.ts";

/**
 * Transport and HTTP edge limits: what colyseus/transport.ts and the policies
 * in server/net/ are built from (server/config.ts parses them from the
 * environment; SECURITY.md gives each one's reason).
 */
export interface EdgeSettings {
  /**
   * Origins allowed to open a WebSocket or call /matchmake and /auth from a
   * browser, as `scheme://host[:port]`. Undefined = the default policy: same
   * origin, plus any localhost origin outside production.
   */
  allowedOrigins: string[] | undefined;
  /** Peer addresses (IPs or CIDRs) whose `X-Forwarded-For` is believed. */
  trustedProxies: string[];
  /** Largest WebSocket message accepted; bigger closes the socket with 1009 (`ws` maxPayload). */
  maxPayloadBytes: number;
  /** Most fragments one WebSocket message may arrive in; more closes with 1008 (`ws` maxFragments). */
  maxFragments: number;
  /** Ping period; a peer missing `heartbeatMaxMissed` pongs in a row is terminated. */
  heartbeatIntervalMs: number;
  heartbeatMaxMissed: number;
  /** Frames per connection per second; more are dropped, over twice this closes with 4429 (server/net/frameAdmission.ts). */
  maxMessagesPerSecond: number;
  /** Bytes queued for one client (ws `bufferedAmount`) before it is cut off as a slow consumer. */
  maxBufferedBytes: number;
  /** How long a client has to acknowledge the server's JOIN_ROOM before it is closed with 4408 (server/net/joinHandshake.ts). */
  joinHandshakeTimeoutMs: number;
  /** Concurrent WebSocket connections per client IP. */
  maxConnectionsPerIp: number;
  /**
   * Open TCP connections per peer address that are not (yet) WebSockets:
   * still sending a request head, being answered, or idle in keep-alive.
   * Counted from accept, before any header is read, so by the socket's peer
   * address; trusted proxies are exempt (server/net/httpConnections.ts).
   */
  maxHttpSocketsPerIp: number;
  /** Longest a connection may take to send a complete request head (or any byte at all) before it is closed. */
  headersTimeoutMs: number;
  /** Token bucket per client IP for /matchmake, /auth and WebSocket upgrades. */
  httpRatePerMinute: number;
  httpBurst: number;
  /** Largest /matchmake request body. */
  matchmakeMaxBodyBytes: number;
  /** Seat reservations one IP may hold unclaimed at a time; the next matchmaking request gets 429 (pendingSeats.ts). */
  maxPendingSeatsPerIp: number;
  /** How long a reserved seat can be claimed by its WebSocket (the rooms' seatReservationTimeout), in seconds. */
  seatReservationSeconds: number;
  /** Per-connection and per-IP cost budgets; who is cut past them (owned by server/net/connectionCost.ts). */
  cost: ConnectionCostSettings;
}
