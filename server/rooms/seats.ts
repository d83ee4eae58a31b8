import type { HeldSeat } from "../../colyseus/roomInternals.ts";
import { CloseCode, type Client } from "@colyseus/core";
import { reconnectionDenied } from "../../colyseus/closeSocket.ts";
import { matchmakeClientKey } from "../../colyseus/matchmakeContext.ts";
import { isFinalCloseCode, type PlayerIdentity } from "../../shared/index.ts";

/**
 * When a dropped connection is owed a reconnection seat. (Dropping and
 * releasing seats reaches into Colyseus' private room fields:
 * colyseus/roomInternals.ts.)
 */

/** Whether a dropped connection earns a reconnection seat. */
export function mayReconnect(client: Client, code: number | undefined): boolean {
  // Shutdown: there is no room to come back to. 4002: core's own rate-limit
  // or decode-error close (RoomMessages#onData). 44xx: the server's decision
  // (isFinalCloseCode). A socket denied reconnection: closed on purpose,
  // whatever code the peer echoed (unknown message, frame flood, protocol
  // violation, a moderator's /kick).
  return (
    code !== CloseCode.SERVER_SHUTDOWN &&
    code !== CloseCode.WITH_ERROR &&
    !isFinalCloseCode(code) &&
    !reconnectionDenied(client.ref)
  );
}

/**
 * A seat's auth data: the verified identity, and the address of the client
 * that matchmade it (the per-IP limits' key, from the HTTP gate: never the
 * client's own claim). It travels with the reservation to the process
 * hosting the room (in a cluster through Redis, as JSON), and stays on the
 * server: rooms copy only the identity's fields into state.
 */
export type SeatAuth = PlayerIdentity & { clientKey?: string };

/** The auth data a room's static `onAuth` answers for a verified identity. */
export function seatAuth(identity: PlayerIdentity): SeatAuth {
  const clientKey = matchmakeClientKey();
  return clientKey === undefined ? identity : { ...identity, clientKey };
}

/** The client address a seat's auth data names, if any. */
function clientKeyOf(auth: unknown): string | undefined {
  if (typeof auth !== "object" || auth === null) return undefined;
  const key = (auth as { clientKey?: unknown }).clientKey;
  return typeof key === "string" ? key : undefined;
}

/**
 * Whether a new seat may be reserved for `auth` in a room whose seats
 * (connected, reserved, held for reconnection) are `held`: not when its
 * client address already holds `maxPerIp` of them (MAX_SEATS_PER_IP_PER_ROOM),
 * so one address can never hold more than that share of a room, however it
 * cycles joins, drops and reservations. A seat whose address is unknown (no
 * HTTP matchmaking: in-process tests) is not limited.
 *
 * A seat held for the same player's reconnection does not count: the new
 * session takes it over as it joins (heldSeatsOf, PlayRoom#onJoin), so a
 * reload is never refused for the ghost of the page it replaces, and cycling
 * joins with one identity still holds at most one such seat at a time.
 */
export function mayReserveSeat(auth: unknown, held: Iterable<HeldSeat>, maxPerIp: number): boolean {
  const key = clientKeyOf(auth);
  if (key === undefined) return true;
  const playerId = playerIdOf(auth);
  let count = 0;
  for (const seat of held) {
    if (clientKeyOf(seat.auth) !== key) continue;
    if (seat.awaitingReconnection && playerId !== undefined && playerIdOf(seat.auth) === playerId) continue;
    if (++count >= maxPerIp) return false;
  }
  return true;
}

function playerIdOf(auth: unknown): string | undefined {
  if (typeof auth !== "object" || auth === null) return undefined;
  const id = (auth as { playerId?: unknown }).playerId;
  return typeof id === "string" ? id : undefined;
}

/**
 * The sessions a new join by `playerId` takes over: that player's seats held
 * for reconnection in this room (`dropped`). Reloading the page opens a new
 * session (the SDK's reconnection token lives in the old page), so without
 * this the old one stays as a greyed ghost for RECONNECT_GRACE_S beside the
 * new one. A second tab that is still connected is not a held seat: it is
 * left alone.
 */
export function heldSeatsOf(
  playerId: string,
  players: Iterable<[string, { id: string }]>,
  dropped: ReadonlySet<string>,
): string[] {
  const held: string[] = [];
  for (const [sessionId, player] of players) if (player.id === playerId && dropped.has(sessionId)) held.push(sessionId);
  return held;
}
