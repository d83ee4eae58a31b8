import { ErrorCode, Room, ServerError, type RoomException, type RoomMethodName } from "@colyseus/core";
import type { Counter, Histogram } from "prom-client";
import {
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
  foldName,
  seededRandom,
  uniqueName,
  type ArenaJoinOptions,
  type ArenaState,
  type UnnumberedChatLine,
  type PlayerIdentity,
  type Random,
  type WorldBounds,
  type WorldState,
} from "../../shared/index.ts";
import { AuthError, type TokenService } from "../auth/TokenService.ts";
import { ChatChannel } from "../chat/ChatChannel.ts";
import { ChatModerator } from "../chat/ChatModerator.ts";
import type { ChatSettings } from "../config.ts";
import type { ServerLifecycle } from "../lifecycle/ServerLifecycle.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics/Metrics.ts";
import { clientMeter, meterClient, type ClientMeter } from "../metrics/meterClient.ts";
import { kickClient } from "../net/kick.ts";
import { TokenBuckets } from "../net/rateLimits.ts";
import { validated } from "../net/validated.ts";
import { dropUnclaimedSeats, mayReconnect, releaseHeldSeat } from "./seats.ts";
import type { PlayClient } from "./PlayClient.ts";
import { spawnPoint } from "./spawn.ts";

export type { PlayClient };
export type PlayState = ArenaState | WorldState;

/** Server-owned settings of one room type. */
export interface PlaySettings {
  /** Seats per room; a full room makes joinOrCreate create another. */
  maxClients: number;
  /** Pins every room's spawn PRNG; unset = a random seed per room. */
  spawnSeed: number | undefined;
  /** Inputs buffered per player before the oldest is dropped. */
  inputBufferSize: number;
  /** Where players spawn and move. */
  bounds: WorldBounds;
  /** State patches per second; default TICK_HZ (one patch per simulation step). */
  patchHz?: number;
  /** How long a dropped player keeps their place, in seconds (0 = no reconnection). */
  reconnectGraceSeconds: number;
  /** Chat lines kept per room for `chat:since` replay (≥ the 50 of `chat:history`). */
  chatReplaySize: number;
}

/** What a configured room class carries; set by its `configure…Room`, never by join options. */
export interface PlayRoomContext {
  settings: PlaySettings;
  chat: ChatSettings;
  tokens: TokenService;
  /** ms since the epoch; injectable so tests drive rate limits and mutes without waiting. */
  now: () => number;
  logger: Logger | undefined;
  metrics: Metrics | undefined;
  /** The transport's per-connection frame rate (NetSettings.maxMessagesPerSecond). */
  messagesPerSecond: number;
  lifecycle: ServerLifecycle;
}

/** One player as a debug snapshot reports it (bench-only endpoint). */
export interface PlayerSnapshot {
  id: string;
  name: string;
  role: string;
  x: number;
  y: number;
  hue: number;
}

/** A room's static `onAuth`: the join token's identity, or a matchmaking error Colyseus answers with 525. */
export async function verifyJoinToken(tokens: TokenService, token: string): Promise<PlayerIdentity> {
  try {
    return await tokens.verify(token);
  } catch (error) {
    if (error instanceof AuthError) throw new ServerError(ErrorCode.AUTH_FAILED, error.reason);
    throw error;
  }
}

/**
 * "chat:since" answers can be 100 lines long: throttled per client so that a
 * small request cannot be turned into a large stream of replies. A reconnect
 * needs one request, a long outage a few pages.
 */
const CHAT_REPLAY_BURST = 5;
const CHAT_REPLAY_PER_SECOND = 1;

/** 1/φ of a turn: the golden angle (≈ 222.5°), for spreading player colours. */
const GOLDEN_TURN = (Math.sqrt(5) - 1) / 2;

interface RoomMeters {
  client: ClientMeter;
  tick: Histogram.Internal<"room">;
  patch: Histogram.Internal<"room">;
  chat: Counter.Internal;
  chatSince: Counter.Internal;
  unknown: Counter.Internal;
}

/**
 * What every playable room shares: players move by buffered inputs in a fixed
 * step and chat. The room does I/O only: validate, queue, call the pure
 * simulation, broadcast. Room types add state and systems through the hooks
 * (`onPlayerJoined`, `onPlayerLeaving`, `afterStep`).
 */
