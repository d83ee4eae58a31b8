import type { WorldBounds } from "../../shared/index.ts";
import type { TokenService } from "../auth/TokenService.ts";
import type { ChatSettings } from "../chat/ChatSettings.ts";
import type { ServerLifecycle } from "../lifecycle/ServerLifecycle.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics/Metrics.ts";

/**
 * Server-owned settings every play room type has (from the environment:
 * MAX_CLIENTS or WORLD_MAX_CLIENTS, SPAWN_SEED, INPUT_BUFFER_SIZE,
 * RECONNECT_GRACE_S, CHAT_REPLAY_SIZE). Each room type's own settings extend
 * these (ArenaRoomSettings, WorldRoomSettings).
 */
export interface PlaySettings {
  /** Seats per room; a full room makes joinOrCreate create another. */
  maxClients: number;
  /** Pins every room's spawn PRNG; unset = a random seed per room. */
  spawnSeed: number | undefined;
  /** Inputs buffered per player before the oldest is dropped. */
  inputBufferSize: number;
  /** How long a dropped player keeps their place, in seconds (0 = no reconnection). */
  reconnectGraceSeconds: number;
  /** Chat lines kept per room for `chat:since` replay (≥ the 50 of `chat:history`). */
  chatReplaySize: number;
  /** How long a reserved seat waits for its WebSocket (core's seatReservationTimeout), in seconds. */
  seatReservationSeconds: number;
  /**
   * Seats one client address may hold in one room: connected, reserved or
   * held for reconnection (MAX_SEATS_PER_IP_PER_ROOM; server/rooms/seats.ts).
   */
  maxSeatsPerIp: number;
}

/** What the server hands every room type, whatever its settings. */
export interface RoomServices {
  chat: ChatSettings;
  tokens: TokenService;
  /** ms since the epoch; injectable so tests drive rate limits and mutes without waiting. */
  now: () => number;
  logger: Logger | undefined;
  metrics: Metrics | undefined;
  /** The transport's per-connection frame rate (EdgeSettings.maxMessagesPerSecond). */
  messagesPerSecond: number;
  lifecycle: ServerLifecycle;
}

/** What a configured room class carries; set by its `configure…Room`, never by join options. */
export interface PlayRoomContext extends RoomServices {
  settings: PlaySettings;
  /** Where players spawn and move (the room type's map). */
  bounds: WorldBounds;
  /** State patches per second; default TICK_HZ (one patch per simulation step). */
  patchHz?: number;
}
