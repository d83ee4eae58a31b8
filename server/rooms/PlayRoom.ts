import { ErrorCode, Room, ServerError, type RoomException, type RoomMethodName } from "@colyseus/core";
import { closeClientOnPurpose } from "../../colyseus/closeSocket.ts";
import { sendToEach } from "../../colyseus/fanOut.ts";
import { dropUnclaimedSeats, guardSeatReservations, releaseHeldSeat } from "../../colyseus/roomInternals.ts";
import {
  ChatSend,
  ChatSince,
  ClientMessage,
  MoveInput,
  ServerMessage,
  TICK_HZ,
  TickwireCloseCode,
  applyInput,
  sanitizeRoomTitle,
  type ArenaJoinOptions,
  type ArenaState,
  type Player,
  type WorldState,
} from "../../shared/index.ts";
import { AuthError, type TokenService } from "../auth/TokenService.ts";
import { ChatChannel } from "../chat/ChatChannel.ts";
import { ChatModerator } from "../chat/ChatModerator.ts";
import { ReplayRequests } from "../chat/ReplayRequests.ts";
import { RoomMeters } from "../metrics/roomMeters.ts";
import { validated } from "../net/validated.ts";
import { heldSeatsOf, mayReconnect, mayReserveSeat, seatAuth, type SeatAuth } from "./seats.ts";
import type { PlayClient } from "./PlayClient.ts";
import type { PlayRoomContext } from "./context.ts";
import { Spawner } from "./spawn.ts";
import type { Visibility } from "./visibility.ts";

export type { PlayClient };
export type PlayState = ArenaState | WorldState;

/**
 * A room's static `onAuth`: the join token's identity (with the matchmaking
 * client's address: seats.ts), or a matchmaking error Colyseus answers with 525.
 */
export async function verifyJoinToken(tokens: TokenService, token: string): Promise<SeatAuth> {
  try {
    return seatAuth(await tokens.verify(token));
  } catch (error) {
    if (error instanceof AuthError) throw new ServerError(ErrorCode.AUTH_FAILED, error.reason);
    throw error;
  }
}

/**
 * What every playable room shares: players move by buffered inputs in a fixed
 * step and chat. The room does I/O only: validate, queue, call the pure
 * simulation, broadcast. A room type adds its state and its visibility rule
 * (who sees whom: server/rooms/visibility.ts).
 */
export abstract class PlayRoom<S extends PlayState> extends Room<{ state: S; client: PlayClient; input: MoveInput }> {
  /**
   * Server-owned settings. Deliberately not read from `onCreate(options)`:
   * those options are merged from the creating client's join options, which
   * a hostile client controls.
   */
  declare static context: PlayRoomContext;

  protected readonly context = (this.constructor as typeof PlayRoom).context;

  /** Who sees whom: the one rule behind each client's state, chat audiences and the debug snapshot. */
  abstract readonly visibility: Visibility;

  // Bounded: a client that sends faster than the tick rate loses its oldest
  // inputs, it never banks extra movement (one input is consumed per tick).
  override inputs = this.defineInput(MoveInput, { bufferMaxSize: this.context.settings.inputBufferSize });

  override messages = {
    [ClientMessage.Chat]: validated(
      ClientMessage.Chat,
      ChatSend,
      (client: PlayClient, { text }) => {
        this.meters?.chatReceived();
        this.chat.receive(client, text);
      },
      (client: PlayClient, type) => {
        this.meters?.chatReceived();
        this.countInvalid(client, type);
      },
    ),
    [ClientMessage.ChatSince]: validated(
      ClientMessage.ChatSince,
      ChatSince,
      (client: PlayClient, { afterId }) => {
        this.meters?.chatSinceReceived();
        this.replays.answer(client, afterId);
      },
      (client: PlayClient, type) => {
        this.meters?.chatSinceReceived();
        this.countInvalid(client, type);
      },
    ),
  };

