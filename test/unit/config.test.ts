import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../server/config.ts";

describe("parseConfig", () => {
  it("has laptop defaults", () => {
    expect(parseConfig({})).toEqual({
      port: 2567,
      host: "0.0.0.0",
      logLevel: "info",
      arena: { maxClients: 64, spawnSeed: undefined, inputBufferSize: 8 },
      world: { size: 4000, maxClients: 2500, viewRadius: 400, viewMargin: 100, patchHz: 20 },
      debugEndpoints: false,
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
      WORLD_SIZE: "2000",
      WORLD_MAX_CLIENTS: "300",
      VIEW_RADIUS: "250",
      VIEW_MARGIN: "50",
      WORLD_PATCH_HZ: "10",
      DEBUG_ENDPOINTS: "true",
      AUTH_SECRET: "k".repeat(32),
      AUTH_TOKEN_TTL_S: "600",
    });
    expect(config).toEqual({
      port: 3000,
      host: "127.0.0.1",
      logLevel: "warn",
      arena: { maxClients: 10, spawnSeed: 1234, inputBufferSize: 4 },
      world: { size: 2000, maxClients: 300, viewRadius: 250, viewMargin: 50, patchHz: 10 },
      debugEndpoints: true,
      auth: { secret: "k".repeat(32), tokenTtlSeconds: 600 },
    });
  });

  it("refuses a world larger than the 16-bit position grid", () => {
    expect(() => parseConfig({ WORLD_SIZE: "4096" })).toThrowError(/WORLD_SIZE/);
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