export abstract class PlayRoom<S extends PlayState> extends Room<{ state: S; client: PlayClient; input: MoveInput }> {
  /**
   * Server-owned settings. Deliberately not read from `onCreate(options)`:
   * those options are merged from the creating client's join options, which
   * a hostile client controls.
   */
  declare static context: PlayRoomContext;

  protected readonly context = (this.constructor as typeof PlayRoom).context;

  // Bounded: a client that sends faster than the tick rate loses its oldest
  // inputs, it never banks extra movement (one input is consumed per tick).
  override inputs = this.defineInput(MoveInput, { bufferMaxSize: this.context.settings.inputBufferSize });

  override messages = {
    [ClientMessage.Chat]: validated(
      ClientMessage.Chat,
      ChatSend,
      (client: PlayClient, { text }) => {
        this.meters?.chat.inc();
        this.chat.receive(client, text);
      },
      (client: PlayClient, type) => {
        this.meters?.chat.inc();
        this.countInvalid(client, type);
      },
    ),
    [ClientMessage.ChatSince]: validated(
      ClientMessage.ChatSince,
      ChatSince,
      (client: PlayClient, { afterId }) => {
        this.meters?.chatSince.inc();
        this.replayChat(client, afterId);
      },
      (client: PlayClient, type) => {
        this.meters?.chatSince.inc();
        this.countInvalid(client, type);
      },
    ),
  };

