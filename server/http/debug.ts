import { matchMaker } from "@colyseus/core";
import type { Application } from "express";
import type { Player } from "../../shared/index.ts";
import { PlayRoom, type PlayState } from "../rooms/PlayRoom.ts";
import type { Visibility } from "../rooms/visibility.ts";

/** One player as a debug snapshot reports it (bench-only endpoint). */
export interface PlayerSnapshot {
  id: string;
  name: string;
  role: string;
  x: number;
  y: number;
  hue: number;
}

/** What the debug endpoints read from a room: its players, their input buffers, and its visibility rule. */
export interface DebuggableRoom {
  readonly state: {
    readonly players: {
      has(sessionId: string): boolean;
      get(sessionId: string): Player | undefined;
      keys(): Iterable<string>;
    };
  };
  readonly inputs: { get(sessionId: string): { readonly size: number } };
  readonly visibility: Pick<Visibility, "visibleTo">;
}

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
    res.json({ pendingInputs: pendingInputs(room) });
  });
  app.get("/debug/rooms/:roomId/clients/:sessionId", (req, res) => {
    const room = playRoom(req.params.roomId);
    const players = room === undefined ? undefined : debugSnapshot(room, req.params.sessionId);
    if (players === undefined) return void res.status(404).json({ error: "no such room or client" });
    res.json({ players });
  });
}

/** Inputs received but not yet consumed, over all players (the bench waits for 0 before comparing states). */
export function pendingInputs(room: DebuggableRoom): number {
  let pending = 0;
  for (const sessionId of room.state.players.keys()) pending += room.inputs.get(sessionId).size;
  return pending;
}

/**
 * The players `sessionId` should have decoded, as the server holds them: the
 * room's visibility rule (the same one that fills its StateViews) says which.
 */
export function debugSnapshot(room: DebuggableRoom, sessionId: string): Record<string, PlayerSnapshot> | undefined {
  const { players } = room.state;
  if (!players.has(sessionId)) return undefined;
  const snapshot: Record<string, PlayerSnapshot> = {};
  for (const id of room.visibility.visibleTo(sessionId)) {
    const p = players.get(id);
    if (p !== undefined) snapshot[id] = { id: p.id, name: p.name, role: p.role, x: p.x, y: p.y, hue: p.hue };
  }
  return snapshot;
}

function playRoom(roomId: string): PlayRoom<PlayState> | undefined {
  const room: unknown = matchMaker.getLocalRoomById(roomId);
  return room instanceof PlayRoom ? (room as PlayRoom<PlayState>) : undefined;
}
