import { z } from "zod";

/**
 * The whole server configuration, parsed once from the environment. Every
 * field has a default that works on a laptop; README's configuration table
 * lists the same names.
 */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const EnvSchema = z.object({
  PORT: int(0, 65535).default(2567),
  HOST: z.string().min(1).default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MAX_CLIENTS: int(1, 4096).default(64),
  SPAWN_SEED: int(0, 0xffffffff).optional(),
  INPUT_BUFFER_SIZE: int(1, 256).default(8),
  // 4095: positions are 16-bit fixed point at 1/16 unit (shared/constants.ts POSITION_MAX).
  WORLD_SIZE: int(64, 4095).default(4000),
  WORLD_MAX_CLIENTS: int(1, 10_000).default(2500),
  VIEW_RADIUS: int(16, 4095).default(400),
  VIEW_MARGIN: int(0, 4095).default(100),
  WORLD_PATCH_HZ: int(1, 60).default(20),
  DEBUG_ENDPOINTS: flag.default(false),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (256 bits for HS256)").optional(),
  AUTH_TOKEN_TTL_S: int(60, 365 * 24 * 3600).default(24 * 3600),
});

export interface ArenaSettings {
  /** Seats per room; a full room makes joinOrCreate create another. */
  maxClients: number;
  /** Pins every room's spawn PRNG; unset = a random seed per room. */
  spawnSeed: number | undefined;
  /** Inputs buffered per player before the oldest is dropped. */
  inputBufferSize: number;
}

export interface WorldSettings {
  /** Side of the square open world, in world units. */
  size: number;
  /** Seats in one world room. */
  maxClients: number;
  /** A player enters a client's view within this distance of the client's player... */
  viewRadius: number;
  /** ...and leaves it only beyond viewRadius + viewMargin (hysteresis: no flicker at the edge). */
  viewMargin: number;
  /** State patches per second in the world room (the simulation stays at TICK_HZ). */
  patchHz: number;
}

export interface AuthSettings {
  /** HS256 secret; unset = generated at start (tokens die with the process). */
  secret: string | undefined;
  tokenTtlSeconds: number;
}

export interface Config {
  port: number;
  host: string;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  arena: ArenaSettings;
  world: WorldSettings;
  /** Bench-only `GET /debug/...` state snapshots; never on in production. */
  debugEndpoints: boolean;
  auth: AuthSettings;
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
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    arena: {
      maxClients: e.MAX_CLIENTS,
      spawnSeed: e.SPAWN_SEED,
      inputBufferSize: e.INPUT_BUFFER_SIZE,
    },
    world: {
      size: e.WORLD_SIZE,
      maxClients: e.WORLD_MAX_CLIENTS,
      viewRadius: e.VIEW_RADIUS,
      viewMargin: e.VIEW_MARGIN,
      patchHz: e.WORLD_PATCH_HZ,
    },
    debugEndpoints: e.DEBUG_ENDPOINTS,
    auth: {
      secret: e.AUTH_SECRET,
      tokenTtlSeconds: e.AUTH_TOKEN_TTL_S,
    },
  };
}

/** The defaults, as a test or embedder starts from them. */
export type ConfigOverrides = Partial<Omit<Config, "arena" | "world" | "auth">> & {
  arena?: Partial<ArenaSettings>;
  world?: Partial<WorldSettings>;
  auth?: Partial<AuthSettings>;
};

export function defaultConfig(overrides: ConfigOverrides = {}): Config {
  const base = parseConfig({});
  return {
    ...base,
    ...overrides,
    arena: { ...base.arena, ...overrides.arena },
    world: { ...base.world, ...overrides.world },
    auth: { ...base.auth, ...overrides.auth },
  };
}
