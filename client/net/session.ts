import { Callbacks, CloseCode, Predict, type Reconciler, type Room } from "@colyseus/sdk";
import { tapReceivedFrames } from "../../colyseus/sdkFrameTap.ts";
import { stopReconnecting } from "../../colyseus/sdkReconnection.ts";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import {
  ClientMessage,
  MoveInput,
  RoomName,
  ServerMessage,
  TickwireCloseCode,
  applyInput,
  type ArenaState,
  type ChatLine,
  type ChatRejected,
  type ChatSinceReply,
  type Player,
  type ServerShutdownNotice,
} from "../../shared/index.ts";
import type { RoomStatus } from "./api.ts";
import { NetMetrics } from "./metrics.ts";
import { roomMap, type RoomMap } from "./roomMap.ts";

export type ArenaSdkRoom = Room<ArenaRoom, ArenaState>;
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

/** How a session ended: the player left, or the connection could not be kept. */
export interface SessionEnd {
  consented: boolean;
  code: number;
  message: string;
}

/** What the renderer needs of one player this frame. */
export interface RenderPlayer {
  sessionId: string;
  name: string;
  hue: number;
  /** Smoothed position: predicted for the local player, interpolated for the others. */
  x: number;
  y: number;
  /** Latest authoritative position as decoded. */
  serverX: number;
  serverY: number;
  self: boolean;
  role: string;
  /** False while the player's connection is lost and the server holds their place. */
  connected: boolean;
}

export interface SessionHandlers {
  connection(state: ConnectionState): void;
  chat(line: ChatLine): void;
  chatHistory(lines: ChatLine[]): void;
  chatRejected(rejection: ChatRejected): void;
  /** Lines missed while reconnecting; `complete` is false when some were no longer kept. */
  chatReplay(lines: ChatLine[], complete: boolean): void;
  /** A player appeared, left, lost their connection or got it back, after we joined (for chat system lines). */
  presence(change: "joined" | "left" | "dropped" | "returned", name: string): void;
  /** The server is going away; the connection closes next (4001). */
  shutdown(notice: ServerShutdownNotice): void;
  ended(end: SessionEnd): void;
  /**
   * Asks the page's server (any live process of a cluster) whether this room is
   * still listed. When the connection drops, the SDK retries the same address
   * up to 15 times over about a minute; if the process that hosted the room
   * died, every retry is wasted. So while reconnecting the session asks, and
   * on a definite "gone" it stops the SDK and ends with a clear message.
   * "unknown" (the network itself is down, or the one process is restarting)
   * leaves the SDK to it. Without it, the SDK's retries decide alone.
   */
  roomStatus?(roomId: string): Promise<RoomStatus>;
}

/** Remote players render ~100 ms in the past: two patches at 20 Hz, so jitter rarely starves interpolation. */
export const INTERPOLATION_DELAY_MS = 100;
const PING_INTERVAL_MS = 2000;
/**
 * The SDK does not reconnect a room younger than `minUptime` (default 5 s, to
 * avoid loops against a server that refuses at once). A second is enough for
 * that and lets a player whose network blips right after joining come back.
 */
const RECONNECT_MIN_UPTIME_MS = 1000;
/** While reconnecting, how often to ask the page's server whether the room still exists. */
const ROOM_CHECK_INTERVAL_MS = 1000;
export const ROOM_GONE_MESSAGE =
  "The server running your room went down, or the room closed. Press Quick play to join another.";

/**
 * One joined arena: wires the SDK's netcode (input handle, Predict with lerp
 * for remote players and a Reconciler running the shared `applyInput` for the
 * local one), chat messages, presence notices, connection state and network
 * metrics. No prediction or interpolation is written here: the SDK does it.
 */
export class GameSession {
  readonly metrics = new NetMetrics();
  private readonly predict: Predict<ArenaState>;
  private readonly input;
  private reconciler: Reconciler | undefined;
  private state: ConnectionState = "connecting";
  private readonly pingTimer: ReturnType<typeof setInterval>;
  private readonly disposers: Array<() => void> = [];
  private initialised = false;
  /** Highest chat line id received: what to ask for after a reconnection. */
  private lastChatId = 0;
  private roomCheck: ReturnType<typeof setTimeout> | undefined;
  private ended = false;

