import { CloseCode, type Client, type Room } from "@colyseus/core";
import { isFinalCloseCode } from "../../shared/index.ts";
import { wasKicked } from "../net/kick.ts";

/**
 * Reconnection seats and seat reservations: when a dropped connection is
 * owed a seat, and the two places where Tickwire has to reach into Colyseus'
 * private room fields (kept together here, pinned by the hostile suite's
 * shutdown and reconnection tests, to be revisited on a Colyseus upgrade).
 */

/** Whether a dropped connection earns a reconnection seat. */
export function mayReconnect(client: Client, code: number | undefined): boolean {
  // Shutdown: there is no room to come back to. 4002: core's own rate-limit
  // or decode-error close (RoomMessages#onData). 44xx: the server's decision
  // (isFinalCloseCode). A kicked socket: closed on purpose, whatever code the
  // peer echoed (unknown message, frame flood, protocol violation, /kick).
  return (
    code !== CloseCode.SERVER_SHUTDOWN &&
    code !== CloseCode.WITH_ERROR &&
    !isFinalCloseCode(code) &&
    !wasKicked(client.ref)
  );
}

/** The private Room members used below (core Room.ts, 0.18.17). */
interface RoomInternals {
  _reservedSeats?: Record<string, unknown>;
  _reconnections?: Record<string, [string, { reject(reason?: unknown): void }]>;
  resetAutoDisposeTimeout?: (seconds: number) => void;
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
 * dropped): rejecting core's pending reconnection runs onLeave, as when the
 * grace period ends.
 */
export function releaseHeldSeat(room: Room, sessionId: string): void {
  const core = room as unknown as RoomInternals;
  for (const [heldSession, reconnection] of Object.values(core._reconnections ?? {})) {
    if (heldSession === sessionId) reconnection.reject(new Error("kicked"));
  }
}
