import { describe, expect, it } from "vitest";
import { clusterWarnings, redisEndpoint } from "../../server/cluster/ClusterSettings.ts";
import { ConfigError, parseConfig } from "../../server/config.ts";

const CHAT_DEFAULTS = {
  rateBurst: 5,
  rateRefillPerSecond: 1,
  floodRejections: 3,
  floodWindowMs: 30_000,
  autoMuteMs: 60_000,
  repeatLimit: 3,
  repeatWindowMs: 300_000,
  muteDefaultMs: 600_000,
  muteMaxMs: 86_400_000,
  wordList: [],
};

describe("parseConfig", () => {
  it("has laptop defaults", () => {
    expect(parseConfig({})).toEqual({
      production: false,
      port: 2567,
      host: "0.0.0.0",
      logLevel: "info",
      client: { mode: "static", dir: "dist/client" },
      world: {
        size: 4000,
        maxClients: 2500,
        viewRadius: 400,
        viewMargin: 100,
        patchHz: 20,
        spawnSeed: undefined,
        inputBufferSize: 8,
        reconnectGraceSeconds: 20,
        chatReplaySize: 200,
        seatReservationSeconds: 8,
        maxSeatsPerIp: 8,
      },
      debugEndpoints: false,
      metricsToken: undefined,
      auth: { secret: undefined, tokenTtlSeconds: 86_400, renewTtlSeconds: 2_592_000 },
      chat: CHAT_DEFAULTS,
      arena: {
        maxClients: 64,
        spawnSeed: undefined,
        inputBufferSize: 8,
        reconnectGraceSeconds: 20,
        chatReplaySize: 200,
        seatReservationSeconds: 8,
        maxSeatsPerIp: 8,
      },
      net: {
        allowedOrigins: undefined,
        trustedProxies: [],
        maxPayloadBytes: 4096,
        maxFragments: 16,
        heartbeatIntervalMs: 3000,
        heartbeatMaxMissed: 2,
        maxMessagesPerSecond: 120,
        maxBufferedBytes: 1_048_576,
        joinHandshakeTimeoutMs: 5000,
        maxConnectionsPerIp: 32,
        maxHttpSocketsPerIp: 64,
        headersTimeoutMs: 10_000,
        httpRatePerMinute: 120,
        httpBurst: 60,
        matchmakeMaxBodyBytes: 4096,
        maxPendingSeatsPerIp: 4,
        seatReservationSeconds: 8,
        cost: {
          maxDispatchMsPerS: 50,
          maxDispatchMsPerSPerIp: 200,
          maxFramesPerSPerIp: 1200,
          maxQueuedBytesPerIp: 4_194_304,
          loopLagCutMs: 50,
        },
      },
      shutdownTimeoutSeconds: 10,
    });
  });

  it("reads every variable", () => {
    const config = parseConfig({
      NODE_ENV: "production",
      PORT: "3000",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      MAX_CLIENTS: "10",
      SPAWN_SEED: "1234",
      INPUT_BUFFER_SIZE: "4",
      WORLD_SIZE: "2000",
      WORLD_MAX_CLIENTS: "300",
      VIEW_RADIUS: "250",
      VIEW_MARGIN: "50",
      WORLD_PATCH_HZ: "10",
      // DEBUG_ENDPOINTS=true is refused in production (below).
      DEBUG_ENDPOINTS: "false",
      METRICS_TOKEN: "m".repeat(24),
      AUTH_SECRET: "k".repeat(32),
      AUTH_TOKEN_TTL_S: "600",
      AUTH_RENEW_TTL_S: "3600",
      ALLOWED_ORIGINS: "https://play.example, https://beta.play.example:8443",
      TRUSTED_PROXIES: "10.0.0.1,192.168.0.0/16, ::1",
      MAX_PAYLOAD_BYTES: "2048",
      MAX_FRAGMENTS: "4",
      HEARTBEAT_INTERVAL_MS: "1000",
      HEARTBEAT_MAX_MISSED: "3",
      MAX_MESSAGES_PER_S: "30",
      MAX_BUFFERED_BYTES: "65536",
      JOIN_ACK_TIMEOUT_MS: "2500",
      MAX_CONNECTIONS_PER_IP: "8",
      MAX_HTTP_SOCKETS_PER_IP: "4",
      HTTP_HEADERS_TIMEOUT_MS: "2000",
      HTTP_RATE_PER_MIN: "30",
      HTTP_BURST: "10",
      MATCHMAKE_MAX_BODY_BYTES: "1024",
      MAX_PENDING_SEATS_PER_IP: "6",
      MAX_SEATS_PER_IP_PER_ROOM: "2",
      SEAT_RESERVATION_S: "3",
      MAX_DISPATCH_MS_PER_S: "20",
      MAX_IP_DISPATCH_MS_PER_S: "100",
      MAX_FRAMES_PER_S_PER_IP: "600",
      MAX_QUEUED_BYTES_PER_IP: "2097152",
      LOOP_LAG_CUT_MS: "0",
      RECONNECT_GRACE_S: "5",
      CHAT_REPLAY_SIZE: "200",
      SHUTDOWN_TIMEOUT_S: "3",
      CHAT_RATE_BURST: "10",
      CHAT_RATE_REFILL_PER_S: "0.5",
      CHAT_FLOOD_REJECTIONS: "4",
      CHAT_FLOOD_WINDOW_S: "20",
      CHAT_AUTO_MUTE_S: "120",
      CHAT_REPEAT_LIMIT: "2",
      CHAT_REPEAT_WINDOW_S: "60",
      CHAT_MUTE_DEFAULT_MIN: "5",
      CHAT_MUTE_MAX_MIN: "30",
      CHAT_WORDLIST: "darn, heck,,",
      SERVE_CLIENT: "none",
      CLIENT_DIR: "/srv/client",
      TLS_CERT_FILE: "/etc/letsencrypt/live/play.example/fullchain.pem",
      TLS_KEY_FILE: "/etc/letsencrypt/live/play.example/privkey.pem",
      HTTP_REDIRECT_PORT: "80",
    });
    expect(config).toEqual({
      production: true,
      port: 3000,
      host: "127.0.0.1",
      logLevel: "warn",
      client: { mode: "none", dir: "/srv/client" },
      world: {
        size: 2000,
        maxClients: 300,
        viewRadius: 250,
        viewMargin: 50,
        patchHz: 10,
        spawnSeed: 1234,
        inputBufferSize: 4,
        reconnectGraceSeconds: 5,
        chatReplaySize: 200,
        seatReservationSeconds: 3,
        maxSeatsPerIp: 2,
      },
      debugEndpoints: false,
      metricsToken: "m".repeat(24),
      auth: { secret: "k".repeat(32), tokenTtlSeconds: 600, renewTtlSeconds: 3600 },
      chat: {
        rateBurst: 10,
        rateRefillPerSecond: 0.5,
        floodRejections: 4,
        floodWindowMs: 20_000,
        autoMuteMs: 120_000,
        repeatLimit: 2,
        repeatWindowMs: 60_000,
        muteDefaultMs: 300_000,
        muteMaxMs: 1_800_000,
        wordList: ["darn", "heck"],
      },
      arena: {
        maxClients: 10,
        spawnSeed: 1234,
        inputBufferSize: 4,
        reconnectGraceSeconds: 5,
        chatReplaySize: 200,
        seatReservationSeconds: 3,
        maxSeatsPerIp: 2,
      },
      net: {
        allowedOrigins: ["https://play.example", "https://beta.play.example:8443"],
        trustedProxies: ["10.0.0.1", "192.168.0.0/16", "::1"],
        maxPayloadBytes: 2048,
        maxFragments: 4,
        heartbeatIntervalMs: 1000,
        heartbeatMaxMissed: 3,
        maxMessagesPerSecond: 30,
        maxBufferedBytes: 65_536,
        joinHandshakeTimeoutMs: 2500,
        maxConnectionsPerIp: 8,
        maxHttpSocketsPerIp: 4,
        headersTimeoutMs: 2000,
        httpRatePerMinute: 30,
        httpBurst: 10,
        matchmakeMaxBodyBytes: 1024,
        maxPendingSeatsPerIp: 6,
        seatReservationSeconds: 3,
        cost: {
          maxDispatchMsPerS: 20,
          maxDispatchMsPerSPerIp: 100,
          maxFramesPerSPerIp: 600,
          maxQueuedBytesPerIp: 2_097_152,
          loopLagCutMs: 0,
        },
      },
      shutdownTimeoutSeconds: 3,
      tls: {
        certFile: "/etc/letsencrypt/live/play.example/fullchain.pem",
        keyFile: "/etc/letsencrypt/live/play.example/privkey.pem",
        redirectPort: 80,
      },
    });
  });

  it("refuses a world larger than the 16-bit position grid", () => {
    expect(() => parseConfig({ WORLD_SIZE: "4096" })).toThrowError(/WORLD_SIZE/);
  });

  it("merges the word list file (one per line, # comments) with CHAT_WORDLIST", () => {
    const files: Record<string, string> = { "/etc/words": "# house rules\nnoob\r\n\n  rekt  \n" };
    const read = (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error("ENOENT: no such file");
      return text;
    };
    expect(parseConfig({ CHAT_WORDLIST: "darn", CHAT_WORDLIST_FILE: "/etc/words" }, read).chat.wordList).toEqual([
      "darn",
      "noob",
      "rekt",
    ]);
    expect(() => parseConfig({ CHAT_WORDLIST_FILE: "/nope" }, read)).toThrowError(
      /CHAT_WORDLIST_FILE: cannot read \/nope: ENOENT/,
    );
  });

  it("refuses chat settings that cannot work", () => {
    expect(() => parseConfig({ CHAT_REPEAT_LIMIT: "1" })).toThrowError(/CHAT_REPEAT_LIMIT/);
    expect(() => parseConfig({ CHAT_RATE_REFILL_PER_S: "0" })).toThrowError(/CHAT_RATE_REFILL_PER_S/);
    expect(() => parseConfig({ CHAT_RATE_BURST: "0" })).toThrowError(/CHAT_RATE_BURST/);
    expect(() => parseConfig({ CHAT_MUTE_DEFAULT_MIN: "60", CHAT_MUTE_MAX_MIN: "30" })).toThrowError(
      /CHAT_MUTE_DEFAULT_MIN: must not exceed CHAT_MUTE_MAX_MIN/,
    );
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ PORT: "", MAX_CLIENTS: "" }).port).toBe(2567);
  });

  it("refuses malformed origins and proxy addresses", () => {
    expect(() => parseConfig({ ALLOWED_ORIGINS: "play.example" })).toThrowError(/ALLOWED_ORIGINS/);
    expect(() => parseConfig({ ALLOWED_ORIGINS: "ftp://play.example" })).toThrowError(/ALLOWED_ORIGINS/);
    expect(() => parseConfig({ TRUSTED_PROXIES: "10.0.0.0/33" })).toThrowError(/TRUSTED_PROXIES/);
    expect(() => parseConfig({ TRUSTED_PROXIES: "proxy.internal" })).toThrowError(/TRUSTED_PROXIES/);
  });

  it("refuses renewal tokens that would die before the access tokens they renew", () => {
    expect(() => parseConfig({ AUTH_TOKEN_TTL_S: "7200", AUTH_RENEW_TTL_S: "3600" })).toThrowError(
      /AUTH_RENEW_TTL_S: must be at least AUTH_TOKEN_TTL_S/,
    );
    expect(parseConfig({ AUTH_TOKEN_TTL_S: "3600", AUTH_RENEW_TTL_S: "3600" }).auth.renewTtlSeconds).toBe(3600);
  });

  it("turns DEBUG_ENDPOINTS on outside production only", () => {
    expect(parseConfig({ DEBUG_ENDPOINTS: "true" }).debugEndpoints).toBe(true);
    expect(parseConfig({ DEBUG_ENDPOINTS: "1", NODE_ENV: "staging" }).debugEndpoints).toBe(true);
    expect(() => parseConfig({ DEBUG_ENDPOINTS: "true", NODE_ENV: "production" })).toThrowError(ConfigError);
    expect(() => parseConfig({ DEBUG_ENDPOINTS: "1", NODE_ENV: "production" })).toThrowError(
      /DEBUG_ENDPOINTS: must not be true with NODE_ENV=production/,
    );
    expect(parseConfig({ DEBUG_ENDPOINTS: "false", NODE_ENV: "production" }).debugEndpoints).toBe(false);
  });

  it("refuses a short METRICS_TOKEN", () => {
    expect(() => parseConfig({ METRICS_TOKEN: "secret" })).toThrowError(/METRICS_TOKEN.*16 characters/);
  });

  it("refuses a short AUTH_SECRET", () => {
    expect(() => parseConfig({ AUTH_SECRET: "short" })).toThrowError(/AUTH_SECRET.*32 characters/);
  });

  it("names every invalid variable", () => {
    expect(() => parseConfig({ PORT: "http", MAX_CLIENTS: "0", LOG_LEVEL: "loud" })).toThrowError(ConfigError);
    try {
      parseConfig({ PORT: "http", MAX_CLIENTS: "0", LOG_LEVEL: "loud" });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain("PORT");
      expect(message).toContain("MAX_CLIENTS");
      expect(message).toContain("LOG_LEVEL");
    }
  });
});