  private random: Random = Math.random;
  /** Position on the colour wheel of the last player to join, in turns (0–1). */
  private hueTurn = 0;
  private stepsRun = 0;
  private readonly chat = new ChatChannel(
    {
      roomId: () => this.roomId,
      players: () => this.state.players,
      clients: () => this.clients,
      broadcast: (line) => this.broadcast(ServerMessage.Chat, line),
      roomLineAudience: (line) => this.roomLineAudience(line),
      kick: (sessionId) => this.kick(sessionId),
      rejected: (reason) => this.reject(ClientMessage.Chat, reason),
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
  /** Sessions whose connection dropped and whose seat is held for reconnection. */
  private readonly dropped = new Set<string>();
  private meters: RoomMeters | undefined;
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
    this.hueTurn = this.random();
    this.patchRate = 1000 / (settings.patchHz ?? TICK_HZ);
    this.setFixedTimestep((ctx) => this.step(ctx.dt), TICK_HZ);
    this.meters = this.createMeters();

    // Any message type without a handler closes only its sender, with a short
    // reason: core's own fallback puts the whole type name into the close
    // reason, and `ws` throws on reasons over 123 bytes, outside any try.
    this.onMessage("*", (client: PlayClient) => {
      this.meters?.unknown.inc();
      this.reject("unknown", "unknown_type");
      kickClient(client, TickwireCloseCode.UnknownMessage, "unknown message type");
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
    const player = new Player();
    player.id = identity.playerId;
    player.name = this.displayName(identity);
    player.role = identity.role;
    const spawn = spawnPoint(this.random, this.context.settings.bounds);
    player.x = spawn.x;
    player.y = spawn.y;
    // Golden-angle steps from a random start: consecutive players get colours
    // far apart on the wheel, where independent random hues often clump.
    this.hueTurn = (this.hueTurn + GOLDEN_TURN) % 1;
    player.hue = Math.floor(this.hueTurn * 256);
    player.connected = true;
    this.state.players.set(client.sessionId, player);
    this.onPlayerJoined(client, player);
    this.attachMeters(client);
    client.send(ServerMessage.ChatHistory, this.chat.historyFor(identity.playerId));
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
    this.context.metrics?.clients.dec({ room: this.roomName });
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
    this.onPlayerReconnected(client, player);
    this.attachMeters(client);
  }

  override onLeave(client: PlayClient): void {
    this.onPlayerLeaving(client);
    this.state.players.delete(client.sessionId);
    this.replayBudget.forget(client.sessionId);
    // A dropped session was already counted out when it dropped.
    if (!this.dropped.delete(client.sessionId)) this.context.metrics?.clients.dec({ room: this.roomName });
  }

  /** Tell every client why the connection is about to close (4001), then let core disconnect them. */
  override onBeforeShutdown(): void {
    const notice = this.context.lifecycle.shutdownNotice ?? { reason: "shutdown", at: Date.now() };
    this.broadcast(ServerMessage.ServerShutdown, notice);
    dropUnclaimedSeats(this);
    super.onBeforeShutdown();
  }

  override onDispose(): void {
    this.context.metrics?.rooms.dec({ room: this.roomName });
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
      this.meters?.patch.observe((performance.now() - started) / 1000);
    }
  }

  /** The players `sessionId` should have decoded, as the server holds them (bench-only debug endpoint). */
  debugSnapshot(sessionId: string): Record<string, PlayerSnapshot> | undefined {
    if (!this.state.players.has(sessionId)) return undefined;
    const snapshot: Record<string, PlayerSnapshot> = {};
    for (const id of this.visibleTo(sessionId)) {
      const p = this.state.players.get(id);
      if (p !== undefined) snapshot[id] = { id: p.id, name: p.name, role: p.role, x: p.x, y: p.y, hue: p.hue };
    }
    return snapshot;
  }

  /** Inputs received but not yet consumed, over all players (the bench waits for 0 before comparing states). */
  pendingInputs(): number {
    let pending = 0;
    for (const sessionId of this.state.players.keys()) pending += this.inputs.get(sessionId).size;
    return pending;
  }

  /** Ids `sessionId` receives, itself included. The arena shows everyone. */
  protected visibleTo(_sessionId: string): Iterable<string> {
    return this.state.players.keys();
  }

  /**
   * Fixed steps simulated so far. A lagging event loop runs several steps in
   * one frame (the accumulator catches up), so observers count steps, not frames.
   */
  get simulatedSteps(): number {
    return this.stepsRun;
  }

  /**
   * The token's name, made unique in this room (see `uniqueName`); another
   * session of the same player (a second tab) keeps the name it already has.
   */
  private displayName(identity: PlayerIdentity): string {
    let own: string | undefined;
    const taken = new Set<string>();
    for (const player of this.state.players.values()) {
      if (player.id === identity.playerId) own = player.name;
      else taken.add(foldName(player.name));
    }
    return own ?? uniqueName(identity.name, (folded) => taken.has(folded));
  }

  /**
   * Who may see a line said to the room (player ids), or null for everyone.
   * The arena shows everyone everything; the world keeps chat local.
   */
  protected roomLineAudience(_line: UnnumberedChatLine): readonly string[] | null {
    return null;
  }

  /** The player is in state; attach what this room type needs (e.g. a StateView). */
  protected onPlayerJoined(_client: PlayClient, _player: Player): void {}

  /** The player's session came back on a new connection (after a drop). */
  protected onPlayerReconnected(_client: PlayClient, _player: Player): void {}

  /** The player is about to be removed from state. */
  protected onPlayerLeaving(_client: PlayClient): void {}

  /** Runs each fixed step after movement (and inside the measured tick). */
  protected afterStep(): void {}

  /** One fixed step: each player consumes at most one buffered input. */
  private step(dt: number): void {
    const started = performance.now();
    this.stepsRun++;
    const { bounds } = this.context.settings;
    for (const [sessionId, player] of this.state.players) {
      const input = this.inputs.get(sessionId).next();
      if (input !== undefined) applyInput(player, input, dt, bounds);
    }
    this.afterStep();
    this.meters?.tick.observe((performance.now() - started) / 1000);
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

  private replayChat(client: PlayClient, afterId: number): void {
    if (!this.replayBudget.take(client.sessionId)) {
      this.reject(ClientMessage.ChatSince, "rate_limited");
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

  private countInvalid(client: PlayClient, type: string): void {
    this.invalidPayloads++;
    this.reject(type, "invalid_payload");
    this.context.logger?.debug({ roomId: this.roomId, sessionId: client.sessionId, type }, "invalid payload");
  }

  private reportFault(error: unknown, method: string): void {
    this.context.logger?.error({ err: error, roomId: this.roomId, method }, "room handler threw");
  }

  private attachMeters(client: PlayClient): void {
    if (this.meters === undefined) return;
    meterClient(client, this.meters.client);
    this.context.metrics?.clients.inc({ room: this.roomName });
  }

  private reject(type: string, reason: string): void {
    this.context.metrics?.messagesRejected.inc({ type, reason });
  }

  private createMeters(): RoomMeters | undefined {
    const { metrics } = this.context;
    if (metrics === undefined) return undefined;
    const room = this.roomName;
    metrics.rooms.inc({ room });
    return {
      client: clientMeter(metrics, room),
      tick: metrics.tickDuration.labels({ room }),
      patch: metrics.patchDuration.labels({ room }),
      chat: metrics.messagesReceived.labels({ type: ClientMessage.Chat }),
      chatSince: metrics.messagesReceived.labels({ type: ClientMessage.ChatSince }),
      unknown: metrics.messagesReceived.labels({ type: "unknown" }),
    };
  }
}
