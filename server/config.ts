import { readFileSync } from "node:fs";
import { z } from "zod";
import { OPEN_WORLD_SIZE, POSITION_MAX } from "../shared/constants.ts";
import type { AuthSettings } from "./auth/TokenService.ts";
import type { ChatSettings } from "./chat/ChatSettings.ts";
import { boundAddress, isPublicAddress, isRedisUrl, type ClusterSettings } from "./cluster/ClusterSettings.ts";
import type { ClientSettings } from "./http/client.ts";
import { parseAddressOrCidr } from "./net/clientIp.ts";
import type { ConnectionCostSettings } from "./net/connectionCost.ts";
import type { EdgeSettings } from "./net/edgeSettings.ts";
import { isHttpOrigin } from "./net/originPolicy.ts";
import type { ArenaRoomSettings } from "./rooms/ArenaRoom.ts";
import type { PlaySettings } from "./rooms/context.ts";
import type { WorldRoomSettings } from "./rooms/WorldRoom.ts";
import type { TlsSettings } from "./tls/TlsSettings.ts";

/**
 * The whole server configuration, parsed once from the environment. Every
 * field has a default that works on a laptop; docs/configuration.md's table
 * and SECURITY.md list the same names. This module only parses and composes:
 * each part's type belongs to the module that uses it (rooms/, chat/, auth/,
 * http/client.ts).
 */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
/** A comma-separated list; blanks dropped. */
const list = z.string().transform((raw) =>
  raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== ""),
);
const DAY_S = 24 * 3600;

const EnvSchema = z.object({
  NODE_ENV: z.string().default("development"),
  PORT: int(0, 65535).default(2567),
  HOST: z.string().min(1).default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MAX_CLIENTS: int(1, 4096).default(64),
  SPAWN_SEED: int(0, 0xffffffff).optional(),
  INPUT_BUFFER_SIZE: int(1, 256).default(8),
  // Positions are 16-bit fixed point at 1/16 unit: a side of at most POSITION_MAX (4095.9375).
  WORLD_SIZE: int(64, Math.floor(POSITION_MAX)).default(OPEN_WORLD_SIZE),
  WORLD_MAX_CLIENTS: int(1, 10_000).default(2500),
  VIEW_RADIUS: int(16, 4095).default(400),
  VIEW_MARGIN: int(0, 4095).default(100),
  WORLD_PATCH_HZ: int(1, 60).default(20),
  DEBUG_ENDPOINTS: flag.default(false),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters (use a long random string)").optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (256 bits for HS256)").optional(),
  AUTH_TOKEN_TTL_S: int(60, 365 * DAY_S).default(DAY_S),
  AUTH_RENEW_TTL_S: int(60, 365 * DAY_S).default(30 * DAY_S),

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
  JOIN_ACK_TIMEOUT_MS: int(100, 60_000).default(5000),
  MAX_CONNECTIONS_PER_IP: int(1, 100_000).default(32),
  // Connection cost budgets (server/net/connectionCost.ts); an honest player costs ~0.1 ms/s and ~25 frames/s.
  MAX_DISPATCH_MS_PER_S: int(1, 1000).default(50),
  MAX_IP_DISPATCH_MS_PER_S: int(1, 100_000).default(200),
  MAX_FRAMES_PER_S_PER_IP: int(1, 10_000_000).default(1200),
  MAX_QUEUED_BYTES_PER_IP: int(64 * 1024, 1024 * 1024 * 1024).default(4 * 1024 * 1024),
  LOOP_LAG_CUT_MS: int(0, 60_000).default(50),
  MAX_HTTP_SOCKETS_PER_IP: int(1, 100_000).default(64),
  // At most the fixed 30 s whole-request timeout, which Node requires to be the larger.
  HTTP_HEADERS_TIMEOUT_MS: int(100, 30_000).default(10_000),
  HTTP_RATE_PER_MIN: int(1, 1_000_000).default(120),
  HTTP_BURST: int(1, 1_000_000).default(60),
  MATCHMAKE_MAX_BODY_BYTES: int(2, 1024 * 1024).default(4096),
  MAX_PENDING_SEATS_PER_IP: int(1, 100_000).default(4),
  MAX_SEATS_PER_IP_PER_ROOM: int(1, 100_000).default(8),
  SEAT_RESERVATION_S: int(1, 300).default(8),
  RECONNECT_GRACE_S: int(0, 3600).default(20),
  CHAT_REPLAY_SIZE: int(50, 10_000).default(200),
  SHUTDOWN_TIMEOUT_S: int(1, 600).default(10),
  CHAT_RATE_BURST: int(1, 1000).default(5),
  CHAT_RATE_REFILL_PER_S: z.coerce.number().positive().max(1000).default(1),
  CHAT_FLOOD_REJECTIONS: int(1, 1000).default(3),
  CHAT_FLOOD_WINDOW_S: int(1, DAY_S).default(30),
  CHAT_AUTO_MUTE_S: int(1, DAY_S).default(60),
  // The limit-th identical line is rejected, so 1 would reject every line.
  CHAT_REPEAT_LIMIT: int(2, 1000).default(3),
  CHAT_REPEAT_WINDOW_S: int(1, DAY_S).default(300),
  CHAT_MUTE_DEFAULT_MIN: int(1, 7 * 24 * 60).default(10),
  CHAT_MUTE_MAX_MIN: int(1, 7 * 24 * 60).default(24 * 60),
  CHAT_WORDLIST: z.string().default(""),
  CHAT_WORDLIST_FILE: z.string().min(1).optional(),
  // Several processes as one cluster (docs/scaling.md).
  REDIS_URL: z.string().refine(isRedisUrl, "not a redis:// or rediss:// URL").optional(),
  PUBLIC_ADDRESS: z
    .string()
    .refine(isPublicAddress, "must be host[:port][/path], no scheme (e.g. 10.0.0.5:2567 or play.example/p1)")
    .optional(),
  REDIS_CONNECT_TIMEOUT_S: int(1, 3600).default(20),
  // Built-in TLS for one process with no proxy (SECURITY.md "TLS"); both files or neither.
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  HTTP_REDIRECT_PORT: int(0, 65535).optional(),
  SERVE_CLIENT: z.enum(["static", "vite", "none"]).default("static"),
  CLIENT_DIR: z.string().min(1).default("dist/client"),
});

