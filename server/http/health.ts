import { matchMaker } from "@colyseus/core";
import type { Application } from "express";

export interface Health {
  status: "ok";
  rooms: number;
  clients: number;
  uptimeS: number;
  /** In a cluster only: which process answered (random at every boot) and where its rooms are reached. */
  processId?: string;
  publicAddress?: string;
}

/**
 * GET /health: liveness plus this process' room and client counts (its own,
 * never the cluster's: `stats.local`). In a cluster it also names the process.
 */
export function mountHealth(app: Application, startedAt: number, clustered = false): void {
  app.get("/health", (_req, res) => {
    const body: Health = {
      status: "ok",
      rooms: matchMaker.stats.local.roomCount,
      clients: matchMaker.stats.local.ccu,
      uptimeS: Math.round((Date.now() - startedAt) / 1000),
      ...(clustered ? { processId: matchMaker.processId, publicAddress: matchMaker.publicAddress } : {}),
    };
    res.json(body);
  });
}
