import { matchMaker } from "@colyseus/core";
import type { Application } from "express";
import { PlayRoom, type PlayState } from "../rooms/PlayRoom.ts";

/**
 * Bench-only state snapshots (config DEBUG_ENDPOINTS, off by default: they
 * expose every player's position, which area of interest exists to hide).
 *
 * - `GET /debug/rooms/:roomId` → `{ pendingInputs }`: inputs received but not
 *   yet simulated; once 0 and a patch has gone out, clients hold final state.
 * - `GET /debug/rooms/:roomId/clients/:sessionId` → `{ players }`: exactly the
 *   players that client should have decoded, as the server holds them.
 */
export function mountDebug(app: Application): void {
  app.get("/debug/rooms/:roomId", (req, res) => {
    const room = playRoom(req.params.roomId);
    if (room === undefined) return void res.status(404).json({ error: "no such room" });
    res.json({ pendingInputs: room.pendingInputs() });
  });
  app.get("/debug/rooms/:roomId/clients/:sessionId", (req, res) => {
    const players = playRoom(req.params.roomId)?.debugSnapshot(req.params.sessionId);
    if (players === undefined) return void res.status(404).json({ error: "no such room or client" });
    res.json({ players });
  });
}

function playRoom(roomId: string): PlayRoom<PlayState> | undefined {
  const room: unknown = matchMaker.getLocalRoomById(roomId);
  return room instanceof PlayRoom ? (room as PlayRoom<PlayState>) : undefined;
}