export interface Config {
  /** NODE_ENV is "production": tighter defaults (no localhost origins). */
  production: boolean;
  port: number;
  host: string;
  client: ClientSettings;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  arena: ArenaRoomSettings;
  world: WorldRoomSettings;
  /** Bench-only `GET /debug/...` state snapshots; refused together with NODE_ENV=production. */
  debugEndpoints: boolean;
  /** When set, `GET /metrics` requires `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
  auth: AuthSettings;
  net: EdgeSettings;
  /** SIGTERM/SIGINT: exit 0 at the latest this many seconds after the signal. */
  shutdownTimeoutSeconds: number;
  chat: ChatSettings;
  /** Set (REDIS_URL): this process is one of a cluster sharing rooms through Redis. Unset: one process, no Redis. */
  cluster: ClusterSettings | undefined;
  /** Set (TLS_CERT_FILE and TLS_KEY_FILE): PORT serves https:// and wss://. Unset: plain http:// and ws://. */
  tls: TlsSettings | undefined;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads the word list file; injectable for tests. */
export type ReadTextFile = (path: string) => string;

export function parseConfig(
  env: Record<string, string | undefined> = process.env,
  readTextFile: ReadTextFile = (path) => readFileSync(path, "utf8"),
): Config {
  // Empty strings mean "unset", as in a `.env` with `PORT=`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.CHAT_MUTE_DEFAULT_MIN > e.CHAT_MUTE_MAX_MIN) {
    throw new ConfigError(
      `invalid configuration:\n  CHAT_MUTE_DEFAULT_MIN: must not exceed CHAT_MUTE_MAX_MIN (${e.CHAT_MUTE_MAX_MIN})`,
    );
  }
  // The snapshots reveal every player's position, which area of interest exists to hide.
  if (e.DEBUG_ENDPOINTS && e.NODE_ENV === "production") {
    throw new ConfigError(
      "invalid configuration:\n  DEBUG_ENDPOINTS: must not be true with NODE_ENV=production (the /debug snapshots reveal every player's position)",
    );
  }
  // A client renews when its access token runs out; a renewal token that dies first could never be used.
  if (e.AUTH_RENEW_TTL_S < e.AUTH_TOKEN_TTL_S) {
    throw new ConfigError(
      `invalid configuration:\n  AUTH_RENEW_TTL_S: must be at least AUTH_TOKEN_TTL_S (${e.AUTH_TOKEN_TTL_S})`,
    );
  }
  const cluster = clusterSettings(e);
  const tls = tlsSettings(e);
  // Both room types take these from the same variables; each has its own seat count.
  const perRoom: Omit<PlaySettings, "maxClients"> = {
    spawnSeed: e.SPAWN_SEED,
    inputBufferSize: e.INPUT_BUFFER_SIZE,
    reconnectGraceSeconds: e.RECONNECT_GRACE_S,
    chatReplaySize: e.CHAT_REPLAY_SIZE,
    seatReservationSeconds: e.SEAT_RESERVATION_S,
    maxSeatsPerIp: e.MAX_SEATS_PER_IP_PER_ROOM,
  };
  return {
    production: e.NODE_ENV === "production",
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    client: { mode: e.SERVE_CLIENT, dir: e.CLIENT_DIR },
    arena: { maxClients: e.MAX_CLIENTS, ...perRoom },
    world: {
      size: e.WORLD_SIZE,
      maxClients: e.WORLD_MAX_CLIENTS,
      viewRadius: e.VIEW_RADIUS,
      viewMargin: e.VIEW_MARGIN,
      patchHz: e.WORLD_PATCH_HZ,
      ...perRoom,
    },
    debugEndpoints: e.DEBUG_ENDPOINTS,
    metricsToken: e.METRICS_TOKEN,
    auth: {
      secret: e.AUTH_SECRET,
      tokenTtlSeconds: e.AUTH_TOKEN_TTL_S,
      renewTtlSeconds: e.AUTH_RENEW_TTL_S,
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
      joinHandshakeTimeoutMs: e.JOIN_ACK_TIMEOUT_MS,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
      maxHttpSocketsPerIp: e.MAX_HTTP_SOCKETS_PER_IP,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      httpRatePerMinute: e.HTTP_RATE_PER_MIN,
      httpBurst: e.HTTP_BURST,
      matchmakeMaxBodyBytes: e.MATCHMAKE_MAX_BODY_BYTES,
      maxPendingSeatsPerIp: e.MAX_PENDING_SEATS_PER_IP,
      seatReservationSeconds: e.SEAT_RESERVATION_S,
      cost: {
        maxDispatchMsPerS: e.MAX_DISPATCH_MS_PER_S,
        maxDispatchMsPerSPerIp: e.MAX_IP_DISPATCH_MS_PER_S,
        maxFramesPerSPerIp: e.MAX_FRAMES_PER_S_PER_IP,
        maxQueuedBytesPerIp: e.MAX_QUEUED_BYTES_PER_IP,
        loopLagCutMs: e.LOOP_LAG_CUT_MS,
      },
    },
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_S,
    chat: {
      rateBurst: e.CHAT_RATE_BURST,
      rateRefillPerSecond: e.CHAT_RATE_REFILL_PER_S,
      floodRejections: e.CHAT_FLOOD_REJECTIONS,
      floodWindowMs: e.CHAT_FLOOD_WINDOW_S * 1000,
      autoMuteMs: e.CHAT_AUTO_MUTE_S * 1000,
      repeatLimit: e.CHAT_REPEAT_LIMIT,
      repeatWindowMs: e.CHAT_REPEAT_WINDOW_S * 1000,
      muteDefaultMs: e.CHAT_MUTE_DEFAULT_MIN * 60_000,
      muteMaxMs: e.CHAT_MUTE_MAX_MIN * 60_000,
      wordList: [
        ...e.CHAT_WORDLIST.split(","),
        ...(e.CHAT_WORDLIST_FILE === undefined ? [] : readWordListFile(e.CHAT_WORDLIST_FILE, readTextFile)),
      ]
        .map((word) => word.trim())
        .filter((word) => word !== ""),
    },
    cluster,
    tls,
  };
}