describe("parseConfig: cluster (REDIS_URL, PUBLIC_ADDRESS)", () => {
  const SECRET = "s".repeat(32);
  const REDIS = "redis://127.0.0.1:6379/0";

  it("is one process, with no Redis, by default", () => {
    expect(parseConfig({}).cluster).toBeUndefined();
  });

  it("waits REDIS_CONNECT_TIMEOUT_S for Redis at start (default 20), at least 1", () => {
    const base = { REDIS_URL: REDIS, AUTH_SECRET: SECRET };
    expect(parseConfig({ ...base, REDIS_CONNECT_TIMEOUT_S: "3" }).cluster?.connectTimeoutSeconds).toBe(3);
    expect(() => parseConfig({ ...base, REDIS_CONNECT_TIMEOUT_S: "0" })).toThrow(/REDIS_CONNECT_TIMEOUT_S/);
  });

  it("turns the cluster on with REDIS_URL, the public address defaulting to HOST:PORT", () => {
    expect(parseConfig({ REDIS_URL: REDIS, AUTH_SECRET: SECRET }).cluster).toEqual({
      redisUrl: REDIS,
      publicAddress: "0.0.0.0:2567",
      connectTimeoutSeconds: 20,
    });
    expect(parseConfig({ REDIS_URL: REDIS, AUTH_SECRET: SECRET, HOST: "10.0.0.5", PORT: "3001" }).cluster).toEqual({
      redisUrl: REDIS,
      publicAddress: "10.0.0.5:3001",
      connectTimeoutSeconds: 20,
    });
    expect(
      parseConfig({ REDIS_URL: REDIS, AUTH_SECRET: SECRET, HOST: "::1", PORT: "3001" }).cluster?.publicAddress,
    ).toBe("[::1]:3001");
  });

  it("takes PUBLIC_ADDRESS as host[:port][/path]", () => {
    for (const address of ["127.0.0.1:2568", "play.example", "play.example/p2568", "[::1]:2568/p/1", "a-b.c:443"]) {
      const cluster = parseConfig({
        REDIS_URL: "rediss://:pw@redis.internal:6380/2",
        AUTH_SECRET: SECRET,
        PUBLIC_ADDRESS: address,
      }).cluster;
      expect(cluster?.publicAddress).toBe(address);
    }
  });

  it("refuses a public address with a scheme, a bad port or spaces", () => {
    for (const address of [
      "ws://127.0.0.1:2568",
      "http://play.example",
      "127.0.0.1:0",
      "host:70000",
      "a b",
      ":2568",
      "host:",
      "-x.example",
    ]) {
      expect(
        () => parseConfig({ REDIS_URL: REDIS, AUTH_SECRET: SECRET, PUBLIC_ADDRESS: address }),
        address,
      ).toThrowError(/PUBLIC_ADDRESS: must be host\[:port\]\[\/path\]/);
    }
  });

  it("refuses a REDIS_URL that is not redis:// or rediss://", () => {
    for (const url of ["127.0.0.1:6379", "http://127.0.0.1:6379", "redis://", "not a url"]) {
      expect(() => parseConfig({ REDIS_URL: url, AUTH_SECRET: SECRET }), url).toThrowError(/REDIS_URL: not a redis/);
    }
  });

  it("refuses to start a cluster without AUTH_SECRET (each process must verify the others' tokens)", () => {
    expect(() => parseConfig({ REDIS_URL: REDIS })).toThrowError(ConfigError);
    expect(() => parseConfig({ REDIS_URL: REDIS })).toThrowError(/AUTH_SECRET: required with REDIS_URL/);
  });

  it("refuses PORT=0 in a cluster unless PUBLIC_ADDRESS says where the process is reached", () => {
    expect(() => parseConfig({ REDIS_URL: REDIS, AUTH_SECRET: SECRET, PORT: "0" })).toThrowError(
      /PORT: must not be 0 with REDIS_URL/,
    );
    expect(
      parseConfig({ REDIS_URL: REDIS, AUTH_SECRET: SECRET, PORT: "0", PUBLIC_ADDRESS: "lb.example/p1" }).cluster
        ?.publicAddress,
    ).toBe("lb.example/p1");
  });

  it("refuses PUBLIC_ADDRESS without REDIS_URL (it would do nothing)", () => {
    expect(() => parseConfig({ PUBLIC_ADDRESS: "127.0.0.1:2567" })).toThrowError(
      /PUBLIC_ADDRESS: only used with REDIS_URL/,
    );
  });
});

