import { matchMaker } from "@colyseus/core";
import type { Application } from "express";

export interface Health {
  /**
   * "ok", or in a cluster "degraded" while Redis is down: this process' rooms
   * keep running, but it cannot matchmake or list rooms. The HTTP status stays
   * 200 either way (see mountHealth).
   */
  status: "ok" | "degraded";
  rooms: number;
  clients: number;
  uptimeS: number;
  /** In a cluster only: which process answered (random at every boot) and where its rooms are reached. */
  processId?: string;
  publicAddress?: string;
  /** In a cluster only: whether this process can use Redis (and is registered in it) right now. */
  redis?: "up" | "down";
}

/** What /health reads of the cluster: whether Redis is usable now (server/cluster/redisHealth.ts). */
export interface ClusterHealth {
  readonly up: boolean;
}

/**
 * GET /health: liveness plus this process' room and client counts (its own,
 * never the cluster's: `stats.local`). In a cluster it also names the process
 * and says whether Redis is up. Nothing here touches Redis.
 *
 * Always 200 while the process runs, Redis down included: a load balancer
 * uses this, and Redis is shared by every process, so failing the check would
 * take all of them out at once, cutting the players whose rooms still run
 * (reconnections, the page) for nothing gained. Alert on `redis: "down"` (or
 * the tickwire_redis_up gauge) instead.
 */
export function mountHealth(app: Application, startedAt: number, cluster?: ClusterHealth): void {
  app.get("/health", (_req, res) => {
    const body: Health = {
      status: cluster === undefined || cluster.up ? "ok" : "degraded",
      rooms: matchMaker.stats.local.roomCount,
      clients: matchMaker.stats.local.ccu,
      uptimeS: Math.round((Date.now() - startedAt) / 1000),
      ...(cluster === undefined
        ? {}
        : {
            processId: matchMaker.processId,
            publicAddress: matchMaker.publicAddress,
            redis: cluster.up ? "up" : "down",
          }),
    };
    res.json(body);
  });
}
