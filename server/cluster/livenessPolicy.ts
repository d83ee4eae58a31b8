/**
 * Pure rules of the cluster's crash handling (server/cluster/liveness.ts does
 * the I/O): which processes to health-check, where a new room may go, and
 * which listed rooms matchmaking must not offer.
 */

/** How often each process renews its liveness key and looks at the others, and how long the key lives. */
export interface LivenessSettings {
  /** Period of one round: renew this process' key, then health-check the suspects. */
  checkIntervalMs: number;
  /**
   * Lifetime of a process' liveness key (whole seconds: Redis SETEX). A process
   * that has not renewed it for this long (frozen, or cut off from Redis while
   * its sockets stay open) becomes a suspect. Three rounds at the default, so a
   * stall of two seconds (a long GC pause) is not mistaken for death.
   */
  keyTtlSeconds: number;
}

export const DEFAULT_LIVENESS_SETTINGS: LivenessSettings = { checkIntervalMs: 1000, keyTtlSeconds: 3 };

/** What Colyseus' `stats.fetchAll()` gives per process (the `roomcount` hash). */
export interface ProcessStat {
  processId: string;
  roomCount: number;
}

/** The processes a round should health-check: not this one, and no longer subscribed or no longer beating. */
export function suspects(
  listed: readonly string[],
  self: string,
  subscribed: ReadonlySet<string>,
  beating: ReadonlySet<string>,
): string[] {
  return listed.filter((id) => id !== self && (!subscribed.has(id) || !beating.has(id)));
}

/**
 * Colyseus' default placement (the process with the fewest rooms, this one
 * when none is listed), minus the processes known dead: without this, a create
 * routed to a dead process waits for the IPC timeout (2 s) before core falls
 * back to creating it locally.
 */
export function placeNewRoom(
  stats: readonly ProcessStat[],
  isDead: (processId: string) => boolean,
  self: string,
): string {
  const live = stats.filter((stat) => stat.processId === self || !isDead(stat.processId));
  let best: ProcessStat | undefined;
  for (const stat of live) if (best === undefined || stat.roomCount < best.roomCount) best = stat;
  return best?.processId ?? self;
}

/** The listed rooms a client may still be sent to: those of processes not known dead. */
export function withoutDeadProcesses<Room extends { processId: string }>(
  rooms: readonly Room[],
  isDead: (processId: string) => boolean,
): Room[] {
  return rooms.filter((room) => !isDead(room.processId));
}
