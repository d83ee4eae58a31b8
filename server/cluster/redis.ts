import type { MatchMakerDriver } from "@colyseus/core";
import type { RedisPresence } from "@colyseus/redis-presence";
import type { Logger } from "../logger.ts";
import type { ClusterSettings } from "./ClusterSettings.ts";
import { LiveRoomCache } from "./LiveRoomCache.ts";
import { ProcessLiveness } from "./liveness.ts";

/** What Colyseus shares between the processes of a cluster. */
export interface ClusterServices {
  presence: RedisPresence;
  /** The RedisDriver seen through `LiveRoomCache`: rooms of dead processes are not offered. */
  driver: MatchMakerDriver;
  /** Sweeps dead processes; started once the server listens (server/app.ts). */
  liveness: ProcessLiveness;
}

/**
 * Create the Redis presence and room-cache driver. The packages are imported
 * here, on demand, so a single process (no REDIS_URL) never loads them or
 * opens a connection. Both clients connect in the background (ioredis);
 * Colyseus awaits the driver's boot before it listens.
 */
export async function connectCluster(settings: ClusterSettings, logger: Logger): Promise<ClusterServices> {
  const [{ RedisPresence: Presence }, { RedisDriver: Driver }] = await Promise.all([
    import("@colyseus/redis-presence"),
    import("@colyseus/redis-driver"),
  ]);
  const presence = new Presence(settings.redisUrl);
  const liveness = new ProcessLiveness(presence, logger.child({ component: "cluster" }), settings.liveness);
  return { presence, driver: new LiveRoomCache(new Driver(settings.redisUrl), liveness), liveness };
}
