/**
 * Seat reservations an address holds and has not claimed yet
 * (MAX_PENDING_SEATS_PER_IP).
 *
 * A reservation (POST /matchmake/…) counts against its room's seats until
 * its WebSocket claims it or it expires (SEAT_RESERVATION_S). Within the
 * request budget alone one address could reserve a whole room and never
 * connect, again every time the reservations expire. An honest client claims
 * its seat at once (the SDK opens the socket as soon as matchmaking answers),
 * so a few pending at a time is plenty.
 *
 * The count is taken when a matchmaking request is admitted (so concurrent
 * requests cannot all pass the check), kept when it answers a seat, given back
 * at once when it does not, and given back when the seat's WebSocket upgrade
 * is accepted or the reservation's lifetime is over, whichever comes first.
 * The upgrade must name the very seat answered (process, room and session):
 * an upgrade with the session id alone and another room would be refused by
 * Colyseus after giving the place back, while the real reservation kept
 * holding its room's seat.
 * Pure bookkeeping: the clock is passed in; applied by
 * colyseus/httpServerGate.ts (the requests) and server/net/edge.ts (upgrades).
 */

export interface PendingSeatsOptions {
  /** Pending reservations per address; the next matchmaking request is refused. */
  maxPerIp: number;
  /** How long a reservation can be claimed (the rooms' seatReservationTimeout), in ms. */
  holdMs: number;
}

/** A reserved seat as matchmaking answers it and its WebSocket names it (`/<processId>/<roomId>?sessionId=`). */
export interface Seat {
  processId: string;
  roomId: string;
  sessionId: string;
}

/** One admitted matchmaking request's place in its address' count. */
export interface PendingSeatClaim {
  /** Matchmaking answered a seat at `now`: it stays pending until claimed or expired. */
  reserved(seat: Seat, now: number): void;
  /** Matchmaking answered no seat (an error, a refusal): the place is given back. */
  failed(): void;
}

export type PendingSeatVerdict = { ok: true; claim: PendingSeatClaim } | { ok: false; retryAfterSeconds: number };

interface Entry {
  /** Unset while the request is still being answered. */
  seat: Seat | undefined;
  /** Until the request answers: its whole lifetime is not yet known, so held as if it just began. */
  expiresAt: number;
}

export class PendingSeats {
  /** Address → its pending reservations (at most maxPerIp each). */
  private readonly byIp = new Map<string, Entry[]>();
  /** sessionId → the address that reserved it, to release on claim. */
  private readonly bySession = new Map<string, string>();

  constructor(private readonly options: PendingSeatsOptions) {}

  claim(ip: string, now: number): PendingSeatVerdict {
    const entries = this.live(ip, now);
    if (entries.length >= this.options.maxPerIp) {
      const soonest = Math.min(...entries.map((entry) => entry.expiresAt));
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((soonest - now) / 1000)) };
    }
    // A request still being answered counts from now for one whole reservation lifetime
    // (the matchmaker answers within a few seconds, or its IPC times out).
    const entry: Entry = { seat: undefined, expiresAt: now + this.options.holdMs };
    entries.push(entry);
    this.byIp.set(ip, entries);
    let settled = false;
    return {
      ok: true,
      claim: {
        reserved: (seat, now) => {
          if (settled) return;
          settled = true;
          entry.seat = seat;
          // The room's own timer started just before the answer.
          entry.expiresAt = now + this.options.holdMs;
          // An answer slower than holdMs finds its entry expired: it is a live
          // reservation all the same, so it counts again from now.
          const entries = this.byIp.get(ip) ?? [];
          if (!entries.includes(entry)) this.byIp.set(ip, [...entries, entry]);
          this.bySession.set(seat.sessionId, ip);
        },
        failed: () => {
          if (settled) return;
          settled = true;
          this.remove(ip, entry);
        },
      },
    };
  }

  /** A WebSocket upgrade naming `seat` was accepted: that reservation is no longer pending. */
  claimed(seat: Seat): void {
    const ip = this.bySession.get(seat.sessionId);
    if (ip === undefined) return;
    const entry = this.byIp
      .get(ip)
      ?.find((candidate) => candidate.seat !== undefined && sameSeat(candidate.seat, seat));
    if (entry !== undefined) this.remove(ip, entry);
  }

  /** Pending reservations of `ip` (for tests and introspection). */
  count(ip: string, now: number): number {
    return this.live(ip, now).length;
  }

  /** Addresses with pending reservations (expired ones are dropped the next time their address is seen). */
  get addresses(): number {
    return this.byIp.size;
  }

  /** Drop every address' expired entries; the caller runs it now and then so the table cannot grow. */
  sweep(now: number): void {
    for (const ip of [...this.byIp.keys()]) this.live(ip, now);
  }

  /** The address' unexpired entries (the expired ones removed). */
  private live(ip: string, now: number): Entry[] {
    const entries = this.byIp.get(ip);
    if (entries === undefined) return [];
    const live = entries.filter((entry) => entry.expiresAt > now);
    for (const entry of entries)
      if (entry.expiresAt <= now && entry.seat !== undefined) this.bySession.delete(entry.seat.sessionId);
    if (live.length === 0) this.byIp.delete(ip);
    else this.byIp.set(ip, live);
    return live;
  }

  private remove(ip: string, entry: Entry): void {
    if (entry.seat !== undefined) this.bySession.delete(entry.seat.sessionId);
    const rest = (this.byIp.get(ip) ?? []).filter((candidate) => candidate !== entry);
    if (rest.length === 0) this.byIp.delete(ip);
    else this.byIp.set(ip, rest);
  }
}

function sameSeat(a: Seat, b: Seat): boolean {
  return a.sessionId === b.sessionId && a.roomId === b.roomId && a.processId === b.processId;
}