  constructor(
    readonly room: ArenaSdkRoom,
    private readonly handlers: SessionHandlers,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.input = room.input({ type: MoveInput, mode: "reliable" });
    this.predict = Predict.get(room, { mode: "lerp", delay: INTERPOLATION_DELAY_MS });
    this.disposers.push(this.predict.attachAll("players", { mode: "lerp", fields: ["x", "y"] }));

    room.reconnection.minUptime = RECONNECT_MIN_UPTIME_MS;

    // In the open world a player is added to and removed from the state as they enter and leave this client's
    // view: that is not joining or leaving the room, so no "joined"/"left" line (dropped and returned still are).
    const presenceByState = room.name !== RoomName.World;
    const callbacks = Callbacks.get(room);
    this.disposers.push(
      callbacks.onAdd("players", (player, sessionId) => {
        if (sessionId === room.sessionId) this.controlLocalPlayer(player);
        // The same player on a new session takes over their held seat (a reload): they are back, not new.
        else if (this.initialised && presenceByState)
          handlers.presence(this.hasOther(player.id, sessionId, true) ? "returned" : "joined", player.name);
        if (sessionId !== room.sessionId) {
          this.disposers.push(
            callbacks.listen(player, "connected", (now, before) => {
              if (before === undefined || now === before) return;
              handlers.presence(now ? "returned" : "dropped", player.name);
            }),
          );
        }
      }),
      callbacks.onRemove("players", (player, sessionId) => {
        if (sessionId !== room.sessionId && presenceByState && !this.hasOther(player.id, sessionId))
          handlers.presence("left", player.name);
      }),
    );

    room.onMessage(ServerMessage.Chat, (line) => {
      this.sawChat([line]);
      handlers.chat(line);
    });
    room.onMessage(ServerMessage.ChatHistory, (lines) => {
      this.sawChat(lines);
      handlers.chatHistory(lines);
    });
    room.onMessage(ServerMessage.ChatSince, (reply) => this.replayed(reply));
    room.onMessage(ServerMessage.ChatRejected, (rejection) => handlers.chatRejected(rejection));
    room.onMessage(ServerMessage.ServerShutdown, (notice) => handlers.shutdown(notice));
    room.onMessage(ServerMessage.Error, (error) => console.warn("server rejected a message:", error));

    room.onStateChange(() => {
      if (!this.initialised) {
        // joinOrCreate resolves before the first state; the room is only playable from here.
        this.initialised = true;
        this.setState("connected");
        this.ping();
      }
      this.metrics.patched(this.now());
    });
    room.onDrop(() => {
      if (this.ended) return;
      this.setState("reconnecting");
      if (handlers.roomStatus !== undefined) this.scheduleRoomCheck(0);
    });
    room.onReconnect(() => {
      // A retry already under way when the session gave up got through after all: do not stay as a ghost.
      if (this.ended) {
        void this.room.leave(true);
        return;
      }
      this.setState("connected");
      // Lines said while we were away: the server replays what this player may see.
      this.room.send(ClientMessage.ChatSince, { afterId: this.lastChatId });
    });
    room.onLeave((code, reason) =>
      this.end({ consented: code === CloseCode.CONSENTED, code, message: describeClose(code, reason) }),
    );

    // Count every received frame, reconnections included.
    tapReceivedFrames(room, (frame) => this.metrics.received(frame.byteLength, this.now()));

    this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS);
    handlers.connection(this.state);
  }

  get connection(): ConnectionState {
    return this.state;
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  get roomId(): string {
    return this.room.roomId;
  }

  /** The room's display name ("" for none), from its state. */
  get title(): string {
    return this.initialised ? this.room.state.title : "";
  }

  /** How long the server holds this player's place after a drop (its RECONNECT_GRACE_S), from the room's state. */
  get reconnectGraceSeconds(): number {
    return this.initialised ? this.room.state.reconnectGraceSeconds : 0;
  }

  /** The arena, or the open world with its size and view radius (from the state: valid once connected). */
  get map(): RoomMap {
    return roomMap(this.room.name, this.room.state);
  }

  /**
   * One animation frame: the Predict says how many fixed input steps are due;
   * each is staged with the current direction and sent (the reconciler predicts
   * it with `applyInput`). Then the render positions are read, in that order.
   */
  frame(now: number, direction: { dx: number; dy: number }): RenderPlayer[] {
    if (!this.initialised) return [];
    const due = this.predict.tick(now);
    for (let i = 0; i < due; i++) {
      this.input.data.dx = direction.dx;
      this.input.data.dy = direction.dy;
      this.input.send();
    }
    return this.players();
  }

  players(): RenderPlayer[] {
    const list: RenderPlayer[] = [];
    if (!this.initialised) return list;
    this.room.state.players.forEach((player, sessionId) => {
      list.push({
        sessionId,
        name: player.name,
        hue: player.hue,
        x: this.predict.value(player, "x"),
        y: this.predict.value(player, "y"),
        serverX: player.x,
        serverY: player.y,
        self: sessionId === this.room.sessionId,
        role: player.role,
        connected: player.connected,
      });
    });
    return list;
  }

  sendChat(text: string): void {
    this.room.send(ClientMessage.Chat, { text });
  }

  async leave(): Promise<void> {
    await this.room.leave(true);
  }

  /**
   * Whether another session than `sessionId` of player `playerId` is in the
   * room (a second tab, or a held seat being taken over); with `held`, only
   * one whose connection is lost.
   */
  private hasOther(playerId: string, sessionId: string, held = false): boolean {
    for (const [id, player] of this.room.state.players)
      if (id !== sessionId && player.id === playerId && (!held || !player.connected)) return true;
    return false;
  }

  private sawChat(lines: readonly ChatLine[]): void {
    for (const line of lines) this.lastChatId = Math.max(this.lastChatId, line.id);
  }

  private replayed(reply: ChatSinceReply): void {
    this.sawChat(reply.lines);
    this.handlers.chatReplay(reply.lines, reply.complete);
    // A long outage comes back in pages.
    if (reply.hasMore) this.room.send(ClientMessage.ChatSince, { afterId: this.lastChatId });
  }

  private controlLocalPlayer(player: Player): void {
    this.reconciler = this.predict.reconciler(player, {
      input: this.input,
      // The same pure step the server runs, at the server-advertised fixed dt, in the room's own bounds.
      step: (ctx, state, command) => applyInput(state, command, ctx.dt, this.map.bounds),
      fields: ["x", "y"],
      smoothMs: 65,
    });
  }

  private ping(): void {
    if (this.state !== "connected") return;
    // Ping is a protocol frame: the server answers it without touching the room.
    this.room.ping((ms) => this.metrics.roundTrip(ms));
  }

  /** Ask whether the room still exists, `delayMs` from now, while reconnecting. */
  private scheduleRoomCheck(delayMs: number): void {
    if (this.roomCheck !== undefined) return;
    this.roomCheck = setTimeout(() => {
      void this.askRoomStatus().then((status) => {
        this.roomCheck = undefined;
        if (this.ended || this.state !== "reconnecting") return;
        if (status === "gone") this.roomIsGone();
        else this.scheduleRoomCheck(ROOM_CHECK_INTERVAL_MS);
      });
    }, delayMs);
  }

  private askRoomStatus(): Promise<RoomStatus> {
    const asked = this.handlers.roomStatus?.(this.room.roomId) ?? Promise.resolve<RoomStatus>("unknown");
    return asked.catch((): RoomStatus => "unknown");
  }

  /** Stop the SDK's retries against an address that will not answer, and end now. */
  private roomIsGone(): void {
    stopReconnecting(this.room);
    this.end({ consented: false, code: CloseCode.FAILED_TO_RECONNECT, message: ROOM_GONE_MESSAGE });
  }

  private end(end: SessionEnd): void {
    // The SDK may still report its own leave after the session gave up on the room.
    if (this.ended) return;
    this.ended = true;
    this.setState("disconnected");
    this.dispose();
    this.handlers.ended(end);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.handlers.connection(state);
  }

  private dispose(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.roomCheck);
    for (const dispose of this.disposers.splice(0)) dispose();
    this.reconciler = undefined;
  }
}

/** Words for a close code, for the start screen after a session ends. */
export function describeClose(code: number, reason?: string): string {
  switch (code) {
    case CloseCode.CONSENTED:
      return "You left the room.";
    case CloseCode.SERVER_SHUTDOWN:
      return "The server is restarting. Try again in a moment.";
    case CloseCode.FAILED_TO_RECONNECT:
      return "Lost the connection and could not get back in.";
    case CloseCode.WITH_ERROR:
      return "The server closed the connection after an error.";
    case CloseCode.ABNORMAL_CLOSURE:
    case CloseCode.MAY_TRY_RECONNECT:
      return "Lost the connection to the server.";
    case TickwireCloseCode.UnknownMessage:
      return "The server did not understand this client. Reload the page.";
    case TickwireCloseCode.Kicked:
      // The close reason is a fixed word; the moderator's reason is in the chat's system line.
      return "A moderator removed you from the room.";
    default:
      return reason !== undefined && reason !== "" ? `Disconnected: ${reason}` : `Disconnected (code ${code}).`;
  }
}
