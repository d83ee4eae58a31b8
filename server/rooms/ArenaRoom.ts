import { Room, ServerError, type Client, type RoomException, type RoomMethodName } from "@colyseus/core";
import {
  AUTH_FAILED_CODE,
  ARENA_BOUNDS,
  ArenaState,
  ChatSend,
  ClientMessage,
  MoveInput,
  Player,
  ServerMessage,
  TICK_HZ,
  TickwireCloseCode,
  applyInput,
  randomInt,
  seededRandom,
  type ArenaJoinOptions,
  type PlayerIdentity,
  type Random,
  type ServerMessages,
} from "../../shared/index.ts";
import { AuthError, type TokenService } from "../auth/TokenService.ts";
import { ChatChannel } from "../chat/ChatChannel.ts";
import { ChatModerator } from "../chat/ChatModerator.ts";
import type { ArenaSettings, ChatSettings } from "../config.ts";
import type { Logger } from "../logger.ts";
import { validated } from "../net/validated.ts";
import { spawnPoint } from "./spawn.ts";

/** `client.auth` is the identity the verified token carries (see `onAuth`). */
export type ArenaClient = Client<{ messages: ServerMessages; auth: PlayerIdentity }>;

/** What a configured room class carries; set by `configureArenaRoom`, never by join options. */
export interface ArenaRoomContext {
  settings: ArenaSettings;
  chat: ChatSettings;
  tokens: TokenService;
  logger: Logger | undefined;
  /** ms since the epoch; injectable so tests drive rate limits and mutes without waiting. */
  now: () => number;
}

/**
 * The arena: players move by buffered inputs in a fixed step and chat.
 * The room does I/O only: validate, queue, call the pure simulation, broadcast.
 */
export class ArenaRoom extends Room<{ state: ArenaState; client: ArenaClient; input: MoveInput }> {
  /**
   * Server-owned settings. Deliberately not read from `onCreate(options)`:
   * those options are merged from the creating client's join options, which
   * a hostile client controls.
   */
  declare static context: ArenaRoomContext;

  private readonly context = (this.constructor as typeof ArenaRoom).context;

  override state = new ArenaState();

  // Bounded: a client that sends faster than the tick rate loses its oldest
  // inputs, it never banks extra movement (one input is consumed per tick).
  override inputs = this.defineInput(MoveInput, { bufferMaxSize: this.context.settings.inputBufferSize });

  override messages = {
    [ClientMessage.Chat]: validated(ClientMessage.Chat, ChatSend, (client: ArenaClient, { text }) =>
      this.chat.receive(client, text),
    ),
  };

  private random: Random = Math.random;
  private stepsRun = 0;
  private readonly chat = new ChatChannel(
    {
      roomId: () => this.roomId,
      players: () => this.state.players,
      clients: () => this.clients,
      broadcast: (line) => this.broadcast(ServerMessage.Chat, line),
      kick: (sessionId) => this.kick(sessionId),
    },
    new ChatModerator(this.context.chat, this.context.now),
    this.context.logger,
  );

  override onCreate(): void {
    const { settings } = this.context;
    this.maxClients = settings.maxClients;
    this.random = seededRandom(settings.spawnSeed ?? Math.floor(Math.random() * 0xffffffff));
    this.patchRate = 1000 / TICK_HZ;
    this.setFixedTimestep((ctx) => this.step(ctx.dt), TICK_HZ);

    // Any message type without a handler closes only its sender, with a short
    // reason: core's own fallback puts the whole type name into the close
    // reason, and `ws` throws on reasons over 123 bytes, outside any try.
    this.onMessage("*", (client: ArenaClient) => {
      client.leave(TickwireCloseCode.UnknownMessage, "unknown message type");
    });
  }

  /**
   * Name and id come from the token `onAuth` verified, never from join
   * options (a client could claim anything there): `options.name` is only
   * kept in the signature so typed clients may still pass it.
   */
  override onJoin(client: ArenaClient, _options?: ArenaJoinOptions): void {
    const identity = client.auth;
    if (identity === undefined) throw new ServerError(AUTH_FAILED_CODE, "token_missing");
    const player = new Player();
    player.id = identity.playerId;
    player.name = identity.name;
    player.role = identity.role;
    const spawn = spawnPoint(this.random, ARENA_BOUNDS);
    player.x = spawn.x;
    player.y = spawn.y;
    player.hue = randomInt(this.random, 0, 255);
    this.state.players.set(client.sessionId, player);
    client.send(ServerMessage.ChatHistory, this.chat.historyFor(identity.playerId));
  }

  override onLeave(client: ArenaClient): void {
    this.state.players.delete(client.sessionId);
  }

  override onUncaughtException(error: RoomException, methodName: RoomMethodName): void {
    this.context.logger?.error({ err: error, roomId: this.roomId, method: methodName }, "room handler threw");
  }

  /**
   * Fixed steps simulated so far. A lagging event loop runs several steps in
   * one frame (the accumulator catches up), so observers count steps, not frames.
   */
  get simulatedSteps(): number {
    return this.stepsRun;
  }

  /**
   * Close a session with Kicked. The reason is fixed and short: `ws` throws on
   * close reasons over 123 bytes (the moderator's reason is in the system line).
   * 4401 is final (`isFinalCloseCode`): an onDrop must not hold a seat for it.
   */
  private kick(sessionId: string): void {
    for (const client of this.clients) {
      if (client.sessionId === sessionId) client.leave(TickwireCloseCode.Kicked, "kicked");
    }
  }

  /** One fixed step: each player consumes at most one buffered input. */
  private step(dt: number): void {
    this.stepsRun++;
    for (const [sessionId, player] of this.state.players) {
      const input = this.inputs.get(sessionId).next();
      if (input !== undefined) applyInput(player, input, dt);
    }
  }
}

/** A room class bound to server-owned settings (one per server instance). */
export function configureArenaRoom(context: ArenaRoomContext): typeof ArenaRoom {
  return class ConfiguredArenaRoom extends ArenaRoom {
    static override context = context;

    /**
     * Runs before any seat is reserved, so a refused join holds nothing.
     * Colyseus calls it unbound (no `this`), hence the closure over `context`.
     */
    static override async onAuth(token: string): Promise<PlayerIdentity> {
      try {
        return await context.tokens.verify(token);
      } catch (error) {
        if (error instanceof AuthError) throw new ServerError(AUTH_FAILED_CODE, error.reason);
        throw error;
      }
    }
  };
}
