import { StateView } from "@colyseus/schema";
import { ChatKind, WorldState, type Player, type PlayerIdentity, type UnnumberedChatLine } from "../../shared/index.ts";
import { InterestGrid, type InterestOptions } from "../systems/InterestGrid.ts";
import {
  PlayRoom,
  verifyJoinToken,
  type PlayClient,
  type PlayRoomContext,
  type PlaySettings,
  type RoomServices,
} from "./PlayRoom.ts";

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
 * near its own (area of interest through its `StateView`, driven by the
 * InterestGrid system alone).
 */
export class WorldRoom extends PlayRoom<WorldState> {
  static override context: WorldRoomContext;

  override state = new WorldState();

  private readonly interest = new InterestGrid<Player>((this.constructor as typeof WorldRoom).context.interest);

  override onCreate(): void {
    super.onCreate();
    this.state.width = this.context.bounds.width;
    this.state.height = this.context.bounds.height;
  }

  protected override onPlayerJoined(client: PlayClient, player: Player): void {
    client.view = new StateView();
    this.interest.add(client.sessionId, player, client.view);
  }

  /** A reconnected session is a new Client: give it a fresh view, filled from scratch by the grid. */
  protected override onPlayerReconnected(client: PlayClient, player: Player): void {
    this.interest.remove(client.sessionId);
    client.view = new StateView();
    this.interest.add(client.sessionId, player, client.view);
  }

  protected override onPlayerLeaving(client: PlayClient): void {
    this.interest.remove(client.sessionId);
    // Frees the view's slot now; otherwise only a GC finaliser would (schema StateView.dispose).
    client.view?.dispose();
  }

  protected override afterStep(): void {
    this.interest.update();
  }

  /**
   * Local chat: a player's line reaches the sender and the players in the
   * sender's view (system lines, moderation, still reach everyone). Room-wide
   * chat would cost every client bytes in proportion to the room's population
   * (measured at 1,000 bots chatting every ~30 s: 33 lines/s to every client,
   * more socket writes than the state patches themselves), which is what area
   * of interest exists to avoid. The audience is logged with the line, so
   * chat:history and chat:since replay never show a far-away line either.
   */
  protected override roomLineAudience(line: UnnumberedChatLine): readonly string[] | null {
    if (line.kind === ChatKind.System) return null;
    const ids: string[] = [];
    for (const sessionId of [line.from, ...this.interest.visibleTo(line.from)]) {
      const player = this.state.players.get(sessionId);
      if (player !== undefined) ids.push(player.id);
    }
    return ids;
  }

  protected override visibleTo(sessionId: string): Iterable<string> {
    return [sessionId, ...this.interest.visibleTo(sessionId)];
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
    static override async onAuth(token: string): Promise<PlayerIdentity> {
      return verifyJoinToken(context.tokens, token);
    }
  };
}
