import { ARENA_BOUNDS, ArenaState } from "../../shared/index.ts";
import type { PlayRoomContext, PlaySettings, RoomServices } from "./context.ts";
import { PlayRoom, verifyJoinToken } from "./PlayRoom.ts";
import type { SeatAuth } from "./seats.ts";
import { ArenaVisibility } from "./visibility.ts";

/**
 * The arena's settings: what every play room has, nothing more. Its map is
 * fixed (ARENA_BOUNDS) and it patches every simulation step.
 */
export type ArenaRoomSettings = PlaySettings;

/** The arena: everyone sees everyone (no area of interest); a full room makes joinOrCreate open another. */
export class ArenaRoom extends PlayRoom<ArenaState> {
  override state = new ArenaState();

  override readonly visibility = new ArenaVisibility(() => this.state.players);
}

/** A room class bound to server-owned settings (one per server instance). */
export function configureArenaRoom(services: RoomServices, settings: ArenaRoomSettings): typeof ArenaRoom {
  const context: PlayRoomContext = { ...services, settings, bounds: ARENA_BOUNDS };
  return class ConfiguredArenaRoom extends ArenaRoom {
    static override context = context;

    /**
     * Runs before any seat is reserved, so a refused join holds nothing.
     * Colyseus calls it unbound (no `this`), hence the closure over `context`.
     */
    static override async onAuth(token: string): Promise<SeatAuth> {
      return verifyJoinToken(context.tokens, token);
    }
  };
}
