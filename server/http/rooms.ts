import { matchMaker, type IRoomCache } from "@colyseus/core";
import type { Application, Response } from "express";
import { RoomName, type RoomListing } from "../../shared/index.ts";
import type { ClusterHealth } from "./health.ts";

/** The title PlayRoom#onCreate put in the room's metadata (already sanitised there). */
function titleOf(room: IRoomCache): string {
  const title: unknown = (room.metadata as { title?: unknown } | undefined)?.title;
  return typeof title === "string" ? title : "";
}
/** The room types a player can be in; the start screen lists both, a dropped client asks about either. */
const PLAYABLE: readonly string[] = [RoomName.Arena, RoomName.World];

function toListing(room: IRoomCache): RoomListing {
  return {
    roomId: room.roomId,
    title: titleOf(room),
    kind: room.name === RoomName.World ? RoomName.World : RoomName.Arena,
    clients: room.clients,
    maxClients: room.maxClients,
    locked: room.locked === true || room.clients >= room.maxClients,
    createdAt: room.createdAt === undefined ? 0 : new Date(room.createdAt).getTime(),
    processId: room.processId,
  };
}

/**
 * GET /rooms: the open arena and world rooms with their player counts, for
 * the start screen. Reads the matchmaker's room cache, so with a shared driver it lists
 * every process' rooms, each with the process that hosts it (rooms of a
 * process known dead are left out: server/cluster/LiveRoomCache.ts). Private
 * and unlisted rooms are left out.
 *
 * GET /rooms/:roomId: that one arena or world room (404 once it is gone). A client whose
 * connection dropped asks it to tell "my room's server went down" (stop
 * retrying) from "my network blipped" (keep retrying): see client/net/session.ts.
 * Knowing the id is what lets a player join the room, so this reveals nothing.
 *
 * In a cluster with Redis down, both answer 503 at once (the room cache is in
 * Redis, and the query would wait for it to come back: server/cluster/redis.ts);
 * never a 404, which would tell a dropped client its room is gone.
 */
export function mountRoomList(app: Application, cluster?: ClusterHealth): void {
  const unavailable = (res: Response): boolean => {
    if (cluster === undefined || cluster.up) return false;
    res.status(503).set({ "cache-control": "no-store", "retry-after": "2" }).json({ error: "rooms_unavailable" });
    return true;
  };
  app.get("/rooms", async (_req, res) => {
    if (unavailable(res)) return;
    const rooms = await matchMaker.query({});
    const listing: RoomListing[] = rooms
      .filter((room) => PLAYABLE.includes(room.name) && room.private !== true && room.unlisted !== true)
      .map(toListing)
      .sort((a, b) => b.clients - a.clients || a.createdAt - b.createdAt);
    res.set("cache-control", "no-store").json(listing);
  });
  app.get("/rooms/:roomId", async (req, res) => {
    if (unavailable(res)) return;
    const [room] = await matchMaker.query({ roomId: req.params.roomId });
    res.set("cache-control", "no-store");
    // Before the world was listed here, a world player whose connection blipped got a 404, and the client ended a
    // session the SDK would have reconnected.
    if (room === undefined || !PLAYABLE.includes(room.name)) res.status(404).json({ error: "room_not_found" });
    else res.json(toListing(room));
  });
}