  private readonly spawner = new Spawner(this.context.settings.spawnSeed, this.context.bounds);
  private stepsRun = 0;
  private readonly chat = new ChatChannel(
    {
      roomId: () => this.roomId,
      players: () => this.state.players,
      clients: () => this.clients,
      deliver: (line, to) => sendToEach(to, ServerMessage.Chat, line),
      roomLineAudience: (line) => this.visibility.audienceOf(line),
      kickPlayer: (sessionId) => this.kickPlayer(sessionId),
      rejected: (reason) => this.meters?.countRejected(ClientMessage.Chat, reason),
    },
    new ChatModerator(this.context.chat, this.context.now),
    this.context.logger,
    this.context.settings.chatReplaySize,
  );
  private readonly replays = new ReplayRequests(this.chat, this.context.settings.maxClients, (reason) =>
    this.meters?.countRejected(ClientMessage.ChatSince, reason),
  );
  /** Sessions whose connection dropped and whose seat is held for reconnection. */
  private readonly dropped = new Set<string>();
  private meters: RoomMeters | undefined;
  /** Leaves the lifecycle's list of rooms to tell at shutdown (ServerLifecycle.track). */
  private untrack: (() => void) | undefined;
  private toldShutdown = false;
  /** Payloads that failed validation, since the room was created (for logs and tests). */
  invalidPayloads = 0;

  /**
   * `options` are the creating client's join options: only the room's
   * display name is read from them, sanitised like a player's name
   * (sanitizeRoomTitle) and fixed from here on. It goes into the state (the
   * HUD) and the listing's metadata (GET /rooms, through Redis in a cluster).
   */
  override onCreate(options?: ArenaJoinOptions): void {
    const { settings } = this.context;
    const title = sanitizeRoomTitle(options?.title);
    this.state.title = title;
    if (title !== "") this.setMetadata({ title }).catch((error: unknown) => this.reportFault(error, "setMetadata"));
    // The client counts this down while it reconnects (client/ui/reconnectOverlay.ts).
    this.state.reconnectGraceSeconds = settings.reconnectGraceSeconds;
    this.maxClients = settings.maxClients;
    // Core's default is 15 s; an honest SDK claims its seat within a second (SECURITY.md).
    this.seatReservationTimeout = settings.seatReservationSeconds;
    guardSeatReservations(this, (auth, held) => {
      if (mayReserveSeat(auth, held, settings.maxSeatsPerIp)) return true;
      this.meters?.countRejected("seat", "too_many_seats_in_room");
      this.context.logger?.debug({ roomId: this.roomId }, "seat refused: too many seats for one address in this room");
      return false;
    });
    // A backstop only: the transport's frame guard (server/net/frameAdmission.ts)
    // drops frames over `messagesPerSecond` and disconnects at twice that, so
    // core's counter, which closes with 4002 on the first frame over, is never
    // reached while the guard works.
    this.maxMessagesPerSecond = 2 * this.context.messagesPerSecond + 1;
    this.patchRate = 1000 / (this.context.patchHz ?? TICK_HZ);
    this.setFixedTimestep((ctx) => this.step(ctx.dt), TICK_HZ);
    this.meters = RoomMeters.open(this.context.metrics, this.roomName);
    this.untrack = this.context.lifecycle.track(this);

    // Any message type without a handler closes only its sender, with a short
    // reason: core's own fallback puts the whole type name into the close
    // reason, and `ws` throws on reasons over 123 bytes, outside any try.
    this.onMessage("*", (client: PlayClient) => {
      this.meters?.unknownReceived();
      this.meters?.countRejected("unknown", "unknown_type");
      closeClientOnPurpose(client, TickwireCloseCode.UnknownMessage, "unknown message type");
    });
  }

  /**
   * Name and id come from the token `onAuth` verified, never from join
   * options (a client could claim anything there): `options.name` is only
   * kept in the signature so typed clients may still pass it.
   */
  override onJoin(client: PlayClient, _options?: ArenaJoinOptions): void {
    const identity = client.auth;
    if (identity === undefined) throw new ServerError(ErrorCode.AUTH_FAILED, "token_missing");
    const player = this.spawner.spawn(identity, this.state.players.values());
    this.takeOverHeldSeats(identity.playerId, player);
    this.state.players.set(client.sessionId, player);
    this.visibility.join(client, player);
    this.meters?.clientAttached(client);
    client.send(ServerMessage.ChatHistory, this.chat.historyFor(identity.playerId));
  }

  /**
   * The same player back on a new session (a reload: the old page's
   * reconnection token died with it) takes the place of their seat held for
   * reconnection: where the held player stood, in its colour, and the held
   * seat is released now rather than after RECONNECT_GRACE_S.
   */
  private takeOverHeldSeats(playerId: string, player: Player): void {
    for (const sessionId of heldSeatsOf(playerId, this.state.players.entries(), this.dropped)) {
      const held = this.state.players.get(sessionId);
      if (held !== undefined) {
        player.x = held.x;
        player.y = held.y;
        player.hue = held.hue;
      }
      releaseHeldSeat(this, sessionId, "taken over");
    }
  }

