import { describe, expect } from "vitest";
import { matchmake, WireClient } from "../../colyseus/wireClient.ts";
import { until } from "../helpers/until.ts";
import {
  attackerIp,
  fromIp,
  hostileCase,
  mintToken,
  seatsHeld,
  useHostileArena,
  type HostileArena,
} from "./harness.ts";

/**
 * Seat hoarding (issue 13): a seat reservation (POST /matchmake/…) counts
 * against the room's seats until it is claimed or expires, and a dropped
 * player's seat is held for RECONNECT_GRACE_S. Within the request budget
 * alone (HTTP_BURST 60), one address could reserve a whole room without ever
 * connecting, or keep most of it by joining and dropping. The defaults under
 * test: MAX_PENDING_SEATS_PER_IP 4, MAX_SEATS_PER_IP_PER_ROOM 8.
 */
const get = useHostileArena();

const PENDING_CAP = 4;
const ROOM_CAP = 8;

async function reserve(arena: HostileArena, ip: string, token: string) {
  return matchmake(arena.ts, "joinById", arena.room.roomId, { token, headers: fromIp(ip) });
}

describe("seat reservations per IP", () => {
  hostileCase(
    get,
    "one IP reserves 12 seats in the room by joinById and never connects",
    `the first ${PENDING_CAP} get a seat, the rest 429 too_many_pending_seats with Retry-After; the room keeps its other seats`,
    async (arena) => {
      const ip = attackerIp();
      const token = await mintToken();
      const seatsBefore = await seatsHeld(arena);
      const answers = [];
      for (let i = 0; i < 12; i++) answers.push(await reserve(arena, ip, token));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(PENDING_CAP);
      const refused = answers.filter((a) => a.status !== 200);
      for (const answer of refused) {
        expect(answer.status).toBe(429);
        expect(answer.body).toEqual({ error: "too_many_pending_seats" });
        expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      }
      expect(await seatsHeld(arena)).toBe(seatsBefore + PENDING_CAP);
      // Another address is not paying for it.
      expect((await reserve(arena, attackerIp(), await mintToken())).status).toBe(200);
    },
  );

  hostileCase(
    get,
    `one IP at its ${PENDING_CAP} pending seats claims one of them`,
    "the claimed seat is no longer pending: the next reservation is granted",
    async (arena) => {
      const ip = attackerIp();
      const token = await mintToken();
      const seats = [];
      for (let i = 0; i < PENDING_CAP; i++) seats.push(await reserve(arena, ip, token));
      expect(seats.map((s) => s.status)).toEqual(Array(PENDING_CAP).fill(200));
      expect((await reserve(arena, ip, token)).status).toBe(429);
      const seat = seats[0]!.body;
      const client = WireClient.open(WireClient.roomUrl(arena.ts, seat), seat, { headers: fromIp(ip) });
      await client.joined();
      expect((await reserve(arena, ip, token)).status).toBe(200);
      await client.leave();
    },
  );

  hostileCase(
    get,
    `one IP at its ${PENDING_CAP} pending seats opens a WebSocket naming each seat's session but another room`,
    "no seat is claimed that way: the next reservation is still 429, and the room still holds them",
    async (arena) => {
      const ip = attackerIp();
      const token = await mintToken();
      const seatsBefore = await seatsHeld(arena);
      const seats = [];
      for (let i = 0; i < PENDING_CAP; i++) seats.push(await reserve(arena, ip, token));
      expect(seats.map((s) => s.status)).toEqual(Array(PENDING_CAP).fill(200));
      for (const { body: seat } of seats) {
        const decoy = { ...seat, roomId: "nosuchroom" };
        const socket = WireClient.open(WireClient.roomUrl(arena.ts, decoy), decoy, { headers: fromIp(ip) });
        // Colyseus finds no such room and closes it; only then is the place asked about.
        await socket.closed;
      }
      expect((await reserve(arena, ip, token)).status).toBe(429);
      expect(await seatsHeld(arena)).toBe(seatsBefore + PENDING_CAP);
    },
  );

  hostileCase(
    get,
    "one IP joins 10 players into one room (each reserved and connected)",
    `${ROOM_CAP} are seated, the rest are refused; another IP still joins`,
    async (arena) => {
      const ip = attackerIp();
      const clients: WireClient[] = [];
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const answer = await reserve(arena, ip, await mintToken());
        statuses.push(answer.status);
        if (answer.status !== 200) continue;
        const client = WireClient.open(WireClient.roomUrl(arena.ts, answer.body), answer.body, { headers: fromIp(ip) });
        await client.joined();
        clients.push(client);
      }
      expect(clients).toHaveLength(ROOM_CAP);
      expect(statuses.slice(ROOM_CAP).every((status) => status !== 200)).toBe(true);
      const other = await WireClient.join(arena.ts, arena.room.roomId, await mintToken(), fromIp(attackerIp()));
      await other.leave();
      await Promise.all(clients.map((client) => client.leave()));
    },
  );

  hostileCase(
    get,
    "one IP joins and cuts its connection 10 times in a row (each cut holds a reconnection seat)",
    `held and connected seats together stay at ${ROOM_CAP}: the 9th join is refused while the seats are held`,
    async (arena) => {
      const ip = attackerIp();
      const seatsBefore = await seatsHeld(arena);
      let joined = 0;
      for (let i = 0; i < 10; i++) {
        const answer = await reserve(arena, ip, await mintToken());
        if (answer.status !== 200) continue;
        const client = WireClient.open(WireClient.roomUrl(arena.ts, answer.body), answer.body, { headers: fromIp(ip) });
        await client.joined();
        joined++;
        const sessionId = answer.body.sessionId;
        client.cut();
        // The seat is held once the room marks the player disconnected.
        await until(() => arena.room.state.players.get(sessionId)?.connected === false);
      }
      expect(joined).toBe(ROOM_CAP);
      expect(await seatsHeld(arena)).toBe(seatsBefore + ROOM_CAP);
    },
    20_000,
  );

  hostileCase(
    get,
    `one IP at ${ROOM_CAP} seats (one of them a player who then reloads: cut, and joins again with the same token)`,
    "the reload is seated: the held seat it takes over does not count; a 9th player of the IP is still refused",
    async (arena) => {
      const ip = attackerIp();
      const players: WireClient[] = [];
      for (let i = 0; i < ROOM_CAP - 1; i++) {
        players.push(await WireClient.join(arena.ts, arena.room.roomId, await mintToken(), fromIp(ip)));
      }
      const token = await mintToken();
      const before = await WireClient.join(arena.ts, arena.room.roomId, token, fromIp(ip));
      const sessionId = before.seat!.sessionId;
      before.cut();
      await until(() => arena.room.state.players.get(sessionId)?.connected === false);
      const reloaded = await WireClient.join(arena.ts, arena.room.roomId, token, fromIp(ip));
      // Taken over: the ghost is gone, the IP holds its 8 seats.
      await until(() => !arena.room.state.players.has(sessionId));
      expect((await reserve(arena, ip, await mintToken())).status).not.toBe(200);
      await Promise.all([...players, reloaded].map((client) => client.leave()));
    },
    20_000,
  );
});
