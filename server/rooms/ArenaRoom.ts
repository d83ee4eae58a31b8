import { Room, ServerError, type Client, type RoomException, type RoomMethodName } from "@colyseus/core";
import {
  AUTH_FAILED_CODE,
  ARENA_BOUNDS,
  ArenaState,
  CHAT_REPLAY_PAGE,
  ChatSend,
  ChatSince,
  ClientMessage,
  MoveInput,
  Player,
  ProtocolErrorCode,
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
import type { ServerLifecycle } from "../lifecycle/ServerLifecycle.ts";
import type { Logger } from "../logger.ts";
import { kickClient } from "../net/kick.ts";
import { TokenBuckets } from "../net/rateLimits.ts";
import { validated } from "../net/validated.ts";
import { dropUnclaimedSeats, mayReconnect, releaseHeldSeat } from "./seats.ts";
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
  /** The transport's per-connection frame rate (NetSettings.maxMessagesPerSecond). */
  messagesPerSecond: number;
  lifecycle: ServerLifecycle;
}

/**
 * "chat:since" answers can be 100 lines long: throttled per client so that a
 * small request cannot be turned into a large stream of replies. A reconnect
 * needs one request, a long outage a few pages.
 */
const CHAT_REPLAY_BURST = 5;
const CHAT_REPLAY_PER_SECOND = 1;

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
    [ClientMessage.Chat]: validated(
      ClientMessage.Chat,
      ChatSend,
      (client: ArenaClient, { text }) => this.chat.receive(client, text),
      (client: ArenaClient) => this.countInvalid(client),
    ),
    [ClientMessage.ChatSince]: validated(
      ClientMessage.ChatSince,
      ChatSince,
      (client: ArenaClient, { afterId }) => this.replayChat(client, afterId),
      (client: ArenaClient) => this.countInvalid(client),
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
    this.context.settings.chatReplaySize,
  );
  private readonly replayBudget = new TokenBuckets({
    ratePerSecond: CHAT_REPLAY_PER_SECOND,
    burst: CHAT_REPLAY_BURST,
    maxKeys: 4 * this.context.settings.maxClients,
  });
  /** Payloads that failed validation, since the room was created (for logs and tests). */
  invalidPayloads = 0;

  override onCreate(): void {
    const { settings } = this.context;
    this.maxClients = settings.maxClients;
    // A backstop only: the transport's frame guard (server/net/frameGuard.ts)
    // drops frames over `messagesPerSecond` and disconnects at twice that, so
    // core's counter, which closes with 4002 on the first frame over, is never
    // reached while the guard works.
    this.maxMessagesPerSecond = 2 * this.context.messagesPerSecond + 1;
    this.random = seededRandom(settings.spawnSeed ?? Math.floor(Math.random() * 0xffffffff));
    this.patchRate = 1000 / TICK_HZ;
    this.setFixedTimestep((ctx) => this.step(ctx.dt), TICK_HZ);

    // Any message type without a handler closes only its sender, with a short
    // reason: core's own fallback puts the whole type name into the close
    // reason, and `ws` throws on reasons over 123 bytes, outside any try.
    this.onMessage("*", (client: ArenaClient) => {
      kickClient(client, TickwireCloseCode.UnknownMessage, "unknown message type");
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
    player.connected = true;
    this.state.players.set(client.sessionId, player);
    client.send(ServerMessage.ChatHistory, this.chat.historyFor(identity.playerId));
  }

  /**
   * A connection lost without a goodbye (network cut, heartbeat timeout,
   * slow-consumer cut-off): the player keeps their place, shown as
   * disconnected, for RECONNECT_GRACE_S. Not after a shutdown, and not for a
   * client closed on purpose: those go straight to `onLeave`.
   */
  override onDrop(client: ArenaClient, code?: number): void {
    const player = this.state.players.get(client.sessionId);
    const grace = this.context.settings.reconnectGraceSeconds;
    if (player === undefined || grace === 0 || !mayReconnect(client, code)) return;
    player.connected = false;
    // Rejects when the grace period ends (then core calls onLeave) or when the
    // room is disposing; neither is an error here.
    this.allowReconnection(client, grace).catch(() => undefined);
  }

  override onReconnect(client: ArenaClient): void {
    const player = this.state.players.get(client.sessionId);
    if (player !== undefined) player.connected = true;
  }

  override onLeave(client: ArenaClient): void {
    this.state.players.delete(client.sessionId);
    this.replayBudget.forget(client.sessionId);
  }

  /** Tell every client why the connection is about to close (4001), then let core disconnect them. */
  override onBeforeShutdown(): void {
    const notice = this.context.lifecycle.shutdownNotice ?? { reason: "shutdown", at: Date.now() };
    this.broadcast(ServerMessage.ServerShutdown, notice);
    dropUnclaimedSeats(this);
    super.onBeforeShutdown();
  }

  /**
   * Core wraps every lifecycle method, message handler, timestep and clock
   * callback in a try that lands here (Room#registerUncaughtExceptionHandlers)
   * because this method exists: a fault is logged with its room, and neither
   * this room's next tick nor any other room is affected.
   */
  override onUncaughtException(error: RoomException, methodName: RoomMethodName): void {
    this.reportFault(error, methodName);
  }

  /**
   * Core runs this on a bare setInterval (Room#patchRate setter) with no
   * try: a throw while encoding state, or in `onBeforePatch`, would end the
   * process. Caught and reported like any other room fault.
   */
  override broadcastPatch(): boolean {
    try {
      return super.broadcastPatch();
    } catch (error) {
      this.reportFault(error, "broadcastPatch");
      return false;
    }
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
   * Through `kickClient`, so onDrop holds no seat for it even when the peer
   * never echoes the 4401 (then core reports 1006); a kicked player whose
   * seat is already held for reconnection loses it too.
   */
  private kick(sessionId: string): void {
    for (const client of this.clients) {
      if (client.sessionId === sessionId) kickClient(client, TickwireCloseCode.Kicked, "kicked");
    }
    releaseHeldSeat(this, sessionId);
  }

  /** One fixed step: each player consumes at most one buffered input. */
  private step(dt: number): void {
    this.stepsRun++;
    for (const [sessionId, player] of this.state.players) {
      const input = this.inputs.get(sessionId).next();
      if (input !== undefined) applyInput(player, input, dt);
    }
  }

  private replayChat(client: ArenaClient, afterId: number): void {
    if (!this.replayBudget.take(client.sessionId)) {
      client.send(ServerMessage.Error, {
        code: ProtocolErrorCode.RateLimited,
        type: ClientMessage.ChatSince,
        message: "too many chat:since requests; retry in a second",
      });
      return;
    }
    const playerId = client.auth?.playerId;
    if (playerId === undefined) return;
    const replay = this.chat.replay(afterId, playerId, CHAT_REPLAY_PAGE);
    client.send(ServerMessage.ChatSince, { afterId, ...replay });
  }

  private countInvalid(client: ArenaClient): void {
    this.invalidPayloads++;
    this.context.logger?.debug({ roomId: this.roomId, sessionId: client.sessionId }, "invalid payload");
  }

  private reportFault(error: unknown, method: string): void {
    this.context.logger?.error({ err: error, roomId: this.roomId, method }, "room handler threw");
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
