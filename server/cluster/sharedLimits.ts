import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { SharedLimitStores } from "../net/edge.ts";
import type { EdgeSettings } from "../net/edgeSettings.ts";
import { fixedWindowFor } from "../net/requestBudget.ts";
import type { ConnectionSlotStore } from "../net/sharedConnections.ts";
import { SHARED_STORE_TIMEOUT_MS } from "../net/sharedStore.ts";
import type { ClusterSettings } from "./ClusterSettings.ts";

/** Every key of the shared limits starts with this (Colyseus' own keys never do). */
const PREFIX = "tickwire:limits:";

/**
 * How long a process' connection counts outlive its last refresh: a process
 * killed with -9 gives its slots back at most this long after its last
 * refresh. It refreshes every third of it, so a process whose event loop
 * stalls for a refresh or two keeps its slots (and republishes them all when
 * it resumes, see replaceAll).
 */
export const CONNECTION_SLOTS_TTL_MS = 10_000;
export const CONNECTION_SLOTS_SYNC_MS = Math.floor(CONNECTION_SLOTS_TTL_MS / 3);

/** Longest wait at start for the limits' connection; past it, the process starts on per-process limits. */
const CONNECT_WAIT_MS = 5000;

function readyWithin(redis: Redis, ms: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once("ready", done);
  });
}

/**
 * The connection cap is a count of open sockets, not a rate, so it is not a
 * rate-limiter-flexible limiter: consume/reward on a key without expiry would
 * keep a killed process' slots forever, and with an expiry it would forget
 * connections that live longer than the window. Instead each process keeps
 * its counts per IP in its own hash (`conns:<processId>`, field = IP, value =
 * count), with a TTL it refreshes while alive; a set (`procs`) lists the
 * processes to sum. Claiming sums the other live processes' counts for the IP
 * and records this one's in one script, so two processes cannot both take the
 * last slot; a process whose hash expired is dropped from the set on the way.
 *
 * The script names keys it builds from the set (not only KEYS): fine on one
 * Redis server or a replica set, not on Redis Cluster (whose slots it would
 * cross), which Colyseus' presence does not use either.
 */
const CLAIM = `
local others = 0
for _, pid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if pid ~= ARGV[2] then
    local key = ARGV[1] .. pid
    if redis.call('EXISTS', key) == 1 then
      others = others + tonumber(redis.call('HGET', key, ARGV[3]) or '0')
    else
      redis.call('SREM', KEYS[1], pid)
    end
  end
end
if others + tonumber(ARGV[4]) > tonumber(ARGV[5]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('SADD', KEYS[1], ARGV[2])
return 1
`;

/** Set (or, at 0, remove) this process' count for one IP. */
const RECORD = `
if tonumber(ARGV[2]) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  redis.call('SADD', KEYS[1], ARGV[4])
end
return 1
`;

interface SlotCommands {
  tickwireClaimSlot(
    procs: string,
    own: string,
    prefix: string,
    pid: string,
    ip: string,
    count: number,
    max: number,
    ttl: number,
  ): Promise<number>;
  tickwireRecordSlot(procs: string, own: string, ip: string, count: number, ttl: number, pid: string): Promise<number>;
}

export interface SharedLimitsConnection extends SharedLimitStores {
  /** Close the limits' own Redis connection. */
  close(): Promise<void>;
}

/**
 * The stores that make the per-IP limits hold for the whole cluster
 * (server/net/edge.ts applies them): the request budget in
 * rate-limiter-flexible's `RateLimiterRedis`, the connection cap in the
 * per-process hashes above. Both use their own ioredis connection, apart from
 * Colyseus' presence and driver, set to fail fast rather than queue: with
 * `enableOfflineQueue: false` a command issued while Redis is unreachable
 * fails at once, so the admission falls back to the per-process limits
 * (server/net/sharedStore.ts) instead of waiting for a reconnection; the
 * connection itself keeps reconnecting in the background.
 */
export async function connectSharedLimits(
  cluster: ClusterSettings,
  net: Pick<EdgeSettings, "httpRatePerMinute" | "httpBurst">,
): Promise<SharedLimitsConnection> {
  const [{ Redis: RedisClient }, { RateLimiterRedis }] = await Promise.all([
    import("ioredis"),
    import("rate-limiter-flexible"),
  ]);
  const redis: Redis = new RedisClient(cluster.redisUrl, {
    connectionName: "tickwire-limits",
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Past the admission's own timeout, a stalled Redis' commands fail instead of piling up.
    commandTimeout: SHARED_STORE_TIMEOUT_MS * 4,
  });
  // The admission reports an outage once (sharedStore.ts); without a listener
  // ioredis would print every failed reconnection attempt on stderr.
  redis.on("error", () => undefined);
  // Colyseus' driver needs Redis before the process listens anyway; waiting
  // (bounded) for this connection too keeps the first requests from being
  // decided per process and the start from logging an outage that is none.
  await readyWithin(redis, CONNECT_WAIT_MS);
  const { points, durationSeconds } = fixedWindowFor(net.httpRatePerMinute, net.httpBurst);
  const requests = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${PREFIX}http`,
    points,
    duration: durationSeconds,
    // Not connected: fail at once (the edge then decides per process) rather than send into a dead socket.
    rejectIfRedisNotReady: true,
  });
  redis.defineCommand("tickwireClaimSlot", { numberOfKeys: 2, lua: CLAIM });
  redis.defineCommand("tickwireRecordSlot", { numberOfKeys: 2, lua: RECORD });
  return {
    requests,
    connections: redisSlotStore(redis, randomUUID()),
    syncIntervalMs: CONNECTION_SLOTS_SYNC_MS,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function redisSlotStore(redis: Redis, processId: string): ConnectionSlotStore {
  const commands = redis as unknown as SlotCommands;
  const procs = `${PREFIX}procs`;
  const own = `${PREFIX}conns:${processId}`;
  const ttl = CONNECTION_SLOTS_TTL_MS;
  const ready = () => {
    if (redis.status !== "ready") throw new Error(`limits Redis connection is ${redis.status}`);
  };
  return {
    async claim(ip, ownCount, max) {
      ready();
      return (await commands.tickwireClaimSlot(procs, own, `${PREFIX}conns:`, processId, ip, ownCount, max, ttl)) === 1;
    },
    async record(ip, ownCount) {
      ready();
      await commands.tickwireRecordSlot(procs, own, ip, ownCount, ttl, processId);
    },
    async replaceAll(counts) {
      ready();
      // One transaction: another process' claim sees the old counts or the new, never none.
      const multi = redis.multi().del(own);
      if (counts.length > 0) {
        multi.hset(own, Object.fromEntries(counts)).pexpire(own, ttl).sadd(procs, processId);
      }
      await multi.exec();
    },
  };
}