/**
 * Only the file names: the files are read (and a bad one is fatal at start)
 * when the app is built (server/tls/certificate.ts), and again on SIGHUP.
 */
function tlsSettings(e: z.infer<typeof EnvSchema>): TlsSettings | undefined {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, HTTP_REDIRECT_PORT: redirectPort } = e;
  if (certFile === undefined && keyFile === undefined) {
    if (redirectPort !== undefined) {
      throw new ConfigError(
        "invalid configuration:\n  HTTP_REDIRECT_PORT: only used with TLS_CERT_FILE and TLS_KEY_FILE (it redirects to https://); unset it",
      );
    }
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    const [missing, given] =
      certFile === undefined ? ["TLS_CERT_FILE", "TLS_KEY_FILE"] : ["TLS_KEY_FILE", "TLS_CERT_FILE"];
    throw new ConfigError(`invalid configuration:\n  ${missing}: required with ${given} (set both, or neither)`);
  }
  if (redirectPort !== undefined && redirectPort !== 0 && redirectPort === e.PORT) {
    throw new ConfigError(
      `invalid configuration:\n  HTTP_REDIRECT_PORT: must differ from PORT (${e.PORT}), which serves https://`,
    );
  }
  return { certFile, keyFile, redirectPort };
}

function clusterSettings(e: z.infer<typeof EnvSchema>): ClusterSettings | undefined {
  if (e.REDIS_URL === undefined) {
    if (e.PUBLIC_ADDRESS !== undefined) {
      throw new ConfigError("invalid configuration:\n  PUBLIC_ADDRESS: only used with REDIS_URL (a cluster); unset it");
    }
    return undefined;
  }
  // A token minted by one process (POST /auth/guest) is checked by whichever process hosts the room.
  if (e.AUTH_SECRET === undefined) {
    throw new ConfigError(
      "invalid configuration:\n  AUTH_SECRET: required with REDIS_URL (every process must verify the tokens the others sign)",
    );
  }
  // Colyseus takes the public address when the server is constructed, before
  // it binds (@colyseus/core 0.18.17 Server.bootRuntime → matchMaker.setup),
  // so the default cannot be the port PORT=0 will get.
  if (e.PUBLIC_ADDRESS === undefined && e.PORT === 0) {
    throw new ConfigError(
      "invalid configuration:\n  PORT: must not be 0 with REDIS_URL unless PUBLIC_ADDRESS is set (the public address is needed before the port is bound)",
    );
  }
  return {
    redisUrl: e.REDIS_URL,
    publicAddress: e.PUBLIC_ADDRESS ?? boundAddress(e.HOST, e.PORT),
    connectTimeoutSeconds: e.REDIS_CONNECT_TIMEOUT_S,
  };
}

