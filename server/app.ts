import "./polyfills.ts";
import type { AddressInfo } from "node:net";
import { defineRoom, defineServer } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { ARENA_BOUNDS, RoomName } from "../shared/index.ts";
import type { Config } from "./config.ts";
import { mountDebug } from "./http/debug.ts";
import { TokenService, resolveSecret } from "./auth/TokenService.ts";
import { mountGuestAuth } from "./auth/guestRoute.ts";
import { mountClient } from "./http/client.ts";
import { mountHealth } from "./http/health.ts";
import { mountMetrics } from "./http/metrics.ts";
import { mountRoomList } from "./http/rooms.ts";
import type { Logger } from "./logger.ts";
import { createMetrics, type Metrics } from "./metrics/Metrics.ts";
import { configureArenaRoom } from "./rooms/ArenaRoom.ts";
import { configureWorldRoom } from "./rooms/WorldRoom.ts";

export interface AppDeps {
  logger?: Logger;
  /** The rooms' clock (ms since the epoch); tests pass a controllable one. */
  now?: () => number;
}

function buildServer(config: Config, deps: AppDeps, metrics: Metrics, onClose: Array<() => Promise<void>>) {
  const startedAt = Date.now();
  const { logger } = deps;
  const { secret, generated } = resolveSecret(config.auth.secret);
  if (generated) {
    logger?.warn("AUTH_SECRET is not set: using a random secret, so tokens will not survive a restart");
  }
  const tokens = new TokenService({ secret, ttlSeconds: config.auth.tokenTtlSeconds });
  const { world } = config;
  const now = deps.now ?? Date.now;
  return defineServer({
    rooms: {
      [RoomName.Arena]: defineRoom(
        configureArenaRoom({
          settings: { ...config.arena, bounds: ARENA_BOUNDS },
          chat: config.chat,
          tokens,
          logger,
          metrics,
          now,
        }),
      ),
      [RoomName.World]: defineRoom(
        configureWorldRoom({
          settings: {
            ...config.arena,
            maxClients: world.maxClients,
            bounds: { width: world.size, height: world.size },
            patchHz: world.patchHz,
          },
          interest: { enterRadius: world.viewRadius, leaveRadius: world.viewRadius + world.viewMargin },
          chat: config.chat,
          tokens,
          logger,
          metrics,
          now,
        }),
      ),
    },
    transport: new WebSocketTransport(),
    express: async (app) => {
      mountHealth(app, startedAt);
      mountMetrics(app, metrics.registry);
      mountGuestAuth(app, tokens, logger);
      mountRoomList(app);
      if (config.debugEndpoints) mountDebug(app);
      onClose.push(await mountClient(app, config.client.mode, config.client.dir, logger));
    },
    greet: false,
    // Colyseus' own messages go through the same structured (and redacting) logger.
    ...(deps.logger === undefined ? {} : { logger: deps.logger.child({ component: "colyseus" }) }),
    // Signals are handled by server/index.ts, so tests and embedders own the process.
    gracefullyShutdown: false,
  });
}

/** The server's type, for `new Client<TickwireServer>(url)` on the client side. */
export type TickwireServer = ReturnType<typeof buildServer>;

export interface TickwireApp {
  readonly server: TickwireServer;
  readonly metrics: Metrics;
  /** Listen on `port` (0 = any free port); resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /** Disconnect everyone, dispose rooms and close the listener. */
  close(): Promise<void>;
}

/**
 * Build the whole server from a typed config. `server/index.ts` and the tests
 * boot the same factory. Colyseus' matchmaker is a per-process singleton, so
 * one app listens per process at a time.
 */
export function createApp(config: Config, deps: AppDeps = {}): TickwireApp {
  const metrics = createMetrics();
  const onClose: Array<() => Promise<void>> = [];
  const server = buildServer(config, deps, metrics, onClose);
  return {
    server,
    metrics,
    async listen(port = config.port, host = config.host) {
      await server.listen(port, host);
      const address = server.transport.server?.address() as AddressInfo | null;
      if (address === null || address === undefined) throw new Error("server is not listening");
      return address.port;
    },
    async close() {
      await server.gracefullyShutdown(false);
      await Promise.all(onClose.map((close) => close()));
      metrics.close();
    },
  };
}
