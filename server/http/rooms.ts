import { matchMaker } from "@colyseus/core";
import type { Application } from "express";
import { RoomName, type RoomListing } from "../../shared/index.ts";
import type { ClusterHealth } from "./health.ts";

/**
 * GET /rooms: the open arena rooms with their player counts, for the start
 * screen. Reads the matchmaker's room cache, so with a shared driver it lists
 * every process' rooms, each with the process that hosts it. Private and
 * unlisted rooms are left out.
 *
 * In a cluster with Redis down: 503 at once (the room cache is in Redis, and
 * the query would wait for it to come back: server/cluster/redis.ts).
 */
export function mountRoomList(app: Application, cluster?: ClusterHealth): void {
  app.get("/rooms", async (_req, res) => {
    if (cluster !== undefined && !cluster.up) {
      res.status(503).set({ "cache-control": "no-store", "retry-after": "2" }).json({ error: "rooms_unavailable" });
      return;
    }
    const rooms = await matchMaker.query({ name: RoomName.Arena });
    const listing: RoomListing[] = rooms
      .filter((room) => room.private !== true && room.unlisted !== true)
      .map((room) => ({
        roomId: room.roomId,
        clients: room.clients,
        maxClients: room.maxClients,
        locked: room.locked === true || room.clients >= room.maxClients,
        createdAt: room.createdAt === undefined ? 0 : new Date(room.createdAt).getTime(),
        processId: room.processId,
      }))
      .sort((a, b) => b.clients - a.clients || a.createdAt - b.createdAt);
    res.set("cache-control", "no-store").json(listing);
  });
}
