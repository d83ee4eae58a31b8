import { describe, expect, it } from "vitest";
import { reservedSeat } from "../../server/net/httpAdmission.ts";
import { PendingSeats, type Seat } from "../../server/net/pendingSeats.ts";
import { mayReserveSeat } from "../../server/rooms/seats.ts";

const HOLD_MS = 8000;

function pending(maxPerIp = 2): PendingSeats {
  return new PendingSeats({ maxPerIp, holdMs: HOLD_MS });
}

/** The seat matchmaking answered for session `sessionId` (room "r" on process "p"). */
const at = (sessionId: string, roomId = "r"): Seat => ({ processId: "p", roomId, sessionId });

function claimed(seats: PendingSeats, ip: string, now: number) {
  const verdict = seats.claim(ip, now);
  if (!verdict.ok) throw new Error("refused");
  return verdict.claim;
}

describe("PendingSeats (MAX_PENDING_SEATS_PER_IP)", () => {
  it("refuses past the cap with the time until the soonest reservation expires", () => {
    const seats = pending();
    claimed(seats, "a", 0).reserved(at("s1"), 0);
    claimed(seats, "a", 1000).reserved(at("s2"), 1000);
    expect(seats.claim("a", 2000)).toEqual({ ok: false, retryAfterSeconds: 6 });
    // Another address has its own count.
    expect(seats.claim("b", 2000).ok).toBe(true);
  });

  it("counts a request still being answered, so concurrent requests cannot all pass", () => {
    const seats = pending();
    claimed(seats, "a", 0);
    claimed(seats, "a", 0);
    expect(seats.claim("a", 0).ok).toBe(false);
  });

  it("gives the place back when matchmaking answers no seat", () => {
    const seats = pending(1);
    claimed(seats, "a", 0).failed();
    expect(seats.count("a", 0)).toBe(0);
    expect(seats.claim("a", 0).ok).toBe(true);
  });

  it("releases a reservation when its WebSocket claims it, and only that one", () => {
    const seats = pending();
    claimed(seats, "a", 0).reserved(at("s1"), 0);
    claimed(seats, "a", 0).reserved(at("s2"), 0);
    seats.claimed(at("s1"));
    seats.claimed(at("s1"));
    seats.claimed(at("unknown"));
    expect(seats.count("a", 0)).toBe(1);
  });

  it("releases a reservation only for an upgrade naming the very seat: same session, room and process", () => {
    const seats = pending();
    claimed(seats, "a", 0).reserved(at("s1"), 0);
    seats.claimed(at("s1", "another-room"));
    seats.claimed({ ...at("s1"), processId: "another-process" });
    expect(seats.count("a", 0)).toBe(1);
    seats.claimed(at("s1"));
    expect(seats.count("a", 0)).toBe(0);
  });

  it("counts an answer that came after its request's hold expired, and forgets it once claimed", () => {
    const seats = pending(1);
    const slow = claimed(seats, "a", 0);
    // The request's hold is over before matchmaking answers (a slow Redis, say).
    expect(seats.count("a", HOLD_MS)).toBe(0);
    slow.reserved(at("s1"), HOLD_MS + 1);
    expect(seats.count("a", HOLD_MS + 1)).toBe(1);
    expect(seats.claim("a", HOLD_MS + 1).ok).toBe(false);
    seats.claimed(at("s1"));
    expect(seats.count("a", HOLD_MS + 1)).toBe(0);
    expect(seats.addresses).toBe(0);
  });

  it("releases a reservation once its lifetime, counted from the answer, is over", () => {
    const seats = pending(1);
    claimed(seats, "a", 0).reserved(at("s1"), 500);
    expect(seats.claim("a", HOLD_MS + 499).ok).toBe(false);
    expect(seats.claim("a", HOLD_MS + 500).ok).toBe(true);
  });

  it("settles a claim once: a late failure after a reservation frees nothing", () => {
    const seats = pending();
    const claim = claimed(seats, "a", 0);
    claim.reserved(at("s1"), 0);
    claim.failed();
    expect(seats.count("a", 0)).toBe(1);
  });

  it("sweeps addresses whose reservations all expired", () => {
    const seats = pending();
    claimed(seats, "a", 0).reserved(at("s1"), 0);
    claimed(seats, "b", 0);
    expect(seats.addresses).toBe(2);
    seats.sweep(HOLD_MS);
    expect(seats.addresses).toBe(0);
    // The expired session is forgotten too: claiming it later touches nothing.
    seats.claimed(at("s1"));
    expect(seats.count("a", HOLD_MS)).toBe(0);
  });
});

describe("reservedSeat", () => {
  it("reads the seat of a seat reservation and nothing else", () => {
    expect(reservedSeat('{"name":"arena","sessionId":"abc","roomId":"r","processId":"p"}')).toEqual({
      sessionId: "abc",
      roomId: "r",
      processId: "p",
    });
    expect(reservedSeat('{"code":4212,"error":"full"}')).toBeUndefined();
    expect(reservedSeat('{"sessionId":"","roomId":"r","processId":"p"}')).toBeUndefined();
    expect(reservedSeat('{"sessionId":"abc","processId":"p"}')).toBeUndefined();
    expect(reservedSeat('{"sessionId":5,"roomId":"r","processId":"p"}')).toBeUndefined();
    expect(reservedSeat("null")).toBeUndefined();
    expect(reservedSeat('{"sessionId":"tru')).toBeUndefined();
  });
});

describe("mayReserveSeat (MAX_SEATS_PER_IP_PER_ROOM)", () => {
  const seat = (clientKey?: string, playerId = "p") => ({ playerId, name: "n", role: "player", clientKey });
  const connected = (auth: unknown) => ({ auth, awaitingReconnection: false });
  const dropped = (auth: unknown) => ({ auth, awaitingReconnection: true });

  it("refuses an address holding the cap in the room, whatever kind of seat each is", () => {
    const held = [connected(seat("a", "p1")), dropped(seat("a", "p2")), connected(seat("b"))];
    expect(mayReserveSeat(seat("a"), held, 3)).toBe(true);
    expect(mayReserveSeat(seat("a"), held, 2)).toBe(false);
    expect(mayReserveSeat(seat("b"), held, 2)).toBe(true);
  });

  it("does not count a seat held for the same player's reconnection: the join takes it over (a reload)", () => {
    const held = [connected(seat("a", "p1")), dropped(seat("a", "me"))];
    expect(mayReserveSeat(seat("a", "me"), held, 2)).toBe(true);
    // Another player of the address, or the same player's connected tab, still counts.
    expect(mayReserveSeat(seat("a", "other"), held, 2)).toBe(false);
    expect(mayReserveSeat(seat("a", "p1"), held, 2)).toBe(false);
  });

  it("does not limit a seat whose address is unknown, and ignores seats without auth data", () => {
    expect(mayReserveSeat(seat(), [connected(seat()), connected(seat())], 1)).toBe(true);
    expect(mayReserveSeat(undefined, [connected(seat("a"))], 1)).toBe(true);
    expect(mayReserveSeat(seat("a"), [undefined, true, null, "a"].map(connected), 1)).toBe(true);
  });
});
