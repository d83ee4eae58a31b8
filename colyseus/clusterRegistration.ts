import { matchMaker } from "@colyseus/core";
import type { RedisPresence } from "@colyseus/redis-presence";
import type { Cluster, Redis } from "ioredis";

/**
 * Mirrors: @colyseus/redis-presence@0.18.5 src/index.ts (protected `sub`: the subscriber connection the constructor `duplicate()`s from the client it is given)
 * Mirrors: @colyseus/core@0.18.17 src/MatchMaker.ts (accept: stats.persist writes this process' `roomcount` field once at start; handleCreateRoom/disposeRoom keep `roomcaches` in step; restoreMissingRoomCaches re-lists CREATED rooms missing from the cache), src/Stats.ts (persist(forceNow), the `roomcount` key)
 * Mirrors: @colyseus/redis-driver@0.18.3 src/RedisDriver.ts (every listing is a field of the `roomcaches` hash)
 *
 * How this process is known to the cluster, and how it makes itself known
 * again. Colyseus writes a process' registration (its `roomcount` field, the
 * fewest-rooms placement reads it) once at start and then only on a room or
 * client change, and each room's listing (`roomcaches`) when it changes; it
 * never writes them again by itself. A Redis that restarts empty (no
 * persistence, as this project runs it) therefore forgets every process and
 * room until they happen to change, and one that lost writes during an outage
 * keeps listings of rooms disposed meanwhile. These functions put Redis back
 * in step with what this process really hosts (server/cluster/redisHealth.ts
 * calls them when Redis answers again).
 */

/** Colyseus' keys, for tests that look at what Redis holds. */
export const ROOM_CACHE_KEY = "roomcaches";
export const PROCESS_REGISTRY_KEY = "roomcount";

/** The presence's subscriber connection (the publisher is the client given to it). */
export function presenceSubscriber(presence: RedisPresence): Redis | Cluster {
  return (presence as unknown as { sub: Redis | Cluster }).sub;
}

export interface ReRegistration {
  /** Rooms of this process listed again (missing from the cache). */
  relisted: number;
  /** Listings naming this process for rooms it no longer hosts, removed. */
  unlisted: number;
}

/**
 * Register this process again and make the room cache say what it hosts: its
 * `roomcount` field written now; listings of rooms it no longer hosts (they
 * disposed while Redis could not hear it) removed; rooms it hosts that are
 * not listed (Redis restarted empty) listed again, each from its in-memory
 * listing, which Colyseus keeps current whether or not the write reached Redis.
 */
export async function reRegisterProcess(): Promise<ReRegistration> {
  await matchMaker.stats.persist(true);
  const listed = await matchMaker.query({ processId: matchMaker.processId });
  const ghosts = listed.filter((listing) => matchMaker.getLocalRoomById(listing.roomId) === undefined);
  // The driver interface allows a sync remove (LocalDriver); Redis' is async.
  await Promise.all(ghosts.map(async (listing) => matchMaker.driver.remove(listing.roomId)));
  const before = new Set(listed.map((listing) => listing.roomId));
  await matchMaker.restoreMissingRoomCaches();
  const after = await matchMaker.query({ processId: matchMaker.processId });
  return { relisted: after.filter((listing) => !before.has(listing.roomId)).length, unlisted: ghosts.length };
}
