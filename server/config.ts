import { z } from "zod";
import { parseAddressOrCidr } from "./net/clientIp.ts";
import { isHttpOrigin } from "./net/originPolicy.ts";

/**
 * The whole server configuration, parsed once from the environment. Every
 * field has a default that works on a laptop; README's configuration table
 * and SECURITY.md list the same names.
 */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A comma-separated list; blanks dropped. */
const list = z.string().transform((raw) =>
  raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== ""),
);

const EnvSchema = z.object({
  NODE_ENV: z.string().default("development"),
  PORT: int(0, 65535).default(2567),
  HOST: z.string().min(1).default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MAX_CLIENTS: int(1, 4096).default(64),
  SPAWN_SEED: int(0, 0xffffffff).optional(),
  INPUT_BUFFER_SIZE: int(1, 256).default(8),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (256 bits for HS256)").optional(),
  AUTH_TOKEN_TTL_S: int(60, 365 * 24 * 3600).default(24 * 3600),

  // Hostile clients and faults (SECURITY.md explains each).
  ALLOWED_ORIGINS: list.pipe(z.array(z.string().refine(isHttpOrigin, "not an http(s) origin"))).optional(),
  TRUSTED_PROXIES: list
    .pipe(z.array(z.string().refine((entry) => parseAddressOrCidr(entry) !== undefined, "not an IP address or CIDR")))
    .default([]),
  MAX_PAYLOAD_BYTES: int(256, 1024 * 1024).default(4096),
  MAX_FRAGMENTS: int(1, 16384).default(16),
  HEARTBEAT_INTERVAL_MS: int(100, 60_000).default(3000),
  HEARTBEAT_MAX_MISSED: int(1, 10).default(2),
  MAX_BUFFERED_BYTES: int(16 * 1024, 64 * 1024 * 1024).default(1024 * 1024),
  MAX_MESSAGES_PER_S: int(1, 10_000).default(120),
  MAX_CONNECTIONS_PER_IP: int(1, 100_000).default(32),
  HTTP_RATE_PER_MIN: int(1, 1_000_000).default(120),
  HTTP_BURST: int(1, 1_000_000).default(60),
  MATCHMAKE_MAX_BODY_BYTES: int(2, 1024 * 1024).default(4096),
  RECONNECT_GRACE_S: int(0, 3600).default(20),
  CHAT_REPLAY_SIZE: int(50, 10_000).default(500),
  SHUTDOWN_TIMEOUT_S: int(1, 600).default(10),
});

export interface ArenaSettings {
  /** Seats per room; a full room makes joinOrCreate create another. */
  maxClients: number;
  /** Pins every room's spawn PRNG; unset = a random seed per room. */
  spawnSeed: number | undefined;
  /** Inputs buffered per player before the oldest is dropped. */
  inputBufferSize: number;
  /** How long a dropped player keeps their place, in seconds (0 = no reconnection). */
  reconnectGraceSeconds: number;
  /** Chat lines kept per room for `chat:since` replay (≥ the 50 of `chat:history`). */
  chatReplaySize: number;
}

export interface AuthSettings {
  /** HS256 secret; unset = generated at start (tokens die with the process). */
  secret: string | undefined;
  tokenTtlSeconds: number;
}

/** Transport and HTTP edge limits (server/net/). */
export interface NetSettings {
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
  /** Frames per connection per second; more are dropped, over twice this closes with 4429 (server/net/frameGuard.ts). */
  maxMessagesPerSecond: number;
  /** Bytes queued for one client (ws `bufferedAmount`) before it is cut off as a slow consumer. */
  maxBufferedBytes: number;
  /** Concurrent WebSocket connections per client IP. */
  maxConnectionsPerIp: number;
  /** Token bucket per client IP for /matchmake, /auth and WebSocket upgrades. */
  httpRatePerMinute: number;
  httpBurst: number;
  /** Largest /matchmake request body. */
  matchmakeMaxBodyBytes: number;
}

export interface Config {
  /** NODE_ENV is "production": tighter defaults (no localhost origins). */
  production: boolean;
  port: number;
  host: string;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  arena: ArenaSettings;
  auth: AuthSettings;
  net: NetSettings;
  /** SIGTERM/SIGINT: exit 0 at the latest this many seconds after the signal. */
  shutdownTimeoutSeconds: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as in a `.env` with `PORT=`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    production: e.NODE_ENV === "production",
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    arena: {
      maxClients: e.MAX_CLIENTS,
      spawnSeed: e.SPAWN_SEED,
      inputBufferSize: e.INPUT_BUFFER_SIZE,
      reconnectGraceSeconds: e.RECONNECT_GRACE_S,
      chatReplaySize: e.CHAT_REPLAY_SIZE,
    },
    auth: {
      secret: e.AUTH_SECRET,
      tokenTtlSeconds: e.AUTH_TOKEN_TTL_S,
    },
    net: {
      allowedOrigins: e.ALLOWED_ORIGINS,
      trustedProxies: e.TRUSTED_PROXIES,
      maxPayloadBytes: e.MAX_PAYLOAD_BYTES,
      maxFragments: e.MAX_FRAGMENTS,
      heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
      heartbeatMaxMissed: e.HEARTBEAT_MAX_MISSED,
      maxMessagesPerSecond: e.MAX_MESSAGES_PER_S,
      maxBufferedBytes: e.MAX_BUFFERED_BYTES,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
      httpRatePerMinute: e.HTTP_RATE_PER_MIN,
      httpBurst: e.HTTP_BURST,
      matchmakeMaxBodyBytes: e.MATCHMAKE_MAX_BODY_BYTES,
    },
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_S,
  };
}

/** The defaults, as a test or embedder starts from them. */
export type ConfigOverrides = Partial<Omit<Config, "arena" | "auth" | "net">> & {
  arena?: Partial<ArenaSettings>;
  auth?: Partial<AuthSettings>;
  net?: Partial<NetSettings>;
};

export function defaultConfig(overrides: ConfigOverrides = {}): Config {
  const base = parseConfig({});
  return {
    ...base,
    ...overrides,
    arena: { ...base.arena, ...overrides.arena },
    auth: { ...base.auth, ...overrides.auth },
    net: { ...base.net, ...overrides.net },
  };
}