/** One word (or phrase) per line; blank lines and lines starting with # are skipped. */
function readWordListFile(path: string, readTextFile: ReadTextFile): string[] {
  let text: string;
  try {
    text = readTextFile(path);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`invalid configuration:\n  CHAT_WORDLIST_FILE: cannot read ${path}: ${detail}`);
  }
  return text.split(/\r?\n/).filter((line) => !line.trimStart().startsWith("#"));
}

/**
 * The defaults, as a test or embedder starts from them. Overrides merge per section: `arena` and `world` are separate (each room
 * type has its own settings), so an `arena: { spawnSeed }` override does not
 * reach the world room; the environment sets both from the same variables.
 */
export type ConfigOverrides = Partial<Omit<Config, "arena" | "world" | "auth" | "chat" | "client" | "net">> & {
  client?: Partial<ClientSettings>;
  arena?: Partial<ArenaRoomSettings>;
  world?: Partial<WorldRoomSettings>;
  auth?: Partial<AuthSettings>;
  chat?: Partial<ChatSettings>;
  net?: Partial<Omit<EdgeSettings, "cost">> & { cost?: Partial<ConnectionCostSettings> };
};

export function defaultConfig(overrides: ConfigOverrides = {}): Config {
  const base = parseConfig({});
  return {
    ...base,
    ...overrides,
    arena: { ...base.arena, ...overrides.arena },
    world: { ...base.world, ...overrides.world },
    auth: { ...base.auth, ...overrides.auth },
    net: { ...base.net, ...overrides.net, cost: { ...base.net.cost, ...overrides.net?.cost } },
    chat: { ...base.chat, ...overrides.chat },
    client: { ...base.client, ...overrides.client },
  };
}
