import type { Room } from "@colyseus/core";

/**
 * Mirrors: @colyseus/core@0.18.17 src/Room.ts (private `_reservedSeats`, `_reconnections`, `resetAutoDisposeTimeout`; Room#_disposeIfEmpty, #allowReconnection)
 * Mirrors: @colyseus/core@0.18.17 src/Room.ts (Room#_reserveSeat(sessionId, joinOptions, authData, seconds, allowReconnection), called by MatchMaker reserveSeatFor; false = "already full"; `_reservedSeats` entries [joinOptions, authData, consumed, allowReconnection])
 *
 * The places where Tickwire reaches into Colyseus' private room fields
 * (pinned by test/wall/room.test.ts, test/wall/seats.test.ts and the hostile suite's
 * shutdown and reconnection tests).
 */

/** The private Room members used below, with the shapes core 0.18.17 gives them. */
interface RoomInternals {
  /** sessionId → [joinOptions, authData, isConsumed, isWaitingReconnection]. */
  _reservedSeats?: Record<string, unknown>;
  /** reconnectionToken → [sessionId, Deferred of the reconnecting client]. */
  _reconnections?: Record<string, [string, { reject(reason?: unknown): void }]>;
  resetAutoDisposeTimeout?: (seconds: number) => void;
  _reserveSeat?: (sessionId: string, joinOptions?: unknown, authData?: unknown, ...rest: unknown[]) => Promise<boolean>;
}

/** A seat the room already holds: its session's auth data, and whether it waits for its dropped client to reconnect. */
export interface HeldSeat {
  auth: unknown;
  awaitingReconnection: boolean;
}

/** What a seat guard sees: the new reservation's auth data, and every seat the room already holds. */
export type SeatGuard = (authData: unknown, held: HeldSeat[]) => boolean;

/**
 * Refuse a new seat reservation when `mayReserve` says no. The room already
 * holds a seat for each client in it and for each reservation, claimed or
 * not (`_reservedSeats` lists both unclaimed seats and reconnection seats,
 * each with the auth data of the session: a dropped client has left
 * `clients` by then; a seat being claimed is made non-enumerable once its
 * client is in `clients`, so nothing is counted twice). Reconnection seats
 * (`allowReconnection`) are never refused: the player already holds theirs.
 * A refusal is core's own "room is full" (`_reserveSeat` answering false):
 * the matchmaker answers the request with its seat reservation error.
 */
export function guardSeatReservations(room: Room, mayReserve: SeatGuard): void {
  const core = room as unknown as RoomInternals;
  const reserve = core._reserveSeat;
  if (reserve === undefined) throw new Error("Room#_reserveSeat is gone: see colyseus/roomInternals.ts");
  core._reserveSeat = function guardedReserveSeat(sessionId, joinOptions, authData, ...rest) {
    const allowReconnection = rest[1] === true;
    if (!allowReconnection) {
      const held: HeldSeat[] = [
        ...Array.from(room.clients, (client) => ({ auth: client.auth as unknown, awaitingReconnection: false })),
        ...Object.values(core._reservedSeats ?? {}).map((seat) =>
          Array.isArray(seat)
            ? { auth: seat[1] as unknown, awaitingReconnection: seat[3] === true }
            : { auth: undefined, awaitingReconnection: false },
        ),
      ];
      if (!mayReserve(authData, held)) return Promise.resolve(false);
    }
    return reserve.call(room, sessionId, joinOptions, authData, ...rest);
  };
}

/**
 * A room disposes only once it has no clients, no seat reservations and no
 * pending auto-dispose timer (Room#_disposeIfEmpty), and each reservation
 * lives for `seatReservationTimeout` (15 s) and re-arms that timer for as
 * long: one client that matchmade and never connected would hold the whole
 * shutdown past its deadline (measured: the process hit the 8 s deadline).
 * When no seat can be claimed any more (upgrades are refused once shutdown
 * begins), drop them and re-arm core's own timer at 0 s.
 */
export function dropUnclaimedSeats(room: Room): void {
  const core = room as unknown as RoomInternals;
  // Seats being consumed by a joining client are non-enumerable, so Object.keys leaves them alone.
  for (const sessionId of Object.keys(core._reservedSeats ?? {})) delete core._reservedSeats?.[sessionId];
  core.resetAutoDisposeTimeout?.call(room, 0);
}

/**
 * End a reconnection seat early (a moderator kicked a player who had
 * dropped, or the same player joined again: a reload): rejecting core's
 * pending reconnection runs onLeave, as when the grace period ends. The
 * rejection's handlers run on the microtask queue, so the held player is
 * gone before the next patch.
 */
export function releaseHeldSeat(room: Room, sessionId: string, why = "released"): void {
  const core = room as unknown as RoomInternals;
  for (const [heldSession, reconnection] of Object.values(core._reconnections ?? {})) {
    if (heldSession === sessionId) reconnection.reject(new Error(why));
  }
}