describe("clusterWarnings", () => {
  const origins = { allowedOriginsSet: true };

  it("warns when the public address is an unspecified host, with a 127.0.0.1 hint", () => {
    const [warning, ...rest] = clusterWarnings(
      { redisUrl: "redis://127.0.0.1", publicAddress: "0.0.0.0:2567" },
      origins,
    );
    expect(rest).toEqual([]);
    expect(warning).toContain("PUBLIC_ADDRESS");
    expect(warning).toContain("127.0.0.1:2567");
    expect(clusterWarnings({ redisUrl: "redis://127.0.0.1", publicAddress: "[::]:2567" }, origins)).toHaveLength(1);
    expect(clusterWarnings({ redisUrl: "redis://127.0.0.1", publicAddress: "10.0.0.5:2567" }, origins)).toEqual([]);
  });

  it("warns that the default origin policy refuses pages served by another process", () => {
    const warnings = clusterWarnings(
      { redisUrl: "redis://127.0.0.1", publicAddress: "10.0.0.5:2567" },
      { allowedOriginsSet: false },
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("ALLOWED_ORIGINS");
  });

  it("never logs the Redis password", () => {
    expect(redisEndpoint("redis://user:hunter2@redis.internal:6380/3")).toBe("redis://redis.internal:6380/3");
    expect(redisEndpoint("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });
});

describe("parseConfig: built-in TLS", () => {
  const FILES = { TLS_CERT_FILE: "/tls/cert.pem", TLS_KEY_FILE: "/tls/key.pem" };

  it("is plain http by default", () => {
    expect(parseConfig({}).tls).toBeUndefined();
  });

  it("turns on with both files, without a redirect port unless HTTP_REDIRECT_PORT is set", () => {
    expect(parseConfig(FILES).tls).toEqual({
      certFile: "/tls/cert.pem",
      keyFile: "/tls/key.pem",
      redirectPort: undefined,
    });
    expect(parseConfig({ ...FILES, HTTP_REDIRECT_PORT: "8080" }).tls?.redirectPort).toBe(8080);
  });

  it("refuses one file without the other, naming the missing one", () => {
    expect(() => parseConfig({ TLS_CERT_FILE: "/tls/cert.pem" })).toThrowError(ConfigError);
    expect(() => parseConfig({ TLS_CERT_FILE: "/tls/cert.pem" })).toThrowError(
      /TLS_KEY_FILE: required with TLS_CERT_FILE/,
    );
    expect(() => parseConfig({ TLS_KEY_FILE: "/tls/key.pem" })).toThrowError(
      /TLS_CERT_FILE: required with TLS_KEY_FILE/,
    );
  });

  it("refuses HTTP_REDIRECT_PORT without TLS (there is no https:// to redirect to)", () => {
    expect(() => parseConfig({ HTTP_REDIRECT_PORT: "80" })).toThrowError(ConfigError);
    expect(() => parseConfig({ HTTP_REDIRECT_PORT: "80" })).toThrowError(/HTTP_REDIRECT_PORT: only used with/);
  });

  it("refuses a redirect port that is PORT, or not a port", () => {
    expect(() => parseConfig({ ...FILES, PORT: "8443", HTTP_REDIRECT_PORT: "8443" })).toThrowError(
      /HTTP_REDIRECT_PORT: must differ from PORT/,
    );
    expect(() => parseConfig({ ...FILES, HTTP_REDIRECT_PORT: "65536" })).toThrowError(/HTTP_REDIRECT_PORT/);
    // Port 0 (any free port, as tests use) for both is not a clash.
    expect(parseConfig({ ...FILES, PORT: "0", HTTP_REDIRECT_PORT: "0" }).tls?.redirectPort).toBe(0);
  });
});
