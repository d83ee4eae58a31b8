import type { MatchMakerDriver } from "@colyseus/core";
import type { RedisPresence } from "@colyseus/redis-presence";
import type { Redis, RedisOptions } from "ioredis";
import { presenceSubscriber, reRegisterProcess } from "../../colyseus/clusterRegistration.ts";
import type { Logger } from "../logger.ts";
import { redisEndpoint, type ClusterSettings } from "./ClusterSettings.ts";
import { LiveRoomCache } from "./LiveRoomCache.ts";
import { ProcessLiveness } from "./liveness.ts";
import { RedisHealth } from "./redisHealth.ts";

/** What Colyseus shares between the processes of a cluster, and how this process watches it. */
export interface ClusterServices {
  presence: RedisPresence;
  /** The RedisDriver seen through `LiveRoomCache`: rooms of dead processes are not offered. */
  driver: MatchMakerDriver;
  /** Sweeps dead processes; started once the server listens (server/app.ts). */
  liveness: ProcessLiveness;
  /** Up or down, as /health reports it and the matchmaking gate reads it. */
  health: RedisHealth;
}

/** Redis did not answer at start within REDIS_CONNECT_TIMEOUT_S. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
}

/** Reconnection attempts back off to at most this: Redis coming back is noticed within about a second. */
export const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * The ioredis options of Colyseus' connections.
 *
 * - `maxRetriesPerRequest: null` (ioredis' default is 20 reconnections, then
 *   the command fails): a command issued while Redis is away waits in the
 *   offline queue and runs when it is back. Failing would hurt more than
 *   waiting, because core does not expect these calls to fail: a room's
 *   dispose awaits `driver.remove` before it runs onDispose and stops its
 *   timers (core Room#_dispose), so a failed remove leaves a room that never
 *   disposes and a drain that never ends; and most stats/listing writes are
 *   not awaited at all, so a rejection would be an unhandled one, which ends
 *   a Node process. Waiting, the writes replay in order when Redis returns and
 *   the room cache converges; requests that would wait (matchmaking, /rooms)
 *   are refused up front while Redis is down (RedisHealth).
 * - Reconnect every 100 ms × attempt, at most MAX_RECONNECT_DELAY_MS apart
 *   (ioredis: 50 ms × attempt, at most 2 s).
 * - `connectTimeout` 3 s (ioredis: 10 s): an address that never answers is one attempt every few seconds.
 */
function connectionOptions(name: string): RedisOptions {
  return {
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    connectTimeout: 3000,
  };
}

/** Resolves once every connection is ready; rejects after `ms` with the last connection error seen. */
function allReady(connections: readonly Redis[], ms: number): Promise<void> {
  let lastError: Error | undefined;
  const waits = connections.map(
    (connection) =>
      new Promise<void>((resolve) => {
        if (connection.status === "ready") return resolve();
        connection.on("error", (error: Error) => (lastError = error));
        connection.once("ready", () => resolve());
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(lastError?.message ?? "no answer")), ms);
  });
  return Promise.race([Promise.all(waits).then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Connect the Redis presence and room-cache driver, waiting (at most
 * `connectTimeoutSeconds`) until Redis answers: Colyseus cannot listen
 * without it (matchMaker.accept subscribes this process' channel). Rejects
 * with RedisUnavailableError past the wait; server/index.ts exits 1 then.
 *
 * The packages are imported here, on demand, so a single process (no
 * REDIS_URL) never loads them or opens a connection. The connections are
 * ours (both constructors accept an ioredis instance) so that their options
 * are (connectionOptions) and so that RedisHealth can watch them.
 */
export async function connectCluster(settings: ClusterSettings, logger: Logger): Promise<ClusterServices> {
  const [{ RedisPresence: Presence }, { RedisDriver: Driver }, { Redis: Client }] = await Promise.all([
    import("@colyseus/redis-presence"),
    import("@colyseus/redis-driver"),
    import("ioredis"),
  ]);
  const log = logger.child({ component: "redis", redis: redisEndpoint(settings.redisUrl) });
  const deadline = Date.now() + settings.connectTimeoutSeconds * 1000;
  const driverClient = new Client(settings.redisUrl, connectionOptions("tickwire-driver"));
  // The driver adds no listener of its own: without one ioredis prints every
  // failed reconnection on stderr. RedisHealth logs the outage once instead.
  driverClient.on("error", () => undefined);
  const giveUp = (error: unknown): never => {
    driverClient.disconnect();
    const detail = error instanceof Error ? error.message : String(error);
    throw new RedisUnavailableError(
      `Redis at ${redisEndpoint(settings.redisUrl)} did not answer within ${settings.connectTimeoutSeconds} s ` +
        `(REDIS_CONNECT_TIMEOUT_S; last error: ${detail})`,
    );
  };
  if (driverClient.status !== "ready") {
    log.info({ waitS: settings.connectTimeoutSeconds }, "waiting for Redis before listening");
  }
  // The presence is created once the driver's connection is up, so that a Redis
  // that is down at start is reported by this wait, not by the presence's
  // warning on every reconnection attempt.
  await allReady([driverClient], deadline - Date.now()).catch(giveUp);
  const presenceClient = new Client(settings.redisUrl, connectionOptions("tickwire-presence"));
  const presence = new Presence(presenceClient);
  const subscriber = presenceSubscriber(presence) as Redis;
  await allReady([presenceClient, subscriber], Math.max(deadline - Date.now(), 1000)).catch((error: unknown) => {
    presenceClient.disconnect();
    subscriber.disconnect();
    return giveUp(error);
  });
  const driver = new Driver(driverClient);
  const health = new RedisHealth({
    connections: [presenceClient, subscriber, driverClient],
    probe: () => driverClient.ping(),
    reRegister: reRegisterProcess,
    logger: log,
  });
  const liveness = new ProcessLiveness(presence, logger.child({ component: "cluster" }), settings.liveness);
  return { presence, driver: new LiveRoomCache(driver, liveness), liveness, health };
}
