import { StateView } from "@colyseus/schema";
import { ChatKind, type Player, type UnnumberedChatLine } from "../../shared/index.ts";
import { InterestGrid, type InterestOptions } from "../systems/InterestGrid.ts";

/** A connection as visibility sees it: its session, and the view that filters the state it receives. */
export interface ViewingClient {
  readonly sessionId: string;
  view?: StateView;
}

/** The room's players by sessionId (its state's `players` map). */
export interface Roster {
  get(sessionId: string): Player | undefined;
  keys(): Iterable<string>;
}

/**
 * Who sees whom in one room type: the ONE rule a room consults for all three
 * things that depend on it, so they cannot disagree:
 * - state: what each client's StateView holds (`join`, `rejoin`, `leave`, `update`);
 * - chat: who may see a line said to the room, logged with the line, so
 *   delivery, `chat:history` and `chat:since` replay follow it (`audienceOf`);
 * - the bench's debug snapshot of what a client should hold (`visibleTo`).
 */
export interface Visibility {
  /** Session ids whose players `sessionId` receives, its own included. */
  visibleTo(sessionId: string): Iterable<string>;
  /**
   * Player ids that may see `line`, said to the room, or null for everyone in
   * the room (now and later). Whispers carry their own audience and never get here.
   */
  audienceOf(line: UnnumberedChatLine): readonly string[] | null;
  /** The player is in state: start filtering what its client receives. */
  join(client: ViewingClient, player: Player): void;
  /** The same session is back on a new connection (a new Client object). */
  rejoin(client: ViewingClient, player: Player): void;
  /** The player is about to be removed from state. */
  leave(client: ViewingClient): void;
  /** Once per fixed step, after movement. */
  update(): void;
}

/** The arena shows everyone everything: no StateView, every line to the whole room. */
export class ArenaVisibility implements Visibility {
  constructor(private readonly players: () => Roster) {}

  visibleTo(_sessionId: string): Iterable<string> {
    return this.players().keys();
  }

  audienceOf(_line: UnnumberedChatLine): readonly string[] | null {
    return null;
  }

  join(_client: ViewingClient, _player: Player): void {}

  rejoin(_client: ViewingClient, _player: Player): void {}

  leave(_client: ViewingClient): void {}

  update(): void {}
}

/**
 * The open world: each client receives only the players near its own. The
 * InterestGrid decides who is near (with hysteresis) and drives every
 * client's StateView; chat and the debug snapshot ask the same grid.
 */
export class WorldVisibility implements Visibility {
  private readonly grid: InterestGrid<Player>;

  constructor(
    interest: InterestOptions,
    private readonly players: () => Roster,
  ) {
    this.grid = new InterestGrid<Player>(interest);
  }

  visibleTo(sessionId: string): string[] {
    return [sessionId, ...this.grid.visibleTo(sessionId)];
  }

  /**
   * Local chat: a player's line reaches the sender and the players in the
   * sender's view (system lines, moderation, still reach everyone). Room-wide
   * chat would cost every client bytes in proportion to the room's population
   * (measured at 1,000 bots chatting every ~30 s: 33 lines/s to every client,
   * more socket writes than the state patches themselves), which is what area
   * of interest exists to avoid. The audience is logged with the line, so
   * chat:history and chat:since replay never show a far-away line either.
   * Visibility is mutual, so "in the sender's view" and "sees the sender" are
   * the same players.
   */
  audienceOf(line: UnnumberedChatLine): readonly string[] | null {
    if (line.kind === ChatKind.System) return null;
    const players = this.players();
    const ids: string[] = [];
    for (const sessionId of this.visibleTo(line.from)) {
      const player = players.get(sessionId);
      if (player !== undefined) ids.push(player.id);
    }
    return ids;
  }

  join(client: ViewingClient, player: Player): void {
    client.view = new StateView();
    this.grid.add(client.sessionId, player, client.view);
  }

  /** A reconnected session is a new Client: give it a fresh view, filled from scratch by the grid. */
  rejoin(client: ViewingClient, player: Player): void {
    this.grid.remove(client.sessionId);
    client.view = new StateView();
    this.grid.add(client.sessionId, player, client.view);
  }

  leave(client: ViewingClient): void {
    this.grid.remove(client.sessionId);
    // Frees the view's slot now; otherwise only a GC finaliser would (schema StateView.dispose).
    client.view?.dispose();
  }

  update(): void {
    this.grid.update();
  }
}
