import { z } from "zod";

/**
 * The whole server configuration, parsed once from the environment. Every
 * field has a default that works on a laptop; README's configuration table
 * lists the same names.
 */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  PORT: int(0, 65535).default(2567),
  HOST: z.string().min(1).default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MAX_CLIENTS: int(1, 4096).default(64),
  SPAWN_SEED: int(0, 0xffffffff).optional(),
  INPUT_BUFFER_SIZE: int(1, 256).default(8),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (256 bits for HS256)").optional(),
  AUTH_TOKEN_TTL_S: int(60, 365 * 24 * 3600).default(24 * 3600),
  SERVE_CLIENT: z.enum(["static", "vite", "none"]).default("static"),
  CLIENT_DIR: z.string().min(1).default("dist/client"),
});

export interface ArenaSettings {
  /** Seats per room; a full room makes joinOrCreate create another. */
  maxClients: number;
  /** Pins every room's spawn PRNG; unset = a random seed per room. */
  spawnSeed: number | undefined;
  /** Inputs buffered per player before the oldest is dropped. */
  inputBufferSize: number;
}

export interface AuthSettings {
  /** HS256 secret; unset = generated at start (tokens die with the process). */
  secret: string | undefined;
  tokenTtlSeconds: number;
}

export interface ClientSettings {
  /** static: serve the Vite build; vite: dev middleware with hot reload; none: API only. */
  mode: "static" | "vite" | "none";
  /** Where the static build lives. */
  dir: string;
}

export interface Config {
  port: number;
  host: string;
  client: ClientSettings;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  arena: ArenaSettings;
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
    client: { mode: e.SERVE_CLIENT, dir: e.CLIENT_DIR },
    arena: {
      maxClients: e.MAX_CLIENTS,
      spawnSeed: e.SPAWN_SEED,
      inputBufferSize: e.INPUT_BUFFER_SIZE,
    },
    auth: {
      secret: e.AUTH_SECRET,
      tokenTtlSeconds: e.AUTH_TOKEN_TTL_S,
    },
  };
}

/** The defaults, as a test or embedder starts from them. */
export type ConfigOverrides = Partial<Omit<Config, "arena" | "auth" | "client">> & {
  client?: Partial<ClientSettings>;
  arena?: Partial<ArenaSettings>;
  auth?: Partial<AuthSettings>;
};

export function defaultConfig(overrides: ConfigOverrides = {}): Config {
  const base = parseConfig({});
  return {
    ...base,
    ...overrides,
    arena: { ...base.arena, ...overrides.arena },
    auth: { ...base.auth, ...overrides.auth },
    client: { ...base.client, ...overrides.client },
  };
}
