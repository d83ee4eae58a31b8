import type { RedisDriver } from "@colyseus/redis-driver";
import type { RedisPresence } from "@colyseus/redis-presence";
import type { ClusterSettings } from "./ClusterSettings.ts";

/** What Colyseus shares between the processes of a cluster. */
export interface ClusterServices {
  presence: RedisPresence;
  driver: RedisDriver;
}

/**
 * Create the Redis presence and room-cache driver. The packages are imported
 * here, on demand, so a single process (no REDIS_URL) never loads them or
 * opens a connection. Both clients connect in the background (ioredis);
 * Colyseus awaits the driver's boot before it listens.
 */
export async function connectCluster(settings: ClusterSettings): Promise<ClusterServices> {
  const [{ RedisPresence: Presence }, { RedisDriver: Driver }] = await Promise.all([
    import("@colyseus/redis-presence"),
    import("@colyseus/redis-driver"),
  ]);
  return { presence: new Presence(settings.redisUrl), driver: new Driver(settings.redisUrl) };
}
