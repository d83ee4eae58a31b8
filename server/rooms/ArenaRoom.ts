import { ArenaState } from "../../shared/index.ts";
import { PlayRoom, type PlayClient, type PlayRoomContext } from "./PlayRoom.ts";

export type ArenaClient = PlayClient;
export type ArenaRoomContext = PlayRoomContext;

/** The arena: everyone sees everyone (no area of interest); a full room makes joinOrCreate open another. */
export class ArenaRoom extends PlayRoom<ArenaState> {
  override state = new ArenaState();
}

/** A room class bound to server-owned settings (one per server instance). */
export function configureArenaRoom(context: ArenaRoomContext): typeof ArenaRoom {
  return class ConfiguredArenaRoom extends ArenaRoom {
    static override context = context;
  };
}