  /**
   * A connection lost without a goodbye (network cut, heartbeat timeout,
   * slow-consumer cut-off): the player keeps their place, shown as
   * disconnected, for RECONNECT_GRACE_S. Not after a shutdown, and not for a
   * client closed on purpose: those go straight to `onLeave`.
   */
  override onDrop(client: PlayClient, code?: number): void {
    const player = this.state.players.get(client.sessionId);
    const grace = this.context.settings.reconnectGraceSeconds;
    if (player === undefined || grace === 0 || !mayReconnect(client, code)) return;
    player.connected = false;
    this.dropped.add(client.sessionId);
    this.meters?.clientGone();
    // Rejects when the grace period ends (then core calls onLeave) or when the
    // room is disposing; neither is an error here.
    this.allowReconnection(client, grace).catch(() => undefined);
  }

  /** The same session is back on a new connection (a new Client object): re-attach what is per connection. */
  override onReconnect(client: PlayClient): void {
    const player = this.state.players.get(client.sessionId);
    this.dropped.delete(client.sessionId);
    if (player === undefined) return;
    player.connected = true;
    this.visibility.rejoin(client, player);
    this.meters?.clientAttached(client);
  }

  override onLeave(client: PlayClient): void {
    this.visibility.leave(client);
    this.state.players.delete(client.sessionId);
    this.replays.forget(client.sessionId);
    // A dropped session was already counted out when it dropped.
    if (!this.dropped.delete(client.sessionId)) this.meters?.clientGone();
  }

  /**
   * Tell every client why the connection is about to close (4001), then let
   * core disconnect them. Once: the lifecycle may call it before core's drain
   * does (ServerLifecycle.tellRoomsNow).
   */
  override onBeforeShutdown(): void {
    if (this.toldShutdown) return;
    this.toldShutdown = true;
    const notice = this.context.lifecycle.shutdownNotice ?? { reason: "shutdown", at: Date.now() };
    this.broadcast(ServerMessage.ServerShutdown, notice);
    dropUnclaimedSeats(this);
    super.onBeforeShutdown();
  }

  override onDispose(): void {
    this.untrack?.();
    this.meters?.roomDisposed();
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
   * process. Caught and reported like any other room fault; timed for /metrics.
   */
  override broadcastPatch(): boolean {
    const started = performance.now();
    try {
      return super.broadcastPatch();
    } catch (error) {
      this.reportFault(error, "broadcastPatch");
      return false;
    } finally {
      this.meters?.patchTook((performance.now() - started) / 1000);
    }
  }

  /**
   * Fixed steps simulated so far. A lagging event loop runs several steps in
   * one frame (the accumulator catches up), so observers count steps, not frames.
   */
  get simulatedSteps(): number {
    return this.stepsRun;
  }

  /** One fixed step: each player consumes at most one buffered input. */
  private step(dt: number): void {
    const started = performance.now();
    this.stepsRun++;
    const { bounds } = this.context;
    for (const [sessionId, player] of this.state.players) {
      const input = this.inputs.get(sessionId).next();
      if (input !== undefined) applyInput(player, input, dt, bounds);
    }
    this.visibility.update();
    this.meters?.tickTook((performance.now() - started) / 1000);
  }

  /**
   * Close a session with Kicked. The reason is fixed and short: `ws` throws on
   * close reasons over 123 bytes (the moderator's reason is in the system line).
   * Through `closeClientOnPurpose`, so onDrop holds no seat for it even when the peer
   * never echoes the 4401 (then core reports 1006); a kicked player whose
   * seat is already held for reconnection loses it too.
   */
  private kickPlayer(sessionId: string): void {
    for (const client of this.clients) {
      if (client.sessionId === sessionId) closeClientOnPurpose(client, TickwireCloseCode.Kicked, "kicked");
    }
    releaseHeldSeat(this, sessionId);
  }

  private countInvalid(client: PlayClient, type: string): void {
    this.invalidPayloads++;
    this.meters?.countRejected(type, "invalid_payload");
    this.context.logger?.debug({ roomId: this.roomId, sessionId: client.sessionId, type }, "invalid payload");
  }

  private reportFault(error: unknown, method: string): void {
    this.context.logger?.error({ err: error, roomId: this.roomId, method }, "room handler threw");
  }
}
