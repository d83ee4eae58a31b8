import { ArenaState, type PlayerIdentity } from "../../shared/index.ts";
import { PlayRoom, verifyJoinToken, type PlayRoomContext } from "./PlayRoom.ts";

/** The arena: everyone sees everyone (no area of interest); a full room makes joinOrCreate open another. */
export class ArenaRoom extends PlayRoom<ArenaState> {
  override state = new ArenaState();
}

/** A room class bound to server-owned settings (one per server instance). */
export function configureArenaRoom(context: PlayRoomContext): typeof ArenaRoom {
  return class ConfiguredArenaRoom extends ArenaRoom {
    static override context = context;

    /**
     * Runs before any seat is reserved, so a refused join holds nothing.
     * Colyseus calls it unbound (no `this`), hence the closure over `context`.
     */
    static override async onAuth(token: string): Promise<PlayerIdentity> {
      return verifyJoinToken(context.tokens, token);
    }
  };
}
