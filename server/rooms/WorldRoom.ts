import { WorldState, type ArenaJoinOptions } from "../../shared/index.ts";
import type { InterestOptions } from "../systems/InterestGrid.ts";
import type { PlayRoomContext, PlaySettings, RoomServices } from "./context.ts";
import { PlayRoom, verifyJoinToken } from "./PlayRoom.ts";
import type { SeatAuth } from "./seats.ts";
import { WorldVisibility } from "./visibility.ts";

/** The world room's settings: what every play room has, plus its map, its area of interest and its patch rate. */
export interface WorldRoomSettings extends PlaySettings {
  /** Side of the square open world, in world units. */
  size: number;
  /** A player enters a client's view within this distance of the client's player... */
  viewRadius: number;
  /** ...and leaves it only beyond viewRadius + viewMargin (hysteresis: no flicker at the edge). */
  viewMargin: number;
  /** State patches per second in the world room (the simulation stays at TICK_HZ). */
  patchHz: number;
}

export interface WorldRoomContext extends PlayRoomContext {
  settings: WorldRoomSettings;
  interest: InterestOptions;
}

/**
 * The open world: one large map, and each client receives only the players
 * near its own (area of interest: WorldVisibility, whose InterestGrid drives
 * every client's `StateView`, local chat and the debug snapshot).
 */
export class WorldRoom extends PlayRoom<WorldState> {
  static override context: WorldRoomContext;

  override state = new WorldState();

  override readonly visibility = new WorldVisibility(
    (this.constructor as typeof WorldRoom).context.interest,
    () => this.state.players,
  );

  override onCreate(options?: ArenaJoinOptions): void {
    super.onCreate(options);
    this.state.width = this.context.bounds.width;
    this.state.height = this.context.bounds.height;
    this.state.viewRadius = (this.constructor as typeof WorldRoom).context.interest.enterRadius;
  }
}

/** A world room class bound to server-owned settings (one per server instance). */
export function configureWorldRoom(services: RoomServices, settings: WorldRoomSettings): typeof WorldRoom {
  const context: WorldRoomContext = {
    ...services,
    settings,
    bounds: { width: settings.size, height: settings.size },
    patchHz: settings.patchHz,
    interest: { enterRadius: settings.viewRadius, leaveRadius: settings.viewRadius + settings.viewMargin },
  };
  return class ConfiguredWorldRoom extends WorldRoom {
    static override context = context;

    /** As the arena's: verified before any seat is reserved; unbound, hence the closure. */
    static override async onAuth(token: string): Promise<SeatAuth> {
      return verifyJoinToken(context.tokens, token);
    }
  };
}
