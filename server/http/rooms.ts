import { matchMaker } from "@colyseus/core";
import type { Application } from "express";
import { RoomName, type RoomListing } from "../../shared/index.ts";

/**
 * GET /rooms: the open arena rooms with their player counts, for the start
 * screen. Reads the matchmaker's room cache, so with a shared driver it lists
 * every process' rooms, each with the process that hosts it. Private and
 * unlisted rooms are left out.
 */
export function mountRoomList(app: Application): void {
  app.get("/rooms", async (_req, res) => {
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
