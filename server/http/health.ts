import { matchMaker } from "@colyseus/core";
import type { Application } from "express";

export interface Health {
  status: "ok";
  rooms: number;
  clients: number;
  uptimeS: number;
}

/** GET /health: liveness plus this process' room and client counts. */
export function mountHealth(app: Application, startedAt: number): void {
  app.get("/health", (_req, res) => {
    const body: Health = {
      status: "ok",
      rooms: matchMaker.stats.local.roomCount,
      clients: matchMaker.stats.local.ccu,
      uptimeS: Math.round((Date.now() - startedAt) / 1000),
    };
    res.json(body);
  });
}
