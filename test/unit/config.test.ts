import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../server/config.ts";

describe("parseConfig", () => {
  it("has laptop defaults", () => {
    expect(parseConfig({})).toEqual({
      port: 2567,
      host: "0.0.0.0",
      logLevel: "info",
      client: { mode: "static", dir: "dist/client" },
      arena: { maxClients: 64, spawnSeed: undefined, inputBufferSize: 8 },
      auth: { secret: undefined, tokenTtlSeconds: 86_400 },
    });
  });

  it("reads every variable", () => {
    const config = parseConfig({
      PORT: "3000",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      MAX_CLIENTS: "10",
      SPAWN_SEED: "1234",
      INPUT_BUFFER_SIZE: "4",
      AUTH_SECRET: "k".repeat(32),
      AUTH_TOKEN_TTL_S: "600",
      SERVE_CLIENT: "none",
      CLIENT_DIR: "/srv/client",
    });
    expect(config).toEqual({
      port: 3000,
      host: "127.0.0.1",
      logLevel: "warn",
      client: { mode: "none", dir: "/srv/client" },
      arena: { maxClients: 10, spawnSeed: 1234, inputBufferSize: 4 },
      auth: { secret: "k".repeat(32), tokenTtlSeconds: 600 },
    });
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ PORT: "", MAX_CLIENTS: "" }).port).toBe(2567);
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
